package dev.faust4j.codec;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.faust4j.codec.JsonTestModels.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Codecs.json: tolerant reading of Faust-produced JSON, and binding only to the declared type. */
class JsonReadingTest {

    @Test
    void readsRobinhoodStyleSpacedJson() {
        byte[] rh = bytes(
                "{\"account_id\": \"a1\", \"amount\": 10.5, \"__faust\": {\"ns\": \"myapp.models.Withdrawal\"}}");
        assertThat(rh).hasSize(82);

        assertThat(Codecs.json(Withdrawal.class).decode(rh)).isEqualTo(new Withdrawal("a1", 10.5));
    }

    @Test
    void readsPrettyPrintedJson() {
        assertThat(Codecs.json(Withdrawal.class).decode(bytes("{\n  \"account_id\" : \"a1\",\n  \"amount\" : 10\n}\n")))
                .isEqualTo(new Withdrawal("a1", 10.0));
    }

    @Test
    void ignoresUnknownFieldsAndUnknownNamespace() {
        byte[] data = bytes("{\"account_id\":\"a1\",\"extra\":{\"deep\":[1,2,{\"x\":null}]},\"amount\":1.5,"
                + "\"__faust\":{\"ns\":\"some.other.Model\"}}");

        assertThat(Codecs.json(Withdrawal.class).decode(data)).isEqualTo(new Withdrawal("a1", 1.5));
    }

    @Test
    void readsPayloadWithoutFaustMember() {
        assertThat(Codecs.json(Withdrawal.class).decode(bytes("{\"account_id\":\"a1\",\"amount\":2}")))
                .isEqualTo(new Withdrawal("a1", 2.0));
    }

    @Test
    void missingFieldsBecomeNullOrDefault() {
        assertThat(Codecs.json(Ints.class).decode(bytes("{}"))).isEqualTo(new Ints(0, null, false, null));
        assertThat(Codecs.json(Withdrawal.class).decode(bytes("{\"amount\":3}"))).isEqualTo(new Withdrawal(null, 3.0));
    }

    @Test
    void classNameInDataNeverSelectsTheClass() {
        byte[] data = bytes("{\"@class\":\"java.net.URL\",\"account_id\":\"a1\",\"amount\":1,"
                + "\"__faust\":{\"ns\":\"java.net.URL\"}}");

        assertThat(Codecs.json(Withdrawal.class).decode(data)).isEqualTo(new Withdrawal("a1", 1.0));

        Object untyped = Codecs.json(Object.class).decode(data);
        assertThat(untyped).isInstanceOf(Map.class);
        assertThat(((Map<?, ?>) untyped).get("@class")).isEqualTo("java.net.URL");

        Holder holder = Codecs.json(Holder.class).decode(bytes(
                "{\"id\":\"h\",\"anything\":{\"@class\":\"java.net.URL\",\"protocol\":\"http\",\"host\":\"x\"}}"));
        assertThat(holder.anything()).isInstanceOf(Map.class);
    }

    @Test
    void classIdTypeInfoOnUserTypeIsRefused() {
        assertThatThrownBy(
                () -> Codecs.json(Dangerous.class).decode(bytes("{\"@class\":\"java.net.URL\",\"s\":\"x\"}")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining(Dangerous.class.getTypeName())
                .hasMessageNotContaining("java.net.URL");
        assertThatThrownBy(() -> Codecs.json(Dangerous.class).decode(
                bytes("{\"@class\":\"" + Dangerous.class.getName() + "\",\"s\":\"x\"}")))
                .isInstanceOf(DecodeException.class);
    }

    @Test
    void roundTrips() {
        Withdrawal w = new Withdrawal("ü-€-😀", -0.000123);
        Codec<Withdrawal> codec = Codecs.json(Withdrawal.class);
        assertThat(codec.decode(codec.encode(w))).isEqualTo(w);

        Ints i = new Ints(Integer.MIN_VALUE, Long.MAX_VALUE, true, "\"quoted\"\n\\");
        assertThat(Codecs.json(Ints.class).decode(Codecs.json(Ints.class).encode(i))).isEqualTo(i);

        assertThat(Codecs.json(String.class).decode(Codecs.json(String.class).encode("hi"))).isEqualTo("hi");
        assertThat(Codecs.json(Long.class).decode(Codecs.json(Long.class).encode(7L))).isEqualTo(7L);
        for (double d : new double[] {0.1, 10.5, 1e16, 1e-7, Double.MAX_VALUE, Double.MIN_VALUE, -0.0}) {
            assertThat(Codecs.json(Double.class).decode(Codecs.json(Double.class).encode(d))).isEqualTo(d);
        }
    }

    @Test
    void readsPythonEscapedUnicode() {
        // Faust with the stdlib JSON backend writes ensure_ascii output
        assertThat(Codecs.json(String.class).decode(bytes("\"\\u00e9\\ud83d\\ude00\""))).isEqualTo("é😀");
    }

    @Test
    void readsFaustNanAsNaN() {
        // Faust's stdlib writer emits bare NaN; tolerate it on read
        assertThat(Codecs.json(Withdrawal.class).decode(bytes("{\"account_id\":\"a\",\"amount\":NaN}")).amount())
                .isNaN();
    }

    @Test
    void codecIdentity() {
        Codec<Withdrawal> codec = Codecs.json(Withdrawal.class);
        assertThat(codec.name()).isEqualTo("json");
        assertThat(codec.type()).isEqualTo(Withdrawal.class);
        assertThat(Codecs.json(Withdrawal.class)).isSameAs(codec);
        assertThat(Codecs.json(Withdrawal.class, "x.Y").type()).isEqualTo(Withdrawal.class);
    }
}
