package dev.faust4j.codec;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StringAndRawCodecTest {

    @Test
    void rawIsTheIdentity() {
        byte[] data = {0, 1, (byte) 0xFF};
        Codec<byte[]> raw = Codecs.raw();

        assertThat(raw.encode(data)).isSameAs(data);
        assertThat(raw.decode(data)).isSameAs(data);
        assertThat(raw.decode(new byte[0])).isEmpty();
        assertThat(raw.name()).isEqualTo("raw");
        assertThat(raw.type()).isEqualTo(byte[].class);
        assertThat(Codecs.raw()).isSameAs(raw);
    }

    @Test
    void stringIsUtf8() {
        Codec<String> string = Codecs.string();

        assertThat(string.encode("a1")).containsExactly('a', '1');
        assertThat(string.encode("é😀")).isEqualTo("é😀".getBytes(StandardCharsets.UTF_8));
        assertThat(string.decode(new byte[] {'a', '1'})).isEqualTo("a1");
        assertThat(string.decode(new byte[0])).isEmpty();
        assertThat(string.decode("é😀".getBytes(StandardCharsets.UTF_8))).isEqualTo("é😀");
        assertThat(string.name()).isEqualTo("string");
        assertThat(string.type()).isEqualTo(String.class);
    }

    @Test
    void stringKeepsGenuineReplacementCharacter() {
        String withReplacement = "a\uFFFDb";
        assertThat(Codecs.string().decode(withReplacement.getBytes(StandardCharsets.UTF_8))).isEqualTo(withReplacement);
    }

    @Test
    void stringDecodeIsStrict() {
        byte[][] malformed = {
                {(byte) 0xFF},
                {'a', (byte) 0xC3},                          // truncated 2-byte sequence
                {(byte) 0xC3, 'b'},                          // lead byte then ASCII
                {(byte) 0xC0, (byte) 0xAF},                  // overlong '/'
                {(byte) 0xED, (byte) 0xA0, (byte) 0x80},     // encoded surrogate
                {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
        };
        for (byte[] bytes : malformed) {
            assertThatThrownBy(() -> Codecs.string().decode(bytes))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("UTF-8");
        }
    }

    @Test
    void stringEncodeRefusesUnpairedSurrogates() {
        assertThatThrownBy(() -> Codecs.string().encode("a\uD83D"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
        assertThatThrownBy(() -> Codecs.string().encode("\uDE00a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("surrogate");
    }
}
