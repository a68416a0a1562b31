package dev.faust4j.internal.reply;

import dev.faust4j.Header;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Faust's RPC wire details that the behaviour tests do not reach: Python's bytes repr, non-model results. */
class ReplyWireTest {

    @Test
    void theReplysKeyIsPythonsReprOfTheRawKeyBytes() {
        assertThat(ReplyWire.pythonRepr("ask-key".getBytes(StandardCharsets.UTF_8))).isEqualTo("b'ask-key'");
        assertThat(ReplyWire.pythonRepr("it's".getBytes(StandardCharsets.UTF_8))).as("Python switches quotes")
                .isEqualTo("b\"it's\"");
        assertThat(ReplyWire.pythonRepr("a'b\"c".getBytes(StandardCharsets.UTF_8))).isEqualTo("b'a\\'b\"c'");
        assertThat(ReplyWire.pythonRepr(new byte[] {'\\', '\t', '\n', '\r', 0, (byte) 0xff, 0x7f}))
                .isEqualTo("b'\\\\\\t\\n\\r\\x00\\xff\\x7f'");
        assertThat(ReplyWire.pythonRepr(new byte[0])).isEqualTo("b''");
    }

    @Test
    void aResultThatIsNotAModelGetsThePlainResponseNamespace() {
        assertThat(new String(ReplyWire.response(null, "42".getBytes(StandardCharsets.UTF_8), "c-1"),
                StandardCharsets.UTF_8))
                .isEqualTo(
                        "{\"key\":null,\"value\":42,\"correlation_id\":\"c-1\",\"__faust\":{\"ns\":\"@ReqRepResponse\"}}");
        assertThat(ReplyWire.parseResponse(ReplyWire.response(null, "\"x\"".getBytes(StandardCharsets.UTF_8), "c-2")))
                .satisfies(r -> {
                    assertThat(r.correlationId()).isEqualTo("c-2");
                    assertThat(new String(r.value(), StandardCharsets.UTF_8)).isEqualTo("\"x\"");
                });
    }

    @Test
    void aRequestNeedsBothHeadersAndAReplyThatIsNotOneIsRefused() {
        assertThat(ReplyWire.fromHeaders(List.of(new Header(ReplyWire.REPLY_TO, "t".getBytes(StandardCharsets.UTF_8)))))
                .isNull();
        assertThat(ReplyWire.fromEnvelope("{\"a\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThatThrownBy(() -> ReplyWire.parseResponse("{\"value\":1}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("correlation_id");
    }
}
