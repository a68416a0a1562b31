package dev.faust4j.internal.app;

import dev.faust4j.SetTable;
import dev.faust4j.Table;
import dev.faust4j.codec.Codec;
import dev.faust4j.internal.table.Tables;
import dev.faust4j.Agent;
import dev.faust4j.AgentClient;
import dev.faust4j.ReplyingAgent;
import dev.faust4j.ReplyingAgentFunction;
import dev.faust4j.AppState;
import dev.faust4j.Partition;
import dev.faust4j.Sensor;
import dev.faust4j.AgentFunction;
import dev.faust4j.Channel;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Settings;
import dev.faust4j.Source;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.agent.AgentImpl;
import dev.faust4j.internal.agent.Restarts;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.cli.Cli;
import dev.faust4j.internal.cli.Listing;
import dev.faust4j.internal.cli.UserCommand;
import dev.faust4j.internal.cli.UserCommands;
import dev.faust4j.internal.cli.WorkerHandle;
import dev.faust4j.internal.send.Transactions;
import dev.faust4j.internal.conductor.Conductor;
import dev.faust4j.internal.failure.DeadLetters;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.failure.Misuse;
import dev.faust4j.internal.failure.WorkerControl;
import dev.faust4j.internal.send.Resender;
import dev.faust4j.internal.send.Sender;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.internal.stream.Streams;
import dev.faust4j.internal.topic.ChannelImpl;
import dev.faust4j.internal.topic.TopicImpl;
import dev.faust4j.internal.topic.TopicServices;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.Transport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Everything behind {@code App}: it builds the runtime's rooms, wires them with narrow collaborators, and runs the
 * worker's lifecycle (created, running, stopping, stopped).
 *
 * <p>Stop order: stop retrying sends (their inputs stay uncommitted); the Conductor stops fetching, closes every
 * subscription (buffered events are dropped, to be fetched again), waits up to the grace period for the events
 * being processed, commits what is acked and closes the consumer; then the agent, task and timer threads are
 * joined (interrupted after the grace period), the producer flushed and the transport closed. A failure
 * ({@link #fail}) closes the subscriptions at once, so no further event is handed out, and runs the same stop with
 * exit code 1: the final commit is safe, because a failed record is never acked.
 *
 * <p>Thread-safety: declarations before start from one thread; the rest is thread-safe.
 */
public final class AppRuntime implements WorkerHandle, WorkerControl {
    private static final Logger log = LoggerFactory.getLogger(AppRuntime.class);

    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private final Lifecycle lifecycle = new Lifecycle();
    private final TransportLoader transport;
    private final CommandSupport commands;
    private final UserCommands userCommands;
    private final Registry registry;
    private final Workers workers;
    private final Timers timers;
    private final Resender resender;
    private final Sender sender;
    private final @Nullable Transactions transactions;
    private final DeadLetters deadLetters;
    private final ErrorHandling handling;
    private final Tables tables;
    private final Conductor conductor;
    private final Streams streams;
    private final TopicServices topicServices;
    private final AgentImpl.Services agentServices;
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final Sensors sensors = new Sensors();
    private final AppStates states;
    private final WebHost webHost;
    private final Agents agents;

    public AppRuntime(Settings settings) {
        this.settings = settings;
        String id = settings.id();
        this.states = new AppStates(id, sensors);
        this.transport = new TransportLoader(settings, sensors);
        this.registry = new Registry(id, lifecycle, specs -> transport.get().declareTopics(specs));
        this.workers = new Workers(id);
        this.timers = new Timers(id, settings.ticker(), lifecycle::stopping);
        this.resender = new Resender(settings.ticker(), settings.sendRetryTimeout(), id);
        this.transactions = settings.processingGuarantee() == ProcessingGuarantee.EXACTLY_ONCE
                ? new Transactions(() -> transport.get()
                        .transactionalProducer(Transactions.transactionalId(settings.id(), settings.workerId())))
                : null;
        Transactions tx = transactions;
        this.sender = new Sender(tx != null ? () -> tx : () -> transport.get().producer(), lifecycle::stopped,
                resender, tx != null, sensors);
        this.deadLetters = new DeadLetters(sender, topic -> transport.get().declareTopics(List.of(defaultSpec(topic))),
                sensors);
        this.handling = new ErrorHandling(deadLetters, this, settings.ticker());
        this.tables = new Tables(settings, tx != null, transport::get, sender::send,
                () -> lifecycle.state() != Lifecycle.State.CREATED, this::requestCommit, sensors);
        this.conductor = new Conductor(new Conductor.Config(id, settings.ticker(), settings.commitInterval(),
                settings.commitEvery(), settings.shutdownGracePeriod(), settings.maxRecordBytes(),
                () -> transport.get().createConsumer(), sender::flush, resender::inOutage, this::closeSubscriptions,
                e -> fail("conductor failure: " + e), transactions, tables, sensors, states::phase), handling);
        tables.onRestored(conductor::requestResume); // a restore's end wakes the poll loop to resume its partitions
        this.webHost = new WebHost(registry, tables);
        this.commands = new CommandSupport(transport::settings, registry, tables, transport::get, sender);
        this.userCommands = new UserCommands(id);
        this.streams = new Streams(settings.ticker(), sender, workers::start, handling, settings.topicPartitions(),
                settings.agentErrorPolicy(), sensors);
        this.topicServices = new TopicServices(settings.topicPartitions(), settings.topicReplicationFactor(),
                settings.decodeErrorPolicy(), registry, sender, this::subscribe, streams);
        this.agentServices = new AgentImpl.Services(registry, settings.agentErrorPolicy(),
                new Restarts(settings.agentRestartBackoff(), settings.agentRestartBackoffMax(),
                        settings.agentMaxRestarts(),
                        settings.agentFailureStopsWorker()),
                handling, this, settings.ticker(), lifecycle::stopping, sensors);
        this.agents = new Agents(registry, agentServices, sender::send, settings, transport::get, lifecycle::state);
    }

    // ---- state, sensors, lag ----

    public AppState state() {
        return states.get();
    }

    public void sensor(Sensor sensor) {
        Objects.requireNonNull(sensor, "sensor");
        registry.requireNotStarted("add a sensor");
        sensors.add(sensor);
    }

    public Map<Partition, Long> lag() {
        if (!states.get().live() || lifecycle.state() != Lifecycle.State.RUNNING) {
            return Map.of();
        }
        boolean readCommitted = transactions != null;
        return conductor.lag(partitions -> {
            try {
                return transport.get().endOffsets(partitions, readCommitted);
            } catch (RuntimeException e) {
                log.debug("the ends of {} partitions are not known: {}", partitions.size(), e.toString());
                return Map.of();
            }
        });
    }

    // ---- web ----

    /** Adds a page to the web server (before start). */
    public void page(String path, String contentType, Supplier<String> body) {
        webHost.page(path, contentType, body);
    }

    /** The web server's port while it runs, else empty. */
    public OptionalInt webPort() {
        return webHost.port();
    }

    @Override
    public void useWeb(@Nullable Integer port, @Nullable String bind) {
        lock.lock();
        try {
            registry.requireNotStarted("turn its web server on");
            transport.useWeb(port, bind);
        } finally {
            lock.unlock();
        }
    }

    public Settings settings() {
        return transport.settings();
    }

    @Override
    public String appId() {
        return settings.id();
    }

    // ---- declarations ----

    public <K, V> Table<K, V> globalTable(String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        Objects.requireNonNull(keyCodec, "keyCodec");
        Objects.requireNonNull(valueCodec, "valueCodec");
        return tables.globalTable(name, keyCodec, valueCodec);
    }

    public <K, E> SetTable<K, E> setTable(String name, Codec<K> keyCodec, Codec<E> memberCodec) {
        Objects.requireNonNull(keyCodec, "keyCodec");
        Objects.requireNonNull(memberCodec, "memberCodec");
        return tables.setTable(name, keyCodec, memberCodec);
    }

    public <K, V> Topic<K, V> topic(String name, Class<K> keyType, Class<V> valueType) {
        return topic(TopicOptions.builder(Codecs.forType(settings.keySerializer(), keyType),
                Codecs.forType(settings.valueSerializer(), valueType)).names(name).build());
    }

    public <K, V> Topic<K, V> topic(TopicOptions<K, V> options) {
        TopicImpl<K, V> t = new TopicImpl<>(options, topicServices, false);
        registry.register(t);
        return t;
    }

    public <K, V> Table<K, V> table(String name, Codec<K> keyCodec, Codec<V> valueCodec) {
        Objects.requireNonNull(keyCodec, "keyCodec");
        Objects.requireNonNull(valueCodec, "valueCodec");
        return tables.table(name, keyCodec, valueCodec);
    }

    public <V> Channel<V> channel(Class<V> valueType, int maxsize) {
        Objects.requireNonNull(valueType, "valueType");
        registry.addChannel(valueType);
        return new ChannelImpl<>(maxsize, this::newSubscription, streams, handling, lifecycle::stopped);
    }

    public <K, V> Agent<K, V> agent(Source<K, V> source, AgentFunction<K, V> function) {
        return agents.agent(source, function);
    }

    public <K, V, R> ReplyingAgent<K, V, R> agent(Source<K, V> source, Class<R> resultType,
                                                  ReplyingAgentFunction<K, V, R> function) {
        return agents.agent(source, resultType, function);
    }

    public <K, V, R> AgentClient<K, V, R> agentClient(Topic<K, V> topic, Class<R> replyType) {
        return agents.client(topic, replyType);
    }

    public <V> Agent<String, V> agent(String name, Class<V> valueType, AgentFunction<String, V> function) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("agent name must not be blank");
        }
        TopicOptions<String, V> o = TopicOptions.builder(Codecs.forType(settings.keySerializer(), String.class),
                Codecs.forType(settings.valueSerializer(), valueType)).names(settings.id() + "-" + name).internal(true)
                .build();
        TopicImpl<String, V> topic = new TopicImpl<>(o, topicServices, true);
        registry.register(topic);
        return agent(topic, function).name(name);
    }

    public void task(Body task) {
        registry.addTask(Objects.requireNonNull(task, "task"));
    }

    public void timer(Duration interval, Body task) {
        Objects.requireNonNull(interval, "interval");
        registry.addTimer(interval, Objects.requireNonNull(task, "task"));
    }

    /** Adds a command to the app's command line (before start). */
    public void command(String name, String description, UserCommand.Body body) {
        registry.requireNotStarted("add command " + name);
        userCommands.add(name, description, body);
    }

    @Override
    public List<UserCommand> userCommands() {
        return userCommands.all();
    }

    @Override
    public void useBroker(String url) {
        lock.lock();
        try {
            registry.requireNotStarted("change its broker");
            transport.useBroker(url);
        } finally {
            lock.unlock();
        }
    }

    public int commandLine(String... args) {
        return Cli.run(this, args);
    }

    // ---- subscriptions ----

    private Subscription newSubscription(int maxsize) {
        Subscription s = new Subscription(maxsize, settings.ticker(), conductor::requestResume);
        subscriptions.add(s);
        if (lifecycle.stopping()) {
            s.close();
        }
        return s;
    }

    /** A reader subscribes to a topic: its buffer, registered with the Conductor. */
    private Subscription subscribe(Topic<?, ?> topic, ErrorPolicy readerPolicy) {
        for (ErrorPolicy p : List.of(topic.decodeErrorPolicy(), readerPolicy)) {
            if (p.terminal() instanceof ErrorPolicy.DeadLetter d && topic.names().contains(d.topic())) {
                throw Misuse.state("Dead-letter loop: a stream reads topic " + d.topic() + " and its error policy "
                        + "dead-letters into " + d.topic() + " itself; give that topic or reader another policy");
            }
        }
        Subscription s = newSubscription(settings.streamBufferMaxsize());
        conductor.register((TopicImpl<?, ?>) topic, s, readerPolicy);
        return s;
    }

    private void closeSubscriptions() {
        for (Subscription s : subscriptions) {
            s.close();
        }
    }

    private TopicSpec defaultSpec(String topic) {
        return new TopicSpec(topic, settings.topicPartitions(), settings.topicReplicationFactor(), false, Map.of());
    }

    // ---- lifecycle ----

    @Override
    public void start() {
        lock.lock();
        try {
            registry.requireNotStarted("start");
            states.moveTo(AppState.STARTING);
            try {
                registry.checkDeadLetterLoops();
                // before anything runs: a port taken fails the start, health answers from STARTING on, and the server's
                // sensor is published to the worker threads by their start
                webHost.start(transport.settings(), states::get, this::lag, sensors);
                for (TopicImpl<?, ?> t : registry.topics()) {
                    t.declare();
                }
                for (String dlq : registry.deadLetterTopics(settings.decodeErrorPolicy(),
                        settings.agentErrorPolicy())) {
                    transport.get().declareTopics(List.of(defaultSpec(dlq)));
                }
                tables.declare();
                tables.startGlobal(); // global tables are whole before any record is read
            } catch (RuntimeException e) {
                // Nothing runs yet. Stop here, exit code 1, and close the transport at once: its clients would
                // otherwise keep retrying (and logging) in the background, e.g. a failed authentication (SECURITY.md).
                // No flush: it would create a producer only to have it fail the same way.
                lifecycle.fail();
                lifecycle.moveTo(Lifecycle.State.STOPPED);
                states.moveTo(AppState.FAILED);
                webHost.stop();
                Transport t = transport.ifCreated();
                if (t != null) {
                    try {
                        t.close();
                    } catch (RuntimeException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                }
                lifecycle.terminated();
                throw e;
            }
            agents.start(); // the reply topic, before any request can be sent or answered
            lifecycle.moveTo(Lifecycle.State.RUNNING);
            // Agents register their subscriptions before the Conductor's first poll: otherwise a record fetched in
            // between goes only to the agents already registered and the others of its topic never see it.
            for (AgentImpl<?, ?> a : registry.agents()) {
                a.start(streams, workers::start);
            }
            if (transactions != null) {
                transactions.open(); // before any record is read: fences a previous instance with this worker id
            }
            conductor.start();
            for (Body task : registry.tasks()) {
                workers.start("faust4j-task", () -> timers.runTask(task));
            }
            long now = settings.ticker().nanoTime(); // timers measure their first interval from start
            Duration every = settings.progressInterval();
            if (!every.isZero()) {
                ProgressLog progress = new ProgressLog(settings.id(), settings.ticker(), conductor::fetched, this::lag,
                        conductor::paused);
                workers.start("faust4j-progress", () -> timers.runTimer(now + every.toNanos(), every, progress::log));
            }
            for (Map.Entry<Duration, Body> timer : registry.timers()) {
                long first = now + timer.getKey().toNanos();
                workers.start("faust4j-timer", () -> timers.runTimer(first, timer.getKey(), timer.getValue()));
            }
        } finally {
            lock.unlock();
        }
        for (String line : commands.banner(webHost.url())) {
            log.info("{}", line);
        }
    }

    @Override
    public void fail(String reason) {
        if (!lifecycle.fail()) {
            return;
        }
        log.error("app {} is stopping because of a failure ({}); exit code 1", settings.id(), reason);
        closeSubscriptions(); // delivery stops at once: nothing buffered is handed out any more
        for (AgentImpl<?, ?> a : registry.agents()) {
            a.stop();
        }
        if (lifecycle.state() == Lifecycle.State.RUNNING) {
            Thread.ofPlatform().name("faust4j-stop").start(this::stop);
        }
    }

    @Override
    public void requestCommit() {
        conductor.requestCommit();
    }

    @Override
    public boolean requestAbort(String cause) {
        return transactions != null && conductor.requestAbort(cause);
    }

    @Override
    public void stop() {
        if (workers.isOwnThread() || conductor.isPollThread()) {
            // called from an agent, task or timer: its own in-hand event must be able to finish, so stop from
            // another thread and return at once
            if (lifecycle.state() == Lifecycle.State.RUNNING) {
                Thread.ofPlatform().name("faust4j-stop").start(this::stop);
            }
            return;
        }
        lock.lock();
        try {
            if (lifecycle.state() == Lifecycle.State.CREATED) {
                lifecycle.moveTo(Lifecycle.State.STOPPED);
                states.moveTo(AppState.STOPPED);
                closeTransport();
                lifecycle.terminated();
                return;
            }
            if (lifecycle.state() != Lifecycle.State.RUNNING) {
                return;
            }
            lifecycle.moveTo(Lifecycle.State.STOPPING);
            states.moveTo(AppState.STOPPING);
        } finally {
            lock.unlock();
        }
        Duration grace = settings.shutdownGracePeriod();
        try {
            timers.wakeAll();
            for (AgentImpl<?, ?> a : registry.agents()) {
                a.stop();
            }
            resender.stop();
            conductor.requestStop();
            conductor.join(grace);
            closeSubscriptions();
            workers.joinAll(grace);
            agents.stop(); // after the agents: an ask in an agent's hands could still be answered
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // after the Conductor's last commit and release: closes what is left open, and stops following the
            // global tables before their reader's transport closes
            tables.close();
            closeTransport();
            lifecycle.moveTo(Lifecycle.State.STOPPED);
            states.moveTo(lifecycle.exitCode() == 0 ? AppState.STOPPED : AppState.FAILED);
            webHost.stop(); // after the last state change: a probe sees the worker down before the port closes
            // logged before the latch opens: a main thread waiting on it may call System.exit right away
            log.info("app {} stopped (exit code {})", settings.id(), lifecycle.exitCode());
            lifecycle.terminated();
        }
    }

    private void closeTransport() {
        Transport t = transport.ifCreated();
        if (t != null) {
            try {
                if (transactions != null) {
                    transactions.close(); // the last transaction was committed (or aborted) by the Conductor
                } else {
                    t.producer().flush();
                }
            } catch (RuntimeException e) {
                log.warn("flush on stop failed: {}", e.toString());
            }
            t.close();
        }
    }

    @Override
    public String resetTables() {
        return tables.reset(lifecycle.state() != Lifecycle.State.CREATED);
    }

    @Override
    public int awaitTermination() throws InterruptedException {
        return lifecycle.awaitTermination();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return lifecycle.awaitTermination(timeout);
    }

    @Override
    public Duration shutdownGracePeriod() {
        return settings.shutdownGracePeriod();
    }

    @Override
    public Listing listing() {
        return commands.listing();
    }

    @Override
    public String agentTopic(String agent) {
        return commands.agentTopic(agent);
    }

    @Override
    public void check(String topic, byte @Nullable [] key, byte[] value) {
        commands.check(topic, key, value);
    }

    @Override
    public OptionalInt partitionsOnBroker(String topic) {
        return commands.partitionsOnBroker(topic);
    }

    @Override
    public boolean inProcessBroker() {
        return commands.inProcessBroker();
    }

    @Override
    public String broker() {
        return transport.settings().broker();
    }

    @Override
    public CompletableFuture<RecordMetadata> send(String topic, byte @Nullable [] key, byte[] value,
                                                  @Nullable Integer partition, boolean create) {
        return commands.send(topic, key, value, partition, create);
    }
}
