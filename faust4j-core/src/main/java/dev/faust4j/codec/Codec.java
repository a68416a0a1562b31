package dev.faust4j.codec;

/**
 * Turns values of one type into bytes and back. Codecs are chosen by the programmer when a topic is
 * declared (never from message data), so no class name or codec name is ever taken from a record.
 *
 * <p>A codec must be stateless or thread-safe: one instance is shared by every thread of a worker.
 * {@code decode} receives the record's bytes, never null (null keys and values are handled by the caller),
 * and throws {@link DecodeException} (or any runtime exception) for bytes it cannot read.
 *
 * @param <T> the value type
 */
public interface Codec<T> {

    /** Encodes a non-null value. */
    byte[] encode(T value);

    /** Decodes non-null bytes. */
    T decode(byte[] bytes);

    /** The Java type this codec reads and writes. */
    Class<T> type();

    /** A short name for messages and the CLI, such as {@code "raw"} or {@code "json"}. */
    String name();
}
