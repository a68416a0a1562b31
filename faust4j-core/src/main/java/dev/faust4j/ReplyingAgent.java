package dev.faust4j;

import java.util.function.Consumer;

/**
 * An agent that emits results (Faust's agent that {@code yield}s): made by
 * {@link App#agent(Source, Class, ReplyingAgentFunction)}. Each result goes to the caller that asked (when the event
 * is a request, see {@link AgentClient}), then to every sink, in the order they were added: another agent, a topic,
 * or a callback.
 *
 * <pre>{@code
 * ReplyingAgent<String, Order, Receipt> pay = app.agent(orders, Receipt.class, (stream, out) -> {
 *     for (Order order : stream) {
 *         out.emit(ledger.pay(order));
 *     }
 * }).name("pay");
 * pay.sink(receipts).sink(r -> log.info("paid {}", r.id()));
 * app.start();
 * Receipt receipt = pay.ask(order.id(), order);       // from anywhere: main, a task, a web handler, another agent
 * }</pre>
 *
 * <p>Sinks are added before the app starts. A topic or agent sink sends the result with no key, tied to the event
 * in hand (the event is committed only once the result is durable); a callback runs on the agent's thread, and
 * what it throws is the agent's error, handled by its {@link ErrorPolicy}.
 *
 * <p><b>Thread-safety:</b> as {@link Agent}; the {@link AgentClient} methods are thread-safe.
 *
 * @param <K> key type
 * @param <V> value type
 * @param <R> result type
 */
public interface ReplyingAgent<K, V, R> extends Agent<K, V>, AgentClient<K, V, R> {

    /** Sends each result to {@code topic}, with no key. Returns this agent. */
    ReplyingAgent<K, V, R> sink(Topic<?, ? super R> topic);

    /** Sends each result to {@code agent}, with no key. Returns this agent. */
    ReplyingAgent<K, V, R> sink(Agent<?, ? super R> agent);

    /** Calls {@code callback} with each result, on the agent's thread. Returns this agent. */
    ReplyingAgent<K, V, R> sink(Consumer<? super R> callback);

    @Override
    ReplyingAgent<K, V, R> name(String name);

    @Override
    ReplyingAgent<K, V, R> concurrency(int n);

    @Override
    ReplyingAgent<K, V, R> onError(ErrorPolicy policy);

    @Override
    ReplyingAgent<K, V, R> orderedByKey();

    @Override
    ReplyingAgent<K, V, R> isolatedPartitions();
}
