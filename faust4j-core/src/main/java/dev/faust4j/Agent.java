package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.util.concurrent.CompletableFuture;

/**
 * A stream processor registered with {@link App#agent}: a function over a stream of a topic or channel,
 * run by the worker as {@link #concurrency()} instances, each on its own virtual thread. Instances share one
 * subscription, so each record goes to exactly one of them (in no particular order across instances).
 *
 * <pre>{@code
 * Agent<String, Order> totals = app.agent(orders, stream -> {
 *     for (Order order : stream) {
 *         ledger.add(order);
 *     }
 * }).name("totals").concurrency(4).onError(ErrorPolicy.deadLetter("orders-dlq"));
 * }</pre>
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
 * {@link #state()} are thread-safe.
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

    /** Runs {@code n} instances sharing one subscription. {@code through}/{@code groupBy} need n == 1. */
    Agent<K, V> concurrency(int n);

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
