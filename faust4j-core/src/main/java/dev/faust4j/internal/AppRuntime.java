package dev.faust4j.internal;

import dev.faust4j.Agent;
import dev.faust4j.AgentFunction;
import dev.faust4j.App;
import dev.faust4j.Channel;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Settings;
import dev.faust4j.Source;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Everything behind {@link App}: the registry of topics, channels, agents, tasks and timers, the transport,
 * the {@link Conductor}, and the worker's lifecycle (CREATED, RUNNING, STOPPING, STOPPED).
 *
 * <p>Stop order: the Conductor stops fetching, closes every subscription (buffered events are dropped, to
 * be fetched again), waits up to the grace period for events being processed, commits and closes the
 * consumer; then agent, task and timer threads are joined (interrupted after the grace period), the producer
 * flushed and the transport closed. A failure anywhere ({@link #fail}) runs the same stop with exit code 1
 * and without the final commit.
 *
 * <p>Thread-safety: registration before start from one thread; the rest is thread-safe.
 */
public final class AppRuntime {
    private static final Logger log = LoggerFactory.getLogger(AppRuntime.class);

    private enum State { CREATED, RUNNING, STOPPING, STOPPED }

    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile State state = State.CREATED;
    private final List<TopicImpl<?, ?>> topics = new CopyOnWriteArrayList<>();
    private final List<AgentImpl<?, ?>> agents = new ArrayList<>();
    private final List<App.Task> tasks = new ArrayList<>();
    private final List<Map.Entry<Duration, App.Task>> timers = new ArrayList<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Conductor conductor;
    private volatile Transport transport;
    private final AtomicReference<Throwable> sendFailure = new AtomicReference<>();
    private volatile boolean failed;
    private volatile int exitCode;
    private final CountDownLatch terminated = new CountDownLatch(1);
    private final ReentrantLock timerLock = new ReentrantLock();
    private final java.util.concurrent.locks.Condition timerWake = timerLock.newCondition();

    public AppRuntime(Settings settings) {
        this.settings = settings;
        this.conductor = new Conductor(this);
    }

    public Settings settings() {
        return settings;
    }

    Ticker ticker() {
        return settings.ticker();
    }

    Conductor conductor() {
        return conductor;
    }

    // ---- registration ----

    public <K, V> Topic<K, V> topic(String name, Class<K> keyType, Class<V> valueType) {
        return topic(TopicOptions.builder(Codecs.forType(settings.keySerializer(), keyType),
                Codecs.forType(settings.valueSerializer(), valueType)).names(name).build());
    }

    public <K, V> Topic<K, V> topic(TopicOptions<K, V> options) {
        return register(new TopicImpl<>(this, options, false));
    }

    <K, V> TopicImpl<K, V> register(TopicImpl<K, V> topic) {
        topics.add(topic);
        if (state == State.RUNNING) {
            topic.declare();
        }
        return topic;
    }

    public <V> Channel<V> channel(Class<V> valueType, int maxsize) {
        Objects.requireNonNull(valueType, "valueType");
        return new ChannelImpl<>(this, maxsize);
    }

    public <K, V> Agent<K, V> agent(Source<K, V> source, AgentFunction<K, V> function) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(function, "function");
        if (!(source instanceof SourceImpl<K, V> s)) {
            throw new IllegalArgumentException("agents read topics and channels created by this app");
        }
        requireNotStarted("add an agent");
        String base = s.asTopic() != null ? s.asTopic().label() + "-agent" : "channel-agent";
        String name = base;
        for (int i = 2; agentNamed(name) != null; i++) {
            name = base + "-" + i;
        }
        AgentImpl<K, V> agent = new AgentImpl<>(this, s, function, name, false);
        lock.lock();
        try {
            agents.add(agent);
        } finally {
            lock.unlock();
        }
        return agent;
    }

    public <V> Agent<String, V> agent(String name, Class<V> valueType, AgentFunction<String, V> function) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("agent name must not be blank");
        }
        TopicOptions<String, V> o = TopicOptions.builder(Codecs.forType(settings.keySerializer(), String.class),
                Codecs.forType(settings.valueSerializer(), valueType)).names(settings.id() + "-" + name).internal(true).build();
        TopicImpl<String, V> topic = register(new TopicImpl<>(this, o, true));
        Agent<String, V> agent = agent(topic, function);
        return agent.name(name);
    }

    private AgentImpl<?, ?> agentNamed(String name) {
        for (AgentImpl<?, ?> a : agents) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    void checkAgentName(AgentImpl<?, ?> agent, String name) {
        AgentImpl<?, ?> other = agentNamed(name);
        if (other != null && other != agent) {
            throw new IllegalArgumentException("an agent named " + name + " already exists in app " + settings.id());
        }
    }

    public void task(App.Task task) {
        requireNotStarted("add a task");
        tasks.add(Objects.requireNonNull(task, "task"));
    }

    public void timer(Duration interval, App.Task task) {
        requireNotStarted("add a timer");
        Objects.requireNonNull(interval, "interval");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("timer interval must be positive, got " + interval);
        }
        timers.add(Map.entry(interval, Objects.requireNonNull(task, "task")));
    }

    void requireNotStarted(String what) {
        if (state != State.CREATED) {
            throw new IllegalStateException("cannot " + what + ": app " + settings.id() + " is already " + state.name().toLowerCase());
        }
    }

    // ---- transport and sends ----

    Transport transport() {
        Transport t = transport;
        if (t != null) {
            return t;
        }
        lock.lock();
        try {
            if (transport == null) {
                String scheme = settings.brokerScheme();
                TransportFactory factory = null;
                List<String> known = new ArrayList<>();
                for (TransportFactory f : ServiceLoader.load(TransportFactory.class)) {
                    known.add(f.scheme());
                    if (f.scheme().equalsIgnoreCase(scheme)) {
                        factory = f;
                    }
                }
                if (factory == null) {
                    throw new IllegalStateException("no transport for broker URL " + settings.broker() + " (scheme '" + scheme
                            + "'); available: " + known + (scheme.equals("kafka") ? " - add the faust4j-kafka module" : ""));
                }
                transport = factory.create(new TransportContext(settings.id(), settings));
            }
            return transport;
        } finally {
            lock.unlock();
        }
    }

    void declare(TopicImpl<?, ?> topic) {
        transport().declareTopics(topic.specs());
    }

    CompletableFuture<RecordMetadata> send(ProducedRecord record) {
        if (state == State.STOPPED) {
            return CompletableFuture.failedFuture(new IllegalStateException("app " + settings.id() + " is stopped"));
        }
        CompletableFuture<RecordMetadata> f = transport().producer().send(record);
        if (!f.isDone()) {
            f.whenComplete((md, err) -> {
                if (err != null) {
                    noteSendFailure(record, err);
                }
            });
        } else if (f.isCompletedExceptionally()) {
            f.whenComplete((md, err) -> noteSendFailure(record, err));
        }
        return f;
    }

    private void noteSendFailure(ProducedRecord record, Throwable err) {
        if (sendFailure.compareAndSet(null, err)) {
            log.error("Sending to topic {} failed: {}. No further offsets are committed and the worker stops.", record.topic(), err.toString());
            if (state == State.RUNNING) {
                conductor.requestCommit(); // the commit notices the failure and stops the worker
            }
        }
    }

    Throwable sendFailure() {
        return sendFailure.get();
    }

    void producerFlush() {
        Transport t = transport;
        if (t != null) {
            t.producer().flush();
        }
    }

    /** Flushes the producer on a virtual thread, then runs {@code done} (also when the flush failed). */
    void producerFlushAsync(Runnable done) {
        Transport t = transport;
        if (t == null) {
            done.run();
            return;
        }
        Thread.ofVirtual().name("faust4j-flush").start(() -> {
            try {
                t.producer().flush();
            } catch (RuntimeException e) {
                log.warn("producer flush failed: {}", e.toString());
            } finally {
                done.run();
            }
        });
    }

    /** Forwards an event: original key bytes (or {@code newKey} when rekeying) and value bytes unless changed. */
    <K, V> void forward(TopicImpl<K, V> target, EventImpl<?, ?> e, Object value, K newKey, boolean rekey) {
        byte[] key;
        if (rekey) {
            key = newKey == null ? null : target.keyCodec().encode(newKey);
        } else if (e != null && e.message != null) {
            key = e.rawKey();
        } else {
            @SuppressWarnings("unchecked") K k = e == null ? null : (K) e.key();
            key = k == null ? null : target.keyCodec().encode(k);
        }
        byte[] bytes;
        if (e != null && e.message != null && value == e.value()) {
            bytes = e.rawValue();
        } else {
            @SuppressWarnings("unchecked") V v = (V) value;
            bytes = v == null ? null : target.valueCodec().encode(v);
        }
        send(new ProducedRecord(target.name(), null, null, key, bytes, e == null ? List.of() : e.headers()));
    }

    CompletableFuture<RecordMetadata> deadLetter(String topic, ConsumedRecord record, Throwable error) {
        try {
            transport().declareTopics(List.of(new dev.faust4j.spi.TopicSpec(topic, settings.topicPartitions(),
                    settings.topicReplicationFactor(), false, Map.of())));
            return send(Conductor.deadLetterRecord(topic, record, error));
        } catch (RuntimeException e) {
            log.error("Could not send to dead-letter topic {}: {}", topic, e.toString());
            return CompletableFuture.failedFuture(e);
        }
    }

    Subscription newSubscription() {
        return newSubscription(settings.streamBufferMaxsize());
    }

    Subscription newSubscription(int maxsize) {
        Subscription s = new Subscription(maxsize, settings.ticker(), conductor::requestResume);
        subscriptions.add(s);
        if (state.compareTo(State.STOPPING) >= 0) {
            s.close();
        }
        return s;
    }

    void closeSubscriptions() {
        for (Subscription s : subscriptions) {
            s.close();
        }
    }

    Thread startThread(String name, Runnable body) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                log.error("Thread {} of app {} died", name, settings.id(), e);
            }
        });
        threads.add(t);
        t.start();
        return t;
    }

    // ---- lifecycle ----

    boolean isStopping() {
        return state.compareTo(State.STOPPING) >= 0;
    }

    boolean isStopped() {
        return state == State.STOPPED;
    }

    boolean failed() {
        return failed;
    }

    public void start() {
        lock.lock();
        try {
            requireNotStarted("start");
            for (TopicImpl<?, ?> t : topics) {
                t.declare();
            }
            state = State.RUNNING;
            // Agents register their subscriptions before the Conductor's first poll: otherwise a record fetched
            // in between goes only to the agents already registered and the others of its topic never see it.
            for (AgentImpl<?, ?> a : agents) {
                a.start();
            }
            conductor.start();
            for (App.Task task : tasks) {
                startThread("faust4j-task", () -> runTask(task));
            }
            for (Map.Entry<Duration, App.Task> timer : timers) {
                long first = ticker().nanoTime() + timer.getKey().toNanos(); // measured from start, not from thread start
                startThread("faust4j-timer", () -> runTimer(first, timer.getKey(), timer.getValue()));
            }
        } finally {
            lock.unlock();
        }
        log.info("app {} started on {} with {} agent(s)", settings.id(), settings.broker(), agents.size());
    }

    private void runTask(App.Task task) {
        try {
            task.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!isStopping()) {
                log.error("A task of app {} failed", settings.id(), e);
            }
        }
    }

    private void runTimer(long first, Duration interval, App.Task task) {
        long next = first;
        while (!isStopping()) {
            timerLock.lock();
            try {
                while (!isStopping() && ticker().nanoTime() < next) {
                    ticker().awaitUntil(timerWake, next);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                timerLock.unlock();
            }
            if (isStopping()) {
                return;
            }
            next += interval.toNanos();
            try {
                task.run();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.error("A timer of app {} failed; it runs again at its next interval", settings.id(), e);
            }
        }
    }

    /** Stops with exit code 1 and without the final commit (the failing record stays uncommitted). */
    void fail(String reason) {
        failed = true;
        exitCode = 1;
        if (state == State.RUNNING) {
            Thread.ofPlatform().name("faust4j-stop").start(this::stop);
        }
    }

    public void stop() {
        if (threads.contains(Thread.currentThread())) {
            // called from an agent, task or timer: its own in-hand event must be able to finish, so stop
            // from another thread and return at once
            if (state == State.RUNNING) {
                Thread.ofPlatform().name("faust4j-stop").start(this::stop);
            }
            return;
        }
        lock.lock();
        try {
            if (state == State.CREATED) {
                state = State.STOPPED;
                closeTransport();
                terminated.countDown();
                return;
            }
            if (state != State.RUNNING) {
                return;
            }
            state = State.STOPPING;
        } finally {
            lock.unlock();
        }
        log.info("app {} stopping", settings.id());
        timerLock.lock();
        try {
            timerWake.signalAll();
        } finally {
            timerLock.unlock();
        }
        Duration grace = settings.shutdownGracePeriod();
        try {
            conductor.requestStop();
            if (!conductor.isConductorThread()) {
                conductor.join(grace);
            }
            closeSubscriptions();
            long deadline = System.nanoTime() + grace.toNanos();
            for (Thread t : threads) {
                if (t == Thread.currentThread()) {
                    continue; // stop() called from an agent, task or timer
                }
                long remaining = Math.max(0, deadline - System.nanoTime());
                if (!t.join(Duration.ofNanos(remaining))) {
                    t.interrupt();
                    t.join(Duration.ofSeconds(5));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeTransport();
            state = State.STOPPED;
            // logged before the latch opens: a main thread waiting on it may call System.exit right away
            log.info("app {} stopped (exit code {})", settings.id(), exitCode);
            terminated.countDown();
        }
    }

    private void closeTransport() {
        Transport t = transport;
        if (t != null) {
            try {
                t.producer().flush();
            } catch (RuntimeException e) {
                log.warn("flush on stop failed: {}", e.toString());
            }
            t.close();
        }
    }

    public int awaitTermination() throws InterruptedException {
        terminated.await();
        return exitCode;
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int commandLine(App app, String... args) {
        return Cli.run(app, this, args);
    }
}
