package dev.faust4j;

/**
 * Something a stream can be read from: a {@link Topic} (durable, partitioned, serialized) or a
 * {@link Channel} (in memory, in this process). Thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Source<K, V> {

    /** A new stream over this source. It is inert until iterated: only then does it subscribe. */
    EventStream<K, V> stream();

    /** A short label for logs and errors (the topic names, or {@code <channel>}). */
    String label();
}
