package dev.faust4j;

/**
 * The body of a {@link ReplyingAgent}: an {@link AgentFunction} that also {@linkplain Emitter#emit emits} results,
 * Faust's agent that {@code yield}s.
 * <pre>{@code
 * app.agent(adds, Integer.class, (stream, out) -> {
 *     for (Add add : stream) {
 *         out.emit(add.a() + add.b());
 *     }
 * });
 * }</pre>
 *
 * @param <K> key type
 * @param <V> value type
 * @param <R> result type
 */
@FunctionalInterface
public interface ReplyingAgentFunction<K, V, R> {
    void process(EventStream<K, V> stream, Emitter<R> out) throws Exception;
}
