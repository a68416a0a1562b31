package dev.faust4j.internal.stream;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.EventStream;
import dev.faust4j.internal.buffer.Inlet;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.send.Sender;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.internal.topic.SourceImpl;
import dev.faust4j.internal.topic.StreamFactory;
import dev.faust4j.time.Ticker;

import java.util.function.BiFunction;

/**
 * Makes the app's streams: over a topic or channel for {@code Source.stream()} (iterated in a task), and the
 * streams of an agent's instances over their shared subscription.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Streams implements StreamFactory {
    private final StreamContext context;

    /**
     * @param ticker            the app's clock
     * @param sender            sends forwarded records
     * @param threads           starts a named virtual thread of the app
     * @param failures          applies error policies
     * @param defaultPartitions {@code topic_partitions}
     * @param appPolicy         the app's agent error policy (for streams outside agents)
     * @param sensors           the app's sensors
     */
    public Streams(Ticker ticker, Sender sender, BiFunction<String, Runnable, Thread> threads, ErrorHandling failures,
                   int defaultPartitions, ErrorPolicy appPolicy, Sensors sensors) {
        this.context = new StreamContext(ticker, sender, threads, failures, defaultPartitions, appPolicy,
                new Operations(), sensors, null);
    }

    @Override
    public <K, V> EventStream<K, V> stream(SourceImpl<K, V> source) {
        return new TopicStream<>(context, source, null, null);
    }

    /**
     * The stream of one instance of {@code agent}, reading the subscription its instances share: directly, or
     * through {@code inlet}, its place at the dispatcher standing before the subscription (null: none).
     */
    public <K, V> AgentStream<K, V> forAgent(AgentControl agent, SourceImpl<K, V> source, Subscription shared,
                                             Inlet inlet) {
        TopicStream<K, V> s = new TopicStream<>(context.forAgent(agent), source, shared, inlet);
        return new AgentStream<>(s, new SupervisedStream<>(s));
    }

    /**
     * An agent instance's stream, and its supervisor's view of it.
     *
     * @param stream   what the agent function iterates
     * @param control  what its supervisor reads after the function returned or threw
     */
    public record AgentStream<K, V>(EventStream<K, V> stream, Supervisable control) {}
}
