package dev.faust4j.internal.stream;

import dev.faust4j.Event;
import dev.faust4j.EventStream;
import dev.faust4j.Indexed;
import dev.faust4j.KeyValue;
import dev.faust4j.Topic;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * The stream operations that build something around a stream (iterators, batches, merges, forwarding), kept out
 * of the core step: a stream delegates them here, so the classes that implement them depend on the stream and not
 * the other way round. Implemented by {@link Operations}; thread-safe.
 */
public interface StreamOps {

    <K, V> Iterator<V> values(EventStream<K, V> stream);

    <K, V> Iterator<Event<K, V>> events(EventStream<K, V> stream);

    <K, V> Iterator<KeyValue<K, V>> items(EventStream<K, V> stream);

    <K, V> Iterator<Indexed<V>> enumerate(EventStream<K, V> stream, long start);

    <K, V> Iterable<List<V>> take(EventStream<K, V> stream, int max, Duration within);

    <K, V> Iterable<List<Event<K, V>>> takeEvents(EventStream<K, V> stream, int max, Duration within);

    <K, V> EventStream<K, V> combine(EventStream<K, V> stream, EventStream<K, V> other);

    <K, V> EventStream<K, V> through(EventStream<K, V> stream, Topic<K, V> topic);

    <K, V> EventStream<K, V> through(EventStream<K, V> stream, String topicName);

    <K, V> EventStream<K, V> echo(EventStream<K, V> stream, List<? extends Topic<K, V>> topics);

    <K, V> EventStream<K, V> echo(EventStream<K, V> stream, String... topicNames);

    <K, V> EventStream<K, V> groupBy(EventStream<K, V> stream, String field, int partitions);

    <K, V> EventStream<K, V> groupBy(EventStream<K, V> stream, Function<? super V, ? extends K> key, String name,
                                     int partitions);
}
