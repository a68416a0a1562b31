package dev.faust4j;

/**
 * Where a replying agent puts its results: Faust's {@code yield} inside an agent. Each value emitted while the agent
 * holds an event goes, in this order, to the caller that {@linkplain AgentClient#ask asked} (when the event is a
 * request), then to each of the agent's {@linkplain ReplyingAgent#sink sinks}, in the order they were added.
 *
 * <pre>{@code
 * ReplyingAgent<String, Order, Receipt> pay = app.agent(orders, Receipt.class, (stream, out) -> {
 *     for (Order order : stream) {
 *         out.emit(ledger.pay(order));          // the reply to ask(), and a record in every sink
 *     }
 * });
 * pay.sink(receiptsTopic);
 * }</pre>
 *
 * <p>Sends made by {@code emit} (the reply, topic and agent sinks) are tied to the event in hand, as any send from
 * an agent: the event is acked, and its offset committed, only once they are durable. An agent may emit no value for
 * an event (the caller's {@code ask} then times out, as in Faust) or several (the caller gets the first).
 *
 * <p><b>Thread-safety:</b> call it from the agent's body only, on the thread that holds the event; each instance of
 * an agent with concurrency emits for its own events.
 *
 * @param <R> the result type
 */
@FunctionalInterface
public interface Emitter<R> {

    /**
     * Emits a result for the event in hand.
     *
     * @throws IllegalStateException when called outside the agent's body, or while it holds no event
     * @throws NullPointerException  when {@code value} is null
     */
    void emit(R value);
}
