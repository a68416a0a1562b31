/**
 * faust4j's API: an {@link dev.faust4j.App} declares topics and channels, and agents that iterate an infinite
 * stream of their values; the worker consumes, fans out, acks, commits and repartitions for them.
 *
 * <p>A complete app, the Java form of Faust's withdrawals example:
 * <pre>{@code
 * record Withdrawal(String account, double amount) {}
 *
 * public static void main(String[] args) {
 *     App app = App.builder("withdrawals").build();                 // memory:// unless told otherwise
 *     Topic<String, Withdrawal> withdrawals = app.topic("withdrawals", Withdrawal.class);
 *
 *     app.agent(withdrawals, stream -> {
 *         for (Withdrawal w : stream.filter(w -> w.amount() > 1000)) {
 *             System.out.println(w.account() + " withdrew " + w.amount());   // blocking is fine here
 *         }
 *     }).name("large-withdrawals");
 *
 *     app.timer(Duration.ofSeconds(10), () -> withdrawals.send("a1", new Withdrawal("a1", 5000.0)));
 *     app.main(args);                                                // `worker`, `send <topic> <value>`
 * }
 * }</pre>
 *
 * <h2>The parts</h2>
 * <ul>
 *   <li>{@link dev.faust4j.App} and {@link dev.faust4j.App.Builder}: the app, its {@link dev.faust4j.Settings}
 *       (Faust's names and defaults) and its worker ({@code start}, {@code stop}, {@code main}).</li>
 *   <li>{@link dev.faust4j.Topic} (durable, partitioned, encoded by a {@link dev.faust4j.codec.Codec}) and
 *       {@link dev.faust4j.Channel} (in memory, in this process): the {@link dev.faust4j.Source}s a stream
 *       reads. {@link dev.faust4j.TopicOptions} describes a topic in full.</li>
 *   <li>{@link dev.faust4j.Agent}: an {@link dev.faust4j.AgentFunction} run by the worker on its own virtual
 *       thread(s), over an {@link dev.faust4j.EventStream}.</li>
 *   <li>{@link dev.faust4j.EventStream}: values, {@link dev.faust4j.KeyValue} items,
 *       {@link dev.faust4j.Indexed} values or whole {@link dev.faust4j.Event}s, with {@code filter},
 *       {@code take}, {@code through}, {@code groupBy}, {@code echo} and {@code combine}.</li>
 *   <li>{@link dev.faust4j.ErrorPolicy}: what happens to a record that cannot be decoded, whose agent threw or
 *       whose outputs could not be sent (skip, dead-letter topic, stop the worker, or retry in place first).</li>
 * </ul>
 *
 * <h2>Acks and commits</h2>
 * Every value a stream yields comes from an {@link dev.faust4j.Event}; the stream acks it when you ask for the
 * next value, and a record's offset is committed once every stream it went to has acked it. With
 * {@link dev.faust4j.EventStream#noack()} you ack events yourself, for example after a batch is stored:
 * <pre>{@code
 * for (List<Event<String, Order>> batch : stream.noack().takeEvents(100, Duration.ofSeconds(5))) {
 *     database.insertAll(batch.stream().map(Event::value).toList());
 *     batch.forEach(Event::ack);
 * }
 * }</pre>
 *
 * <h2>Null</h2>
 * This package is {@link org.jspecify.annotations.NullMarked}: a parameter, return value or record component
 * is never null unless its type says {@link org.jspecify.annotations.Nullable}, as a record key does
 * ({@link dev.faust4j.Event#key()}, the key of {@link dev.faust4j.Topic#send(Object, Object)}). Nullness
 * checkers such as NullAway read this; plain Java ignores it.
 *
 * <h2>Failures</h2>
 * A failing agent is restarted with a growing backoff, and stops alone ({@link dev.faust4j.Agent.State#FAILED})
 * when it keeps failing; a send made while an agent holds an event is tied to it (the event is committed only once
 * the send is durable, and a failed send follows the agent's policy); a worker rides out a broker outage.
 *
 * <p>Everything under {@code dev.faust4j.internal} is the runtime, not API: the module {@code dev.faust4j} does
 * not export it, and it may change in any release.
 */
@NullMarked
package dev.faust4j;

import org.jspecify.annotations.NullMarked;
