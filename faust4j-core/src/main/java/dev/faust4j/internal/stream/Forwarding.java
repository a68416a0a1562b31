package dev.faust4j.internal.stream;

import dev.faust4j.EventStream;
import dev.faust4j.Topic;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.failure.Misuse;
import dev.faust4j.internal.topic.TopicImpl;
import dev.faust4j.spi.ProducedRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * {@code through}, {@code echo} and {@code groupBy}: streams that write to other topics.
 *
 * <p>Design. {@code through} and {@code groupBy} chain a new stream over the target topic after this one, fed by a
 * {@link Forwarder}; the agent iterates the new stream. Processors registered before them run before forwarding
 * (Faust moves them after, #553). {@code echo} is a processor that also sends each value on. A forwarded record
 * keeps the original key bytes (or the new key, when regrouping), the original value bytes unless a processor
 * changed the value, and the headers; its send is tied to the input event. Misuse (a second {@code through},
 * {@code through} in an agent with concurrency, on a combined stream or a channel, {@code groupBy} of a missing
 * field) throws at once, before any topic is created. A restarted agent that builds its chain again gets the
 * existing one back.
 *
 * <p>Thread-safety: called by the thread configuring the stream.
 */
final class Forwarding {
    private Forwarding() {
    }

    static <K, V> EventStream<K, V> through(BaseStream<K, V> s, Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        if (restarted(s)) {
            return s.next;
        }
        checkChainable(s, "through");
        TopicImpl<K, V> target = (TopicImpl<K, V>) topic;
        target.declare();
        return chain(s, target, (e, v) -> forward(s, target, e, v, null, false));
    }

    static <K, V> EventStream<K, V> through(BaseStream<K, V> s, String topicName) {
        if (restarted(s)) {
            return s.next;
        }
        checkChainable(s, "through");
        return through(s, sourceTopic(s, "through(\"" + topicName + "\")").derive(topicName, 0, false));
    }

    static <K, V> EventStream<K, V> echo(BaseStream<K, V> s, List<? extends Topic<K, V>> topics) {
        List<TopicImpl<K, V>> targets = new ArrayList<>();
        for (Topic<K, V> t : topics) {
            TopicImpl<K, V> ti = (TopicImpl<K, V>) Objects.requireNonNull(t, "echo topic");
            ti.declare();
            targets.add(ti);
        }
        return s.addProcessor(v -> {
            EventImpl<K, V> e = s.current;
            for (TopicImpl<K, V> t : targets) {
                forward(s, t, e, v, null, false);
            }
            return v;
        });
    }

    static <K, V> EventStream<K, V> echo(BaseStream<K, V> s, String... topicNames) {
        List<TopicImpl<K, V>> targets = new ArrayList<>();
        for (String n : topicNames) {
            targets.add(sourceTopic(s, "echo(\"" + n + "\")").derive(n, 0, false));
        }
        return echo(s, targets);
    }

    static <K, V> EventStream<K, V> groupBy(BaseStream<K, V> s, String field, int partitions) {
        if (restarted(s)) {
            return s.next;
        }
        checkChainable(s, "groupBy");
        TopicImpl<K, V> src = sourceTopic(s, "groupBy");
        Class<V> type = src.valueCodec().type();
        Function<V, K> key = FieldKey.of(type, field, src.keyCodec().type());
        return groupBy(s, key, type.getSimpleName() + "." + field, partitions);
    }

    static <K, V> EventStream<K, V> groupBy(BaseStream<K, V> s, Function<? super V, ? extends K> key, String name,
                                            int partitions) {
        if (restarted(s)) {
            return s.next;
        }
        Objects.requireNonNull(key, "key");
        if (name == null || name.isBlank()) {
            throw Misuse.argument("groupBy with a key function must set a name (it names the repartition topic)");
        }
        if (partitions < 0) {
            throw Misuse.argument("groupBy partitions must be >= 1, got " + partitions);
        }
        checkChainable(s, "groupBy");
        TopicImpl<K, V> src = sourceTopic(s, "groupBy");
        if (src.names().size() != 1) {
            throw Misuse.state("groupBy needs a stream over a single topic, not " + src.names());
        }
        AgentControl agent = s.ctx.agent();
        String prefix = agent != null && !src.agentOwned() ? agent.name() + "-" : "";
        String repartition = prefix + src.names().getFirst() + "-" + name + "-repartition";
        TopicImpl<K, V> target = src.derive(repartition, partitions == 0 ? s.ctx.defaultPartitions() : partitions,
                true);
        target.declare();
        return chain(s, target, (e, v) -> {
            K newKey = key.apply(BaseStream.cast(v));
            forward(s, target, e, v, newKey, true);
        });
    }

    /** A restarted agent function builds its chain again: it gets the existing one. */
    private static boolean restarted(BaseStream<?, ?> s) {
        return s.next != null && s.runs > 1;
    }

    private static <K, V> TopicImpl<K, V> sourceTopic(BaseStream<K, V> s, String op) {
        if (!(s.source() instanceof TopicImpl<K, V> t)) {
            throw Misuse.state(op + " needs a stream over a topic; this stream reads "
                    + (s.source() == null ? "combined streams" : s.source().label()));
        }
        return t;
    }

    /** Misuse checks of through/groupBy, before anything (such as a topic) is created. */
    private static void checkChainable(BaseStream<?, ?> s, String op) {
        if (s.next != null) {
            throw Misuse.state("Stream already uses groupBy/through: " + op + " cannot be added");
        }
        AgentControl agent = s.ctx.agent();
        if (agent != null && agent.concurrency() > 1) {
            throw Misuse.state("Agent " + agent.name() + " has concurrency " + agent.concurrency()
                    + " and cannot use stream." + op + ": use concurrency 1");
        }
        if (agent != null && agent.isolatesPartitions()) {
            throw Misuse.state("Agent " + agent.name() + " uses isolated partitions and cannot use stream." + op
                    + ": its instances would each forward to the same topic");
        }
        if (s.source() == null) {
            throw Misuse.state(op + " is not supported on a combined stream");
        }
    }

    private static <K, V> EventStream<K, V> chain(BaseStream<K, V> s, TopicImpl<K, V> target,
                                                  Forwarder.Forward<K, V> f) {
        TopicStream<K, V> downstream = new TopicStream<>(s.ctx, target, null, null);
        downstream.feeder = new Forwarder<>(s, f);
        s.next = downstream;
        downstream.runs = s.runs;
        return downstream;
    }

    /** Forwards an event: original key bytes (or {@code newKey} when rekeying) and value bytes unless changed. */
    @SuppressWarnings("ReferenceEquality") // the very value decoded: its original bytes are forwarded as they came
    private static <K, V> void forward(BaseStream<K, V> s, TopicImpl<K, V> target, EventImpl<K, V> e, Object value,
                                       K newKey, boolean rekey) {
        byte[] key;
        if (rekey) {
            key = newKey == null ? null : target.keyCodec().encode(newKey);
        } else if (e.record() != null) {
            key = e.rawKey();
        } else {
            key = e.key() == null ? null : target.keyCodec().encode(e.key());
        }
        byte[] bytes;
        if (e.record() != null && value == e.value()) {
            bytes = e.rawValue();
        } else {
            V v = BaseStream.cast(value);
            bytes = v == null ? null : target.valueCodec().encode(v);
        }
        s.ctx.sender().sendFor(e, new ProducedRecord(target.name(), null, null, key, bytes, e.headers()));
    }
}
