package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.util.concurrent.CompletableFuture;

/**
 * A stream processor registered with {@link App#agent}: a function over a stream of a topic or channel,
 * run by the worker as {@link #concurrency()} instances, each on its own virtual thread. Instances share one
 * subscription, so each record goes to exactly one of them (in no particular order across instances, unless
 * {@link #orderedByKey()}).
 *
 * <pre>{@code
 * Agent<String, Order> totals = app.agent(orders, stream -> {
 *     for (Order order : stream) {
 *         ledger.add(order);
 *     }
 * }).name("totals").concurrency(4).onError(ErrorPolicy.deadLetter("orders-dlq"));
 * }</pre>
 *
 * <h2>Parallelism</h2>
 * By default an agent runs one instance, which sees its records in offset order per partition. Three other shapes:
 * <ul>
 *   <li>{@link #concurrency(int) concurrency(n)}: n instances take records as they become free, each record
 *       handed to the instance that has waited longest, so a fast function spreads records evenly over all n.
 *       No order between records: for work where order does not matter.</li>
 *   <li>{@code concurrency(n).}{@link #orderedByKey()}: the same n instances, but the records of one key (per
 *       partition) are processed one at a time, in offset order; records of different keys run in parallel.
 *       n can be far above the partition count (256 for a database call per record). A slow key holds back only
 *       its own later records.</li>
 *   <li>{@link #isolatedPartitions()}: one instance per assigned partition, each seeing only its partition.</li>
 * </ul>
 * Whatever the shape, the committed offset of a partition never passes a record still being processed: a record
 * held by a slow instance holds the commit of its partition back (not the processing of other records), and is
 * processed again after a crash. With concurrency above 1 the instances run at the same time, so state they share
 * (a table, a field) must be safe to use from several threads; {@code through} and {@code groupBy} need
 * concurrency 1.
 *
 * <h2>Failures</h2>
 * When the function throws, the events it held go to its {@link #onError error policy}, and the instance is
 * restarted on the same stream after a backoff that grows while it keeps failing without getting past an event
 * ({@code agentRestartBackoff}, {@code agentRestartBackoffMax}). An agent that fails too many times in a row
 * ({@code agentMaxRestarts}) stops, alone: its {@link #state()} becomes {@link State#FAILED}, its records stay
 * uncommitted, and the other agents go on (unless {@code agentFailureStopsWorker} is set). A misuse of the stream
 * API inside the function ({@code take(0, ...)}, {@code through} with concurrency 2, {@code groupBy} of a missing
 * field) cannot be cured by restarting: the agent fails at once, with one log line.
 *
 * <p>Configure before the app starts; changing an agent of a running app throws {@link IllegalStateException}.
 *
 * <p><b>Thread-safety:</b> configuration methods are for the thread that builds the app; {@link #send} and
 * {@link #state()} are thread-safe. The function runs on several threads at once when the concurrency is above 1
 * or partitions are isolated: each instance on its own, with its own stream.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Agent<K, V> {

    /** The agent's name: used in logs and in the names of topics it creates ({@code groupBy}, no-topic agents). */
    String name();

    /** Sets the name. A name is needed for stable repartition topic names; defaults to {@code <topic>-agent}. */
    Agent<K, V> name(String name);

    /** The number of instances. */
    int concurrency();

    /**
     * Runs {@code n} instances sharing one subscription, each record handed to the instance that has waited
     * longest (see Parallelism above; add {@link #orderedByKey()} to keep each key's order). {@code through}/
     * {@code groupBy} need n == 1.
     *
     * @throws IllegalArgumentException when n is below 1, or above 1 with {@link #isolatedPartitions()}
     */
    Agent<K, V> concurrency(int n);

    /**
     * Processes the records of one key one at a time, in offset order, while records of different keys run in
     * parallel on the {@link #concurrency(int) concurrency} instances: key-ordered concurrency, for functions that
     * wait (a database or HTTP call per record) where the partition count would otherwise cap the parallelism.
     *
     * <pre>{@code
     * app.agent(payments, stream -> {
     *     for (Payment p : stream) {
     *         accounts.apply(p);   // a blocking call: 256 of them at once, one per account at a time
     *     }
     * }).concurrency(256).orderedByKey();
     * }</pre>
     *
     * <p>Any free instance takes the next record whose key is not being processed (no fixed key-to-instance
     * assignment), so one slow key delays only its own later records, until the records waiting for it fill the
     * agent's window (about the read-ahead of one reader, at least two records per instance); then the buffer fills
     * and its partitions pause, as for any slow reader. Order is kept per partition and key: Kafka puts one key in
     * one partition. The key is compared as the bytes it was sent with. <b>Records with a null key have no order to
     * keep</b> (Kafka's producer spreads them over partitions anyway): they go to any free instance, like records of
     * a plain concurrent agent; give them a key if their order matters. A record's key is free again when the
     * instance asks for its next record (or its error policy decided the record's fate); a record retried by the
     * error policy stays first of its key. With concurrency 1 it changes nothing: one instance keeps every order.
     *
     * @return this agent
     * @throws IllegalStateException when the agent reads a channel (values without keys)
     */
    Agent<K, V> orderedByKey();

    /** True when records of one key are processed one at a time, in order ({@link #orderedByKey()}). */
    boolean isOrderedByKey();

    /**
     * Runs one instance per partition assigned to this worker, as Faust's {@code isolated_partitions=True}: an
     * instance starts when its partition is assigned and its stream sees only that partition's records; when the
     * partition is revoked, its queued records are dropped (the next owner reads them), the record in its hands is
     * finished and committed by the rebalance, and its stream ends, so the agent function returns. For per-partition
     * state kept in the function itself (a running total of the partition, a connection per partition).
     *
     * <pre>{@code
     * app.agent(readings, stream -> {
     *     long count = 0; // this partition's alone
     *     for (Reading r : stream) {
     *         count++;
     *     }
     * }).isolatedPartitions();
     * }</pre>
     *
     * <p>A partition whose instance is slow holds back only itself: once a few records wait for it (a fifth of
     * {@code streamBufferMaxsize}), that partition alone is paused until its instance catches up, and the others go
     * on. {@code through} and {@code groupBy}
     * cannot be used (each instance would forward to the same topic).
     *
     * @return this agent
     * @throws IllegalArgumentException when the concurrency is above 1 (or is set above 1 afterwards)
     * @throws IllegalStateException    when the agent reads a channel, which has no partitions
     */
    Agent<K, V> isolatedPartitions();

    /** True when the agent runs one instance per assigned partition ({@link #isolatedPartitions()}). */
    boolean isolatesPartitions();

    /** What to do with an event whose processing threw; defaults to the app's agent error policy (skip). */
    Agent<K, V> onError(ErrorPolicy policy);

    /** The error policy in force: the agent's own, or the app's. */
    ErrorPolicy errorPolicy();

    /** The topic or channel this agent reads. */
    Source<K, V> source();

    /** Sends a value to the agent's topic or channel (a null key: no key; a channel has none). */
    CompletableFuture<RecordMetadata> send(@Nullable K key, V value);

    /** Where the agent is in its life. */
    State state();

    /** The life of an agent. */
    enum State {
        /** Declared; the app has not started it. */
        CREATED,
        /** Its instances run. */
        RUNNING,
        /** An instance failed and waits to be restarted. */
        RESTARTING,
        /** It failed too many times in a row, or misused the API: it is stopped and its records stay uncommitted. */
        FAILED,
        /** The app stopped it, or its function returned. */
        STOPPED
    }
}
