package dev.faust4j;

import java.util.concurrent.CompletableFuture;

/**
 * A stream processor registered with {@link App#agent}: a function over a stream of a topic or channel,
 * run by the worker as {@link #concurrency()} instances, each on its own virtual thread. Instances share one
 * subscription, so each record goes to exactly one of them (in no particular order across instances).
 *
 * <p>Configure before the app starts: {@code app.agent(topic, fn).name("totals").concurrency(4)}. Changing an
 * agent of a running app throws {@link IllegalStateException}.
 *
 * <p><b>Thread-safety:</b> configuration methods are for the thread that builds the app; {@link #send} is
 * thread-safe.
 */
public interface Agent<K, V> {

    /** The agent's name: used in logs and in the names of topics it creates ({@code groupBy}, no-topic agents). */
    String name();

    /** Sets the name. A name is needed for stable repartition topic names; defaults to {@code <topic>-agent}. */
    Agent<K, V> name(String name);

    int concurrency();

    /** Runs {@code n} instances sharing one subscription. {@code through}/{@code groupBy} need n == 1. */
    Agent<K, V> concurrency(int n);

    /** What to do with an event whose processing threw; defaults to the app's agent error policy (skip). */
    Agent<K, V> onError(ErrorPolicy policy);

    ErrorPolicy errorPolicy();

    /** The topic or channel this agent reads. */
    Source<K, V> source();

    /** Sends a value to the agent's topic or channel. */
    CompletableFuture<RecordMetadata> send(K key, V value);
}
