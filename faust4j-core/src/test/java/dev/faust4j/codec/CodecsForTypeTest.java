package dev.faust4j.codec;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CodecsForTypeTest {

    record Order(String id, int qty) {
    }

    @Test
    void bytesAlwaysGetRaw() {
        assertThat(Codecs.forType("raw", byte[].class)).isSameAs(Codecs.raw());
        assertThat(Codecs.forType("string", byte[].class)).isSameAs(Codecs.raw());
        assertThat(Codecs.forType("json", byte[].class)).isSameAs(Codecs.raw());
    }

    @Test
    void stringsAlwaysGetPlainText() {
        assertThat(Codecs.forType("raw", String.class)).isSameAs(Codecs.string());
        assertThat(Codecs.forType("string", String.class)).isSameAs(Codecs.string());
        // deliberate deviation from Faust (robinhood/faust#16): String topics read plain text
        assertThat(Codecs.forType("json", String.class)).isSameAs(Codecs.string());
        assertThat(Codecs.forType("json", String.class).decode("hello".getBytes())).isEqualTo("hello");
    }

    @Test
    void otherTypesWithJsonGetJson() {
        Codec<Order> codec = Codecs.forType("json", Order.class);
        assertThat(codec).isSameAs(Codecs.json(Order.class));
        assertThat(codec.name()).isEqualTo("json");
        assertThat(codec.type()).isEqualTo(Order.class);
        assertThat(Codecs.forType("json", Map.class).name()).isEqualTo("json");
        assertThat(Codecs.forType("json", Integer.class).decode("42".getBytes())).isEqualTo(42);
    }

    @Test
    void namesAreCaseInsensitive() {
        assertThat(Codecs.forType("JSON", Order.class)).isSameAs(Codecs.json(Order.class));
        assertThat(Codecs.forType("Raw", byte[].class)).isSameAs(Codecs.raw());
        assertThat(Codecs.forType("STRING", String.class)).isSameAs(Codecs.string());
    }

    @Test
    void otherTypesWithRawOrStringAreRejected() {
        assertThatThrownBy(() -> Codecs.forType("raw", Order.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Order.class.getTypeName())
                .hasMessageContaining("json codec or an explicit Codec");
        assertThatThrownBy(() -> Codecs.forType("string", Integer.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.Integer");
    }

    @Test
    void unknownNamesAreRejected() {
        assertThatThrownBy(() -> Codecs.forType("pickle", Order.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pickle")
                .hasMessageContaining("raw, string or json");
        assertThatThrownBy(() -> Codecs.forType("json|binary", String.class))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
