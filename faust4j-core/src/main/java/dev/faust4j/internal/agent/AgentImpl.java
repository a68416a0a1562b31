package dev.faust4j.internal.agent;

import dev.faust4j.Agent;
import dev.faust4j.AgentFunction;
import dev.faust4j.Channel;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.Sensor;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Source;
import dev.faust4j.Topic;
import dev.faust4j.internal.buffer.Dispatcher;
import dev.faust4j.internal.buffer.PartitionInboxes;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.failure.WorkerControl;
import dev.faust4j.internal.stream.AgentControl;
import dev.faust4j.internal.stream.Streams;
import dev.faust4j.internal.topic.SourceImpl;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * An agent: its configuration, and at start its instances, each a {@link Supervisor} on its own virtual thread over
 * one subscription they share: directly with concurrency 1; with more, through a {@link Dispatcher} (fair, and one
 * key at a time when ordered by key); with isolated partitions, through {@link PartitionInboxes}, an instance per
 * assigned partition.
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
    private boolean orderedByKey;
    private boolean isolated;
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
        if (n > 1 && isolated) {
            throw new IllegalArgumentException(isolatedWithConcurrency(n));
        }
        this.concurrency = n;
        return this;
    }

    @Override
    public Agent<K, V> orderedByKey() {
        services.rules().requireNotStarted("order agent " + name + " by key");
        if (!(source instanceof Topic<?, ?>)) {
            throw new IllegalStateException("agent " + name + " reads " + source.label()
                    + ", a channel: its values have no key to order by (orderedByKey needs a topic)");
        }
        this.orderedByKey = true;
        return this;
    }

    @Override
    public boolean isOrderedByKey() {
        return orderedByKey;
    }

    @Override
    public Agent<K, V> isolatedPartitions() {
        services.rules().requireNotStarted("isolate the partitions of agent " + name);
        if (!(source instanceof Topic<?, ?>)) {
            throw new IllegalStateException("agent " + name + " reads " + source.label()
                    + ", a channel: it has no partitions to isolate (isolatedPartitions needs a topic)");
        }
        if (concurrency > 1) {
            throw new IllegalArgumentException(isolatedWithConcurrency(concurrency));
        }
        this.isolated = true;
        return this;
    }

    @Override
    public boolean isolatesPartitions() {
        return isolated;
    }

    private String isolatedWithConcurrency(int n) {
        return "Agent concurrency must be 1 when using isolated partitions: agent " + name + " has concurrency " + n;
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
        if (isolated) {
            startIsolated(streams, threads, shared);
            return;
        }
        life.started(concurrency, name, services.sensor());
        Dispatcher dispatcher = null;
        if (concurrency > 1) {
            dispatcher = new Dispatcher(shared, services.ticker(), window(shared, concurrency), orderedByKey);
            Thread unused = threads.apply("faust4j-dispatch-" + name, dispatcher::feed);
        }
        for (int i = 0; i < concurrency; i++) {
            Streams.AgentStream<K, V> s = streams.forAgent(this, source, shared,
                    dispatcher == null ? null : dispatcher.reader());
            Thread unused = threads.apply("faust4j-agent-" + name + (concurrency > 1 ? "-" + i : ""),
                    supervisor(s)::run);
        }
    }

    /**
     * Isolated partitions: an instance per assigned partition, started by the inboxes on the poll thread. The
     * feeder counts as one instance of the agent's life, so the agent is RUNNING while it holds no partition.
     */
    private void startIsolated(Streams streams, BiFunction<String, Runnable, Thread> threads,
                               Subscription shared) {
        life.started(1, name, services.sensor());
        PartitionInboxes inboxes = new PartitionInboxes(shared, services.ticker(), window(shared, 1),
                Set.copyOf(((Topic<?, ?>) source).names()), inbox -> {
                    life.instanceStarted();
                    Streams.AgentStream<K, V> s = streams.forAgent(this, source, shared, inbox);
                    TopicPartition tp = inbox.partition();
                    Thread unused = threads.apply(
                            "faust4j-agent-" + name + "-" + tp.topic() + "-" + tp.partition(), supervisor(s)::run);
                });
        Thread unused = threads.apply("faust4j-dispatch-" + name, () -> {
            try {
                inboxes.feed();
            } finally {
                life.instanceEnded();
            }
        });
    }

    /**
     * How many events a dispatcher may queue: what the subscription's reader may read ahead beyond its high mark
     * (as a single reader's chunk), and at least two per instance, so that free instances find other keys' events.
     */
    private static int window(Subscription s, int instances) {
        return Math.max(2 * instances, s.maxsize() - s.high() + 1);
    }

    private Supervisor<K, V> supervisor(Streams.AgentStream<K, V> s) {
        return new Supervisor<>(name, function, s.stream(), s.control(), this::errorPolicy, life,
                services.restarts(), services.handling(), services.worker(), services.ticker(),
                services.appStopping(), this::giveUp, services.sensor());
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
