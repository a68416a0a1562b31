package dev.faust4j;

import java.util.Map;
import java.util.Set;

/**
 * Hooks into what a worker does, Faust's sensors in Java form: a metrics exporter, a tracer or a test probe
 * implements the methods it cares about (all do nothing by default) and is added with {@link App#sensor}.
 * {@code faust4j-micrometer} is one.
 *
 * <p>Events come in pairs where something takes time: {@code onXStarted} then exactly one of
 * {@code onXCompleted} or {@code onXFailed}, which carries how long it took. Per record, in order:
 * <ol>
 *   <li>{@link #onMessageIn}: the worker fetched the record (poll thread);</li>
 *   <li>{@link #onStreamEventIn}: an agent's stream hands it to the agent (the agent's thread);</li>
 *   <li>{@link #onStreamEventOut}: that agent is done with it (acked), with the time it spent and the record's
 *       timestamp, for end-to-end latency.</li>
 * </ol>
 * <pre>{@code
 * LongAdder processed = new LongAdder();
 * app.sensor(new Sensor() {
 *     @Override
 *     public void onStreamEventOut(String agent, String topic, int partition, long offset, long timestampMs,
 *                                  long processingNanos) {
 *         processed.increment();
 *     }
 * });
 * }</pre>
 *
 * <p><b>Rules for implementations.</b> Methods are called on the worker's own threads, the per-record ones on its
 * hot path, often from many threads at once: they must be thread-safe, fast and non-blocking (a counter, a timer).
 * An exception thrown by a sensor is caught and logged once per sensor and method; it never breaks processing.
 * Keys and values passed to the table hooks are the user's data: do not log them. With no sensor added, the
 * worker skips the hooks (and the clock readings they need) altogether.
 *
 * <p>Thread-safety: implementations must be thread-safe (see the rules above); the app calls them from many threads.
 */
public interface Sensor {
    /**
     * The {@code topic} of the stream events of an agent that reads a channel (in memory: no topic, partition,
     * offset or timestamp, which are then -1).
     */
    String CHANNEL = "<channel>";

    // ---- lifecycle ----

    /** The app moved from {@code previous} to {@code current}. */
    default void onStateChange(AppState previous, AppState current) {}

    /** The agent moved to {@code state}. */
    default void onAgentStateChange(String agent, Agent.State state) {}

    /** An agent instance raised {@code error}; its error policy decides what happens to the record in hand. */
    default void onAgentCrashed(String agent, Throwable error) {}

    /** An agent instance runs again after a crash (after its restart backoff). */
    default void onAgentRestarted(String agent) {}

    // ---- records ----

    /** The worker fetched a record of {@code topic}/{@code partition} at {@code offset} (poll thread). */
    default void onMessageIn(String topic, int partition, long offset, long timestampMs) {}

    /**
     * An agent's stream hands the record at {@code offset} to {@code agent} (a channel's value: {@code topic} is
     * {@link #CHANNEL}, {@code partition} and {@code offset} are -1).
     */
    default void onStreamEventIn(String agent, String topic, int partition, long offset) {}

    /**
     * {@code agent} is done with the record at {@code offset} (it was acked): {@code processingNanos} after its
     * {@link #onStreamEventIn}; {@code timestampMs} is the record's timestamp (epoch ms), for end-to-end latency.
     */
    default void onStreamEventOut(String agent, String topic, int partition, long offset, long timestampMs,
                                  long processingNanos) {}

    /**
     * Every reader of the record at {@code offset} is done with it (acked): its offset may now be committed
     * (Faust's {@code on_message_out}). Called on the thread of the last reader's ack.
     */
    default void onMessageOut(String topic, int partition, long offset) {}

    /** A record went to its dead-letter topic (decode or agent error policy). */
    default void onDeadLetter(String topic, String deadLetterTopic) {}

    // ---- commits ----

    /** The worker commits the acked offsets of its partitions. */
    default void onCommitStarted() {}

    /** The commit is durable: {@code offsets} are the next offsets to read, per partition. */
    default void onCommitCompleted(Map<Partition, Long> offsets, long nanos) {}

    /** The commit failed (it is retried at the next commit, or the partitions were lost). */
    default void onCommitFailed(Throwable error, long nanos) {}

    // ---- sends ----

    /** A record is being sent to {@code topic} (by an agent, a task, {@code through}, {@code groupBy}...). */
    default void onSendStarted(String topic) {}

    /** The send is durable at {@code partition}/{@code offset}. */
    default void onSendCompleted(String topic, int partition, long offset, long nanos) {}

    /** The send failed for good (a retriable failure is retried first and reported only if it finally fails). */
    default void onSendFailed(String topic, Throwable error, long nanos) {}

    // ---- partitions ----

    /** A rebalance takes partitions away ({@code revoked} may be empty: the worker joins or re-joins). */
    default void onRebalanceStarted(Set<Partition> revoked) {}

    /** The rebalance is over: this worker now holds {@code assigned} (all of them, not only the new ones). */
    default void onRebalanceEnded(Set<Partition> assigned, long nanos) {}

    /** Fetching from these partitions stopped: a full buffer, a send outage or a restore. */
    default void onPartitionsPaused(Set<Partition> partitions) {}

    /** Fetching from these partitions resumed. */
    default void onPartitionsResumed(Set<Partition> partitions) {}

    // ---- the transport's clients ----

    /**
     * The transport created one of its clients: on {@code kafka://}, a Kafka {@code KafkaConsumer} ({@code role}
     * "consumer", the worker's one; "changelog-reader" for table restores, standbys and global tables), a
     * {@code KafkaProducer} ("producer", "transactional-producer") or an {@code Admin} ("admin"), so that a metrics
     * binder can bind the client's own metrics. The memory transport has no clients. Do not close or use it.
     */
    default void onClientCreated(String role, Object client) {}

    /** The transport closed a client it had reported with {@link #onClientCreated}. */
    default void onClientClosed(String role, Object client) {}

    // ---- tables ----

    /** An agent read {@code key} of {@code table}. */
    default void onTableGet(String table, Object key) {}

    /** An agent wrote {@code value} at {@code key} of {@code table} ({@code put} or {@code update}). */
    default void onTableSet(String table, Object key, Object value) {}

    /** An agent deleted {@code key} of {@code table}. */
    default void onTableDelete(String table, Object key) {}
}
