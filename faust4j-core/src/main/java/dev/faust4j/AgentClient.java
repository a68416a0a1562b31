package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * Sends to an agent and asks it for replies: Faust's {@code cast}, {@code ask}, {@code map} and {@code join}. A
 * {@link ReplyingAgent} of this app is one; {@link App#agentClient} gives one for an agent that runs elsewhere (another
 * faust4j app, or a Python Faust app).
 *
 * <pre>{@code
 * AgentClient<String, Tx, Tx> adder = app.agentClient(adderTopic, Tx.class);
 * app.start();
 * Tx result = adder.ask("k1", new Tx("k1", 41.0));             // waits for the reply, at most askTimeout
 * CompletableFuture<Tx> later = adder.askAsync(null, new Tx("k2", 1.0));
 * List<Tx> all = adder.join(List.of(tx1, tx2, tx3));         // replies in the order of the requests
 * }</pre>
 *
 * <h2>On the wire (Faust's)</h2>
 * A request is the value, sent to the agent's topic with the key given, and two headers: {@code Faust-Ag-ReplyTo},
 * the name of this worker's reply topic ({@code replyTo}), and {@code Faust-Ag-CorrelationId}, a new UUID. The agent
 * answers with a {@code ReqRepResponse} record on the reply topic ({@code {"key":..,"value":..,"correlation_id":..,
 * "__faust":{"ns":"faust.agents.models.ModelReqRepResponse"}}}), which this worker reads with a reader of its own,
 * outside the consumer group. So a Java app and a Python Faust app can ask each other's agents. The reply topic is
 * created, and its reader positioned, when the app starts (when it has replying agents or agent clients): unlike
 * Faust, whose first {@code ask} waits for a rebalance, the first request is answered as fast as the others.
 *
 * <h2>Timeouts</h2>
 * A request the agent never answers (it failed, skipped the event, or emits nothing for it) fails the caller at
 * {@code askTimeout} (default 30 s; Faust waits forever) with a {@link TimeoutException} naming the agent's topic
 * and the correlation id; a reply that comes after that is dropped. Stopping the app fails the requests still
 * waiting, with {@link java.util.concurrent.CancellationException}.
 *
 * <p><b>Thread-safety:</b> thread-safe. Ask only while the app runs.
 *
 * @param <K> the agent's key type
 * @param <V> the agent's value type
 * @param <R> the type of its replies
 */
public interface AgentClient<K, V, R> {

    /** Sends {@code value} with {@code key} (null: no key) to the agent, without asking for a reply: Faust's cast. */
    CompletableFuture<RecordMetadata> cast(@Nullable K key, V value);

    /**
     * Asks the agent: sends the request and returns a future of the reply, failed with a {@link TimeoutException}
     * after {@code askTimeout}. From an agent, the request is tied to the event in hand like any send.
     */
    CompletableFuture<R> askAsync(@Nullable K key, V value);

    /**
     * Asks the agent and waits for its reply.
     *
     * @throws TimeoutException     when no reply came within {@code askTimeout}
     * @throws InterruptedException when the calling thread is interrupted while it waits
     * @throws AgentClientException when the request could not be sent, or the reply could not be decoded
     */
    R ask(@Nullable K key, V value) throws InterruptedException, TimeoutException;

    /** Asks the agent once for each value (no key), and returns the replies in the order of {@code values}. */
    List<R> join(Collection<? extends V> values) throws InterruptedException, TimeoutException;

    /** Asks the agent once for each entry, and returns the replies in the order of the map's iteration. */
    List<R> kvjoin(Map<? extends K, ? extends V> items) throws InterruptedException, TimeoutException;

    /**
     * Asks the agent once for each value (no key) and yields the replies as they arrive, in any order: Faust's
     * {@code map}. A reply that times out ends the iteration with an {@link AgentClientException} whose cause is the
     * {@link TimeoutException}.
     */
    Iterable<R> map(Collection<? extends V> values);

    /** Like {@link #map}, with a key for each request. */
    Iterable<R> kvmap(Map<? extends K, ? extends V> items);
}
