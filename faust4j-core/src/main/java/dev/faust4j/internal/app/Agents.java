package dev.faust4j.internal.app;

import dev.faust4j.Agent;
import dev.faust4j.AgentClient;
import dev.faust4j.AgentFunction;
import dev.faust4j.ReplyingAgent;
import dev.faust4j.ReplyingAgentFunction;
import dev.faust4j.Settings;
import dev.faust4j.Source;
import dev.faust4j.Topic;
import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.agent.AgentImpl;
import dev.faust4j.internal.reply.AgentClientImpl;
import dev.faust4j.internal.reply.ReplyTopic;
import dev.faust4j.internal.reply.ReplyingAgentImpl;
import dev.faust4j.internal.topic.SourceImpl;
import dev.faust4j.internal.topic.TopicImpl;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.Transport;

import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Making the app's agents, plain and replying, and its agent clients; and the reply topic they ask through, which
 * exists only when something can ask (a replying agent of a topic, or an agent client).
 *
 * <p>Design: the agents are registered with the {@link Registry}, which the runtime starts and stops; this room only
 * checks what they read, names them, and gives replying agents and clients the reply topic, started when the app
 * starts ({@link #start}) or, for a client made later, at its first ask.
 *
 * <p>Thread-safety: agents are made before start, from the building thread; {@link #start}, {@link #stop} and asks
 * (through the reply topic) are thread-safe.
 */
final class Agents {
    private final Registry registry;
    private final AgentImpl.Services services;
    private final Function<ProducedRecord, CompletableFuture<?>> send;
    private final Settings settings;
    private final Supplier<Lifecycle.State> state;
    private final ReplyTopic replies;
    private volatile boolean asks;

    /**
     * @param send      sends a record, tied to the events in hand on this thread
     * @param transport the app's transport (the reply topic's)
     * @param state     the app's lifecycle state
     */
    Agents(Registry registry, AgentImpl.Services services, Function<ProducedRecord, CompletableFuture<?>> send,
           Settings settings, Supplier<Transport> transport, Supplier<Lifecycle.State> state) {
        this.registry = registry;
        this.services = services;
        this.send = send;
        this.settings = settings;
        this.state = state;
        this.replies = new ReplyTopic(new ReplyTopic.Config(
                settings.replyTo().isEmpty() ? "f-reply-" + UUID.randomUUID() : settings.replyTo(),
                settings.topicReplicationFactor(), settings.replyExpires(), settings.ticker()), transport,
                (name, body) -> Thread.ofVirtual().name(name).start(body));
    }

    <K, V> Agent<K, V> agent(Source<K, V> source, AgentFunction<K, V> function) {
        Objects.requireNonNull(function, "function");
        SourceImpl<K, V> s = checked(source);
        AgentImpl<K, V> agent = new AgentImpl<>(s, function, freeName(s), services);
        registry.add(agent);
        return agent;
    }

    <K, V, R> ReplyingAgent<K, V, R> agent(Source<K, V> source, Class<R> resultType,
                                           ReplyingAgentFunction<K, V, R> function) {
        Objects.requireNonNull(resultType, "resultType");
        Objects.requireNonNull(function, "function");
        SourceImpl<K, V> s = checked(source);
        ReplyingAgentImpl<K, V, R> agent = new ReplyingAgentImpl<>(s, Codecs.json(resultType), function, freeName(s),
                new ReplyingAgentImpl.Parts(services, registry, send, this::running, settings::askTimeout));
        registry.add(agent.agent());
        if (s instanceof Topic<?, ?>) {
            asks = true;
        }
        return agent;
    }

    <K, V, R> AgentClient<K, V, R> client(Topic<K, V> topic, Class<R> replyType) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(replyType, "replyType");
        if (!(topic instanceof TopicImpl<K, V>)) {
            throw new IllegalArgumentException("agentClient needs a topic created by this app");
        }
        asks = true;
        return new AgentClientImpl<>(topic, Codecs.json(replyType), this::running, settings::askTimeout);
    }

    /** The app starts: the reply topic, when something can ask, before any request can be sent or answered. */
    void start() {
        if (asks) {
            replies.start();
        }
    }

    /** The agents have stopped: requests still waiting fail, and the reply topic's reader stops. */
    void stop() {
        replies.stop();
    }

    /** The source of a new agent, checked: the app's own, and the app not started. */
    private <K, V> SourceImpl<K, V> checked(Source<K, V> source) {
        Objects.requireNonNull(source, "source");
        if (!(source instanceof SourceImpl<K, V> s)) {
            throw new IllegalArgumentException("agents read topics and channels created by this app");
        }
        registry.requireNotStarted("add an agent");
        return s;
    }

    private String freeName(SourceImpl<?, ?> s) {
        return registry.freeAgentName(s instanceof Topic<?, ?> ? s.label() + "-agent" : "channel-agent");
    }

    /** The reply topic, started; refused unless the app runs. */
    private ReplyTopic running() {
        Lifecycle.State now = state.get();
        if (now != Lifecycle.State.RUNNING) {
            throw new IllegalStateException("ask is only possible while the app runs (it is "
                    + now.name().toLowerCase(Locale.ROOT) + ")");
        }
        replies.start();
        return replies;
    }
}
