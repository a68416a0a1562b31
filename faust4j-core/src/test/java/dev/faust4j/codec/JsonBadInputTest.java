package dev.faust4j.codec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.faust4j.codec.JsonTestModels.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Codecs.json: bad bytes fail with a payload-free DecodeException, never worse. */
class JsonBadInputTest {

    private final Codec<Withdrawal> codec = Codecs.json(Withdrawal.class);

    private void assertDecodeFails(byte[] data, String expectedFragment) {
        assertThatThrownBy(() -> codec.decode(data))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(Withdrawal.class.getTypeName())
                .hasMessageContaining(expectedFragment)
                .hasNoCause();
    }

    @Test
    void emptyBytes() {
        assertDecodeFails(new byte[0], "empty");
    }

    @Test
    void truncatedJson() {
        assertDecodeFails(bytes("{\"account_id\":\"a1\",\"amount\":10."), "");
        assertDecodeFails(bytes("{\"account_id\":\"a1\",\"amo"), "truncated");
        assertDecodeFails(bytes("{\"account_id\":\"a1\""), "");
    }

    @Test
    void malformedJsonDoesNotQuotePayload() {
        assertThatThrownBy(() -> codec.decode(bytes("{\"account_id\":SECRETTOKEN}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("malformed JSON")
                .hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> codec.decode(bytes("SECRET")))
                .isInstanceOf(DecodeException.class).hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> codec.decode(bytes("{\"account_id\":\"a\",\"amount\":1} SECRET")))
                .isInstanceOf(DecodeException.class).hasMessageNotContaining("SECRET");
        assertDecodeFails(bytes("{\"account_id\":\"a\",\"amount\":1} {}"), "trailing content");
    }

    @Test
    void wrongFieldTypes() {
        assertThatThrownBy(() -> codec.decode(bytes("{\"account_id\":\"a1\",\"amount\":\"SECRET\"}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("amount")
                .hasMessageNotContaining("SECRET");
        assertDecodeFails(bytes("{\"account_id\":\"a1\",\"amount\":\"10.5\"}"), "amount");
        assertDecodeFails(bytes("{\"account_id\":\"a1\",\"amount\":{}}"), "amount");
        assertDecodeFails(bytes("{\"account_id\":[1],\"amount\":1}"), "account_id");
        assertDecodeFails(bytes("{\"account_id\":\"a\",\"amount\":null}"), "amount");
        assertDecodeFails(bytes("[1,2]"), "wrong JSON type");
        assertDecodeFails(bytes("\"a string\""), "");
        assertThatThrownBy(() -> Codecs.json(Ints.class).decode(bytes("{\"count\":1.5}")))
                .isInstanceOf(DecodeException.class).hasMessageContaining("count");
        assertThatThrownBy(() -> Codecs.json(Ints.class).decode(bytes("{\"flag\":1}")))
                .isInstanceOf(DecodeException.class).hasMessageContaining("flag");
        assertThatThrownBy(() -> Codecs.json(Ints.class).decode(bytes("{\"count\":99999999999}")))
                .isInstanceOf(DecodeException.class).hasMessageContaining("count");
    }

    @Test
    void jsonNullDocument() {
        assertDecodeFails(bytes("null"), "null");
        assertThatThrownBy(() -> Codecs.json(String.class).decode(bytes("null"))).isInstanceOf(DecodeException.class);
    }

    @Test
    void invalidUtf8() {
        byte[] inValue = bytes("{\"account_id\":\"aXb\",\"amount\":1}");
        inValue[16] = (byte) 0xFF;
        assertDecodeFails(inValue, "UTF-8");

        byte[] truncatedSequence = bytes("{\"account_id\":\"aXb\",\"amount\":1}");
        truncatedSequence[16] = (byte) 0xC3; // lead byte followed by ASCII 'b'
        assertDecodeFails(truncatedSequence, "UTF-8");

        byte[] inIgnoredField = bytes("{\"zzz\":\"aXb\",\"account_id\":\"a\",\"amount\":1}");
        inIgnoredField[9] = (byte) 0xC3;
        assertDecodeFails(inIgnoredField, "UTF-8");
    }

    @Test
    void constructorExceptionMessageIsNotCopied() {
        assertThatThrownBy(() -> Codecs.json(Rejecting.class).decode(bytes("{\"s\":\"\"}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("IllegalArgumentException")
                .hasMessageNotContaining("must not be empty")
                .hasNoCause();
    }

    @Test
    void mapKeysAreNotQuotedInPath() {
        assertThatThrownBy(() -> Codecs.json(WithList.class).decode(bytes("{\"scores\":{\"SECRETKEY\":\"x\"}}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("scores")
                .hasMessageNotContaining("SECRETKEY");
    }

    @Test
    void deeplyNestedInputFailsCleanly() {
        int depth = 100_000;
        String deep = "[".repeat(depth) + "]".repeat(depth);
        String deepObject = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);

        assertDecodeFails(bytes(deep), "wrong JSON type"); // an array is not a record: fails at once
        assertDecodeFails(bytes("{\"account_id\":\"a\",\"x\":" + deep + "}"), "limit");
        assertThatThrownBy(() -> Codecs.json(Object.class).decode(bytes(deep)))
                .isInstanceOf(DecodeException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> Codecs.json(Map.class).decode(bytes(deepObject)))
                .isInstanceOf(DecodeException.class).hasMessageContaining("limit");
        assertThatThrownBy(() -> Codecs.json(User.class).decode(bytes(deepObject)))
                .isInstanceOf(DecodeException.class);
    }

    @Test
    void moderateNestingIsFine() {
        String nested = "[".repeat(200) + "]".repeat(200);
        assertThat(Codecs.json(Object.class).decode(bytes(nested))).isInstanceOf(List.class);
    }
}
