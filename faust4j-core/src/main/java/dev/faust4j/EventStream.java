package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Faust's {@code Stream}: an infinite iterable of the values of a topic or channel, for an agent to iterate.
 * (Named {@code EventStream} so that it never fights {@code java.util.stream.Stream} in user code.)
 *
 * <pre>{@code
 * app.agent(withdrawals, stream -> {
 *     for (Withdrawal w : stream.filter(w -> w.amount() > 1000)) {
 *         alerts.send(w.account(), w);
 *     }
 * });
 * }</pre>
 *
 * <h2>Lifecycle and acks</h2>
 * A stream is inert until iterated; the first iteration subscribes it. Each value it yields comes from an
 * {@link Event}; the stream acks that event when you ask for the next value, when the agent throws, or on
 * shutdown. A value dropped by {@link #filter} is acked at once. With {@link #noack()} you ack events yourself.
 *
 * <h2>Operations</h2>
 * {@link #processor}, {@link #filter}, {@link #echo} and {@link #noack} configure this stream;
 * {@link #through} and {@link #groupBy} return a new stream reading from another topic (processors registered
 * before them run <em>before</em> forwarding, unlike Faust); {@link #items}, {@link #events},
 * {@link #enumerate}, {@link #take} and {@link #takeEvents} are the last operation of a chain; {@link #combine}
 * merges streams.
 * Misuse (a second {@code through}, {@code groupBy} with a key function and no name, {@code through} in an
 * agent with concurrency above 1, {@code take} with {@code max < 1}) throws at once with the reason.
 *
 * <p><b>Thread-safety:</b> a stream belongs to the one agent instance (thread) that iterates it. Configure it
 * before iterating.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface EventStream<K, V> extends Iterable<V> {

    /** Adds a processor run on every value, in registration order; it returns the value to pass on. */
    EventStream<K, V> processor(UnaryOperator<V> processor);

    /** Adds an asynchronous processor; the stream waits for its stage to complete. */
    EventStream<K, V> asyncProcessor(Function<? super V, ? extends CompletionStage<V>> processor);

    /** Keeps only values for which the predicate holds; the others are acked and never yielded. Returns this stream. */
    EventStream<K, V> filter(Predicate<? super V> predicate);

    /** Iterates key/value pairs. */
    Iterable<KeyValue<K, V>> items();

    /** Iterates the events themselves, with their metadata and raw bytes. */
    Iterable<Event<K, V>> events();

    /** Iterates values numbered from {@code start}. */
    Iterable<Indexed<V>> enumerate(long start);

    /** Iterates values numbered from 0. */
    default Iterable<Indexed<V>> enumerate() {
        return enumerate(0);
    }

    /**
     * Iterates batches of up to {@code max} values, yielding a batch as soon as it is full or when
     * {@code within} has passed since the previous batch (never an empty batch, never more than {@code max}).
     * A batch is acked when the next one is requested.
     *
     * @throws IllegalArgumentException when {@code max < 1} or {@code within} is not positive
     */
    Iterable<List<V>> take(int max, Duration within);

    /** Batches of exactly {@code max} values (waits as long as it takes). */
    Iterable<List<V>> take(int max);

    /**
     * Like {@link #take(int, Duration)}, but yields the events (Faust's {@code take_events}): their keys, metadata
     * and raw bytes. On a {@link #noack()} stream the batches are never acked for you (Faust's
     * {@code noack_take}): ack each event once it is done, and an event you never ack holds its partition's
     * committed offset.
     *
     * <pre>{@code
     * for (List<Event<String, Order>> batch : stream.noack().takeEvents(100, Duration.ofSeconds(5))) {
     *     database.insertAll(batch.stream().map(Event::value).toList());
     *     batch.forEach(Event::ack);
     * }
     * }</pre>
     *
     * @throws IllegalArgumentException when {@code max < 1} or {@code within} is not positive
     * @throws NullPointerException when {@code within} is null (use a long duration for "full batches only")
     */
    Iterable<List<Event<K, V>>> takeEvents(int max, Duration within);

    /**
     * Forwards every value to {@code topic} and returns a stream reading that topic. The forwarded record keeps
     * the original key and headers; the value keeps its original bytes unless a processor changed it.
     */
    EventStream<K, V> through(Topic<K, V> topic);

    /** {@link #through(Topic)} to a topic of this name with this stream's types and codecs. */
    EventStream<K, V> through(String topicName);

    /** Also sends every value, with its key, to these topics, waiting for the sends to be accepted. Returns this stream. */
    EventStream<K, V> echo(List<? extends Topic<K, V>> topics);

    /** {@link #echo(List)} to topics of these names with this stream's types and codecs. */
    EventStream<K, V> echo(String... topicNames);

    /**
     * Repartitions by a field of the (record) value: every value is forwarded, keyed by that field, to the topic
     * {@code "{agent}-{topic}-{Class}.{field}-repartition"} with the app's default partition count, and the
     * returned stream reads that topic.
     */
    EventStream<K, V> groupBy(String field);

    /** {@link #groupBy(String)} with an explicit partition count for the repartition topic. */
    EventStream<K, V> groupBy(String field, int partitions);

    /** Repartitions by a computed key; {@code name} names the repartition topic. */
    EventStream<K, V> groupBy(Function<? super V, ? extends K> key, String name);

    /** Repartitions by a computed key with an explicit partition count. */
    EventStream<K, V> groupBy(Function<? super V, ? extends K> key, String name, int partitions);

    /**
     * A stream yielding the values of this stream and of {@code other} in arrival order. Each value is acked
     * on its own source; it ends when every input has ended; stopping it stops every input.
     */
    EventStream<K, V> combine(EventStream<K, V> other);

    /** This stream with automatic acks turned off: ack each {@link Event} yourself. */
    EventStream<K, V> noack();

    /** The event behind the value most recently yielded, or null. */
    @Nullable
    Event<K, V> currentEvent();
}
