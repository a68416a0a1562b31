package dev.faust4j.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The {@code string} codec: strict UTF-8 text.
 *
 * <p>Design note: decoding first uses the JDK's fast lenient decoder; a malformed sequence turns
 * into U+FFFD there, so only when the result contains U+FFFD (rare: malformed input, or a genuine
 * replacement character) is the input re-checked with a strict decoder, which tells the two apart.
 * Encoding refuses unpaired surrogates, which the JDK would silently write as {@code '?'}.
 * Messages never contain the text. Stateless singleton.
 */
final class StringCodec implements Codec<String> {

    static final StringCodec INSTANCE = new StringCodec();

    private StringCodec() {
    }

    @Override
    public byte[] encode(String value) {
        Objects.requireNonNull(value, "value");
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException(
                            "cannot encode String as UTF-8: unpaired surrogate at index " + i);
                }
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String decode(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
            try {
                StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes));
            } catch (CharacterCodingException e) {
                throw new DecodeException("cannot decode String: invalid UTF-8 (" + bytes.length + " bytes)");
            }
        }
        return text;
    }

    @Override
    public Class<String> type() {
        return String.class;
    }

    @Override
    public String name() {
        return "string";
    }

    @Override
    public String toString() {
        return "string";
    }
}
