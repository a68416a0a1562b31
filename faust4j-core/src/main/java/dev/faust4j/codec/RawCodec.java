package dev.faust4j.codec;

import java.util.Objects;

/**
 * The {@code raw} codec: bytes in, the same bytes out.
 *
 * <p>Design note: no copy is made in either direction (the identity, as in Faust), so callers
 * must not modify an array after handing it over. Stateless singleton.
 */
final class RawCodec implements Codec<byte[]> {

    static final RawCodec INSTANCE = new RawCodec();

    private RawCodec() {
    }

    @Override
    public byte[] encode(byte[] value) {
        return Objects.requireNonNull(value, "value");
    }

    @Override
    public byte[] decode(byte[] bytes) {
        return Objects.requireNonNull(bytes, "bytes");
    }

    @Override
    public Class<byte[]> type() {
        return byte[].class;
    }

    @Override
    public String name() {
        return "raw";
    }

    @Override
    public String toString() {
        return "raw";
    }
}
