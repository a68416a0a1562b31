package dev.faust4j.internal.agent;

import dev.faust4j.Agent;
import dev.faust4j.AgentFunction;
import dev.faust4j.Channel;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.Sensor;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Source;
import dev.faust4j.Topic;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.failure.WorkerControl;
import dev.faust4j.internal.stream.AgentControl;
import dev.faust4j.internal.stream.Streams;
import dev.faust4j.internal.topic.SourceImpl;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * An agent: its configuration, and at start its instances, each a {@link Supervisor} on its own virtual thread over
 * one subscription they share.
 *
 * <p>Design. An agent that gives up (too many failures in a row) or misuses the API is {@link Agent.State#FAILED}:
 * its instances end, its subscription keeps what was buffered (its partitions pause when it fills, its records
 * stay uncommitted), and the rest of the worker goes on, unless {@code agentFailureStopsWorker} asks the worker to
 * stop too.
 *
 * <p>Thread-safety: configuration before start from the building thread; the rest is thread-safe.
 */
public final class AgentImpl<K, V> implements Agent<K, V>, AgentControl {
    private static final Logger log = LoggerFactory.getLogger(AgentImpl.class);

    /** What every agent of an app shares. */
    public record Services(AgentRules rules, ErrorPolicy appPolicy, Restarts restarts, ErrorHandling handling,
                           WorkerControl worker, Ticker ticker, BooleanSupplier appStopping, Sensor sensor) {}

    private final SourceImpl<K, V> source;
    private final AgentFunction<K, V> function;
    private final Services services;
    private final AgentLife life = new AgentLife();
    private String name;
    private int concurrency = 1;
    private ErrorPolicy errorPolicy;

    public AgentImpl(SourceImpl<K, V> source, AgentFunction<K, V> function, String name, Services services) {
        this.source = source;
        this.function = function;
        this.name = name;
        this.services = services;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Agent<K, V> name(String name) {
        services.rules().requireNotStarted("rename agent " + this.name);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("agent name must not be blank");
        }
        services.rules().checkName(this, name);
        this.name = name;
        return this;
    }

    @Override
    public int concurrency() {
        return concurrency;
    }

    @Override
    public Agent<K, V> concurrency(int n) {
        services.rules().requireNotStarted("change the concurrency of agent " + name);
        if (n < 1) {
            throw new IllegalArgumentException("agent " + name + ": concurrency must be >= 1, got " + n);
        }
        this.concurrency = n;
        return this;
    }

    @Override
    public Agent<K, V> onError(ErrorPolicy policy) {
        services.rules().requireNotStarted("change the error policy of agent " + name);
        this.errorPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    @Override
    public ErrorPolicy errorPolicy() {
        return errorPolicy != null ? errorPolicy : services.appPolicy();
    }

    @Override
    public Source<K, V> source() {
        return source;
    }

    /** The source as the runtime sees it. */
    public SourceImpl<K, V> sourceImpl() {
        return source;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<RecordMetadata> send(K key, V value) {
        if (source instanceof Topic<?, ?> t) {
            return ((Topic<K, V>) t).send(key, value);
        }
        try {
            ((Channel<V>) source).send(value);
            return CompletableFuture
                    .completedFuture(new RecordMetadata("<channel>", -1, -1, System.currentTimeMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public State state() {
        return life.state();
    }

    @Override
    public boolean isStopped() {
        return life.stopped();
    }

    @Override
    public void misused(RuntimeException misuse) {
        giveUp("agent " + name + " misuses the stream API: " + misuse.getMessage() + " (it is not restarted)");
    }

    /** Starts the instances; {@code threads} starts a named virtual thread of the app. */
    public void start(Streams streams, BiFunction<String, Runnable, Thread> threads) {
        Subscription shared = source.subscribe(errorPolicy());
        life.started(concurrency, name, services.sensor());
        for (int i = 0; i < concurrency; i++) {
            Streams.AgentStream<K, V> s = streams.forAgent(this, source, shared);
            Supervisor<K, V> supervisor = new Supervisor<>(name, function, s.stream(), s.control(), this::errorPolicy,
                    life, services.restarts(), services.handling(), services.worker(), services.ticker(),
                    services.appStopping(), this::giveUp, services.sensor());
            Thread unused = threads.apply("faust4j-agent-" + name + (concurrency > 1 ? "-" + i : ""), supervisor::run);
        }
    }

    /** The app stops: instances waiting to restart end at once. */
    public void stop() {
        life.stop();
    }

    private void giveUp(String reason) {
        if (life.state() == State.FAILED) {
            return;
        }
        life.failed();
        if (services.restarts().stopWorker()) {
            log.error("Agent {} is stopped: {}; stopping the worker (agentFailureStopsWorker)", name, reason);
            services.worker().fail(reason);
        } else {
            log.error("Agent {} is stopped: {}. Its records stay uncommitted; the other agents go on "
                    + "(set agentFailureStopsWorker to stop the worker instead)", name, reason);
        }
    }
}
