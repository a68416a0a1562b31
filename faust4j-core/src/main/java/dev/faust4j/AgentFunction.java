package dev.faust4j;

/**
 * The body of an agent: plain Java that iterates its stream.
 * <pre>{@code
 * app.agent(orders, stream -> {
 *     for (Order order : stream) {
 *         totals.merge(order.account(), order.amount(), Double::sum);
 *     }
 * });
 * }</pre>
 * It runs on its own virtual thread, so blocking calls inside are fine. Returning ends the agent instance;
 * throwing is handled by the agent's {@link ErrorPolicy} and the instance is restarted on the same stream.
 */
@FunctionalInterface
public interface AgentFunction<K, V> {
    void process(EventStream<K, V> stream) throws Exception;
}
