package dev.faust4j.internal.reply;

import dev.faust4j.Agent;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.RecordMetadata;
import dev.faust4j.ReplyingAgent;
import dev.faust4j.ReplyingAgentFunction;
import dev.faust4j.Source;
import dev.faust4j.Topic;
import dev.faust4j.codec.Codec;
import dev.faust4j.internal.agent.AgentImpl;
import dev.faust4j.internal.agent.AgentRules;
import dev.faust4j.internal.topic.SourceImpl;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A replying agent: an {@link AgentImpl} whose body gets an {@link Emitting} emitter, plus its sinks and an
 * {@link AgentClientImpl} to ask it through its topic.
 *
 * <p>Design: composition, not a subclass. The runtime runs, lists and supervises the inner {@link AgentImpl} like any
 * agent (the registry holds that one); this class adds only what replying needs. An agent of a channel can emit to
 * its sinks but cannot be asked: a channel has no wire to carry a request.
 *
 * <p>Thread-safety: configuration before start from the building thread (as {@link AgentImpl}); the rest is
 * thread-safe.
 */
public final class ReplyingAgentImpl<K, V, R> implements ReplyingAgent<K, V, R> {
    private final AgentImpl<K, V> agent;
    private final AgentRules rules;
    private final List<Consumer<? super R>> sinks = new CopyOnWriteArrayList<>();
    private final @Nullable AgentClientImpl<K, V, R> client;

    /** The parts a replying agent is made of. */
    public record Parts(AgentImpl.Services services, AgentRules rules,
                        Function<ProducedRecord, CompletableFuture<?>> send, Supplier<ReplyTopic> replyTopic,
                        Supplier<Duration> askTimeout) {
    }

    /**
     * @param source   the topic or channel the agent reads
     * @param replies  the JSON codec of its results
     * @param function its body
     * @param name     its first name
     */
    @SuppressWarnings("unchecked")
    public ReplyingAgentImpl(SourceImpl<K, V> source, Codec<R> replies, ReplyingAgentFunction<K, V, R> function,
                             String name, Parts parts) {
        this.rules = parts.rules();
        AtomicReference<AgentImpl<K, V>> self = new AtomicReference<>();
        Emitting<R> emitter = new Emitting<>(() -> self.get().name(), replies, parts.send(), sinks);
        this.agent = new AgentImpl<>(source, stream -> function.process(stream, emitter), name, parts.services());
        self.set(agent);
        this.client = source instanceof Topic<?, ?> t
                ? new AgentClientImpl<>((Topic<K, V>) t, replies, parts.replyTopic(), parts.askTimeout())
                : null;
    }

    /** The agent the runtime runs. */
    public AgentImpl<K, V> agent() {
        return agent;
    }

    @Override
    public ReplyingAgent<K, V, R> sink(Topic<?, ? super R> topic) {
        Objects.requireNonNull(topic, "topic");
        return addSink(r -> sendTo(topic, r));
    }

    @Override
    public ReplyingAgent<K, V, R> sink(Agent<?, ? super R> target) {
        Objects.requireNonNull(target, "agent");
        return addSink(r -> sendTo(target, r));
    }

    @Override
    public ReplyingAgent<K, V, R> sink(Consumer<? super R> callback) {
        return addSink(Objects.requireNonNull(callback, "callback"));
    }

    private ReplyingAgent<K, V, R> addSink(Consumer<? super R> sink) {
        rules.requireNotStarted("add a sink to agent " + agent.name());
        sinks.add(sink);
        return this;
    }

    private static <T> void sendTo(Topic<?, T> topic, T value) {
        var unused = topic.send(null, value);
    }

    private static <T> void sendTo(Agent<?, T> target, T value) {
        var unused = target.send(null, value);
    }

    @Override
    public String name() {
        return agent.name();
    }

    @Override
    public ReplyingAgent<K, V, R> name(String name) {
        agent.name(name);
        return this;
    }

    @Override
    public int concurrency() {
        return agent.concurrency();
    }

    @Override
    public ReplyingAgent<K, V, R> concurrency(int n) {
        agent.concurrency(n);
        return this;
    }

    @Override
    public ReplyingAgent<K, V, R> onError(ErrorPolicy policy) {
        agent.onError(policy);
        return this;
    }

    @Override
    public ReplyingAgent<K, V, R> orderedByKey() {
        agent.orderedByKey();
        return this;
    }

    @Override
    public boolean isOrderedByKey() {
        return agent.isOrderedByKey();
    }

    @Override
    public ReplyingAgent<K, V, R> isolatedPartitions() {
        agent.isolatedPartitions();
        return this;
    }

    @Override
    public boolean isolatesPartitions() {
        return agent.isolatesPartitions();
    }

    @Override
    public ErrorPolicy errorPolicy() {
        return agent.errorPolicy();
    }

    @Override
    public Source<K, V> source() {
        return agent.source();
    }

    @Override
    public CompletableFuture<RecordMetadata> send(@Nullable K key, V value) {
        return agent.send(key, value);
    }

    @Override
    public State state() {
        return agent.state();
    }

    @Override
    public CompletableFuture<RecordMetadata> cast(@Nullable K key, V value) {
        return agent.send(key, Objects.requireNonNull(value, "value"));
    }

    @Override
    public CompletableFuture<R> askAsync(@Nullable K key, V value) {
        return client().askAsync(key, value);
    }

    @Override
    public R ask(@Nullable K key, V value) throws InterruptedException, TimeoutException {
        return client().ask(key, value);
    }

    @Override
    public List<R> join(Collection<? extends V> values) throws InterruptedException, TimeoutException {
        return client().join(values);
    }

    @Override
    public List<R> kvjoin(Map<? extends K, ? extends V> items) throws InterruptedException, TimeoutException {
        return client().kvjoin(items);
    }

    @Override
    public Iterable<R> map(Collection<? extends V> values) {
        return client().map(values);
    }

    @Override
    public Iterable<R> kvmap(Map<? extends K, ? extends V> items) {
        return client().kvmap(items);
    }

    private AgentClientImpl<K, V, R> client() {
        if (client == null) {
            throw new UnsupportedOperationException("agent " + agent.name() + " reads a channel, which cannot carry"
                    + " a request: ask an agent of a topic (its results still go to its sinks)");
        }
        return client;
    }

    @Override
    public String toString() {
        return "ReplyingAgent[" + agent.name() + "]";
    }
}
