package dev.faust4j.internal.stream;

import dev.faust4j.Event;
import dev.faust4j.EventStream;
import dev.faust4j.Indexed;
import dev.faust4j.KeyValue;
import dev.faust4j.Topic;
import dev.faust4j.internal.failure.Misuse;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * The standard {@link StreamOps}: {@link Iteration}, {@link Batches}, {@link CombinedStream} and {@link Forwarding}
 * over faust4j's own streams. Stateless and thread-safe.
 */
final class Operations implements StreamOps {

    @Override
    public <K, V> Iterator<V> values(EventStream<K, V> stream) {
        return Iteration.of(base(stream), e -> BaseStream.cast(e.yielded()));
    }

    @Override
    public <K, V> Iterator<Event<K, V>> events(EventStream<K, V> stream) {
        return Iteration.of(base(stream), e -> e);
    }

    @Override
    public <K, V> Iterator<KeyValue<K, V>> items(EventStream<K, V> stream) {
        return Iteration.of(base(stream), e -> new KeyValue<>(e.key(), BaseStream.cast(e.yielded())));
    }

    @Override
    public <K, V> Iterator<Indexed<V>> enumerate(EventStream<K, V> stream, long start) {
        long[] index = {start};
        return Iteration.of(base(stream), e -> new Indexed<>(index[0]++, BaseStream.cast(e.yielded())));
    }

    @Override
    public <K, V> Iterable<List<V>> take(EventStream<K, V> stream, int max, Duration within) {
        return Batches.values(base(stream), "take", max, within);
    }

    @Override
    public <K, V> Iterable<List<Event<K, V>>> takeEvents(EventStream<K, V> stream, int max, Duration within) {
        return Batches.events(base(stream), max, within);
    }

    @Override
    public <K, V> EventStream<K, V> combine(EventStream<K, V> stream, EventStream<K, V> other) {
        BaseStream<K, V> s = base(stream);
        if (other == null) {
            throw new NullPointerException("other");
        }
        if (!(other instanceof BaseStream<K, V> o)) {
            throw Misuse.argument("can only combine streams created by faust4j");
        }
        if (o.equals(s)) {
            throw Misuse.argument("cannot combine a stream with itself");
        }
        if (s.started() || o.started()) {
            throw Misuse.state("combine streams before iterating them");
        }
        return new CombinedStream<>(s.ctx, List.of(s, o));
    }

    @Override
    public <K, V> EventStream<K, V> through(EventStream<K, V> stream, Topic<K, V> topic) {
        return Forwarding.through(base(stream), topic);
    }

    @Override
    public <K, V> EventStream<K, V> through(EventStream<K, V> stream, String topicName) {
        return Forwarding.through(base(stream), topicName);
    }

    @Override
    public <K, V> EventStream<K, V> echo(EventStream<K, V> stream, List<? extends Topic<K, V>> topics) {
        return Forwarding.echo(base(stream), topics);
    }

    @Override
    public <K, V> EventStream<K, V> echo(EventStream<K, V> stream, String... topicNames) {
        return Forwarding.echo(base(stream), topicNames);
    }

    @Override
    public <K, V> EventStream<K, V> groupBy(EventStream<K, V> stream, String field, int partitions) {
        return Forwarding.groupBy(base(stream), field, partitions);
    }

    @Override
    public <K, V> EventStream<K, V> groupBy(EventStream<K, V> stream, Function<? super V, ? extends K> key, String name,
                                            int partitions) {
        return Forwarding.groupBy(base(stream), key, name, partitions);
    }

    private static <K, V> BaseStream<K, V> base(EventStream<K, V> stream) {
        return (BaseStream<K, V>) stream;
    }
}
