package dev.faust4j.internal.topic;

import dev.faust4j.EventStream;

/** Creates the stream over a topic or channel that {@code Source.stream()} returns. Thread-safe. */
public interface StreamFactory {
    <K, V> EventStream<K, V> stream(SourceImpl<K, V> source);
}
