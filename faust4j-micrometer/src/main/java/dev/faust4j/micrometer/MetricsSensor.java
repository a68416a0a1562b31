package dev.faust4j.micrometer;

import dev.faust4j.App;
import dev.faust4j.AppState;
import dev.faust4j.Partition;
import dev.faust4j.Sensor;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The sensor behind {@link FaustMetrics}: turns the hooks into meter updates.
 *
 * <p>Hot path: each per-record hook finds its meters in a concurrent map keyed by the strings the worker passes (one
 * lookup per key level, no key objects, no capturing lambdas) and updates them. Meters are created, under
 * {@code lock}, only the first time an agent, topic or table shows up. Lag gauges follow the partitions this worker
 * holds (registered and removed at the end of each rebalance); they read a lag snapshot refreshed at most once per
 * interval.
 */
final class MetricsSensor implements Sensor {
    static final String APP = "app";
    static final String AGENT = "agent";
    static final String TOPIC = "topic";
    static final String PARTITION = "partition";
    static final String TABLE = "table";
    static final String STATE = "state";

    static final String AGENT_EVENTS = "faust4j.agent.events";
    static final String AGENT_PROCESSING = "faust4j.agent.processing";
    static final String AGENT_E2E = "faust4j.agent.e2e.latency";
    static final String AGENT_CRASHES = "faust4j.agent.crashes";
    static final String AGENT_RESTARTS = "faust4j.agent.restarts";
    static final String MESSAGES_IN = "faust4j.messages.in";
    static final String COMMIT_LATENCY = "faust4j.commit.latency";
    static final String COMMIT_FAILURES = "faust4j.commit.failures";
    static final String SENDS = "faust4j.sends";
    static final String SEND_LATENCY = "faust4j.send.latency";
    static final String SEND_FAILURES = "faust4j.send.failures";
    static final String PARTITION_LAG = "faust4j.partition.lag";
    static final String PARTITIONS_PAUSED = "faust4j.partitions.paused";
    static final String REBALANCES = "faust4j.rebalances";
    static final String REBALANCE_DURATION = "faust4j.rebalance.duration";
    static final String DEAD_LETTERS = "faust4j.dead.letters";
    static final String APP_STATE = "faust4j.app.state";
    static final String TABLE_GETS = "faust4j.table.gets";
    static final String TABLE_SETS = "faust4j.table.sets";
    static final String TABLE_DELETES = "faust4j.table.deletes";

    private record AgentTopicMeters(Counter events, Timer processing, Timer e2e) {}

    private record AgentMeters(Counter crashes, Counter restarts) {}

    private record SendMeters(Counter sends, Timer latency, Counter failures) {}

    private record TableMeters(Counter gets, Counter sets, Counter deletes) {}

    private final App app;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Tags appTags;
    private final long lagRefreshNanos;
    /** Binds the Kafka clients' own metrics; null without kafka-clients. */
    private final @Nullable KafkaClientBinder kafkaClients;

    private final ConcurrentHashMap<String, ConcurrentHashMap<String, AgentTopicMeters>> agentTopics = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AgentMeters> agents = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> messagesIn = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SendMeters> sends = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Counter> deadLetters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TableMeters> tables = new ConcurrentHashMap<>();
    private final Set<Partition> paused = ConcurrentHashMap.newKeySet();

    // created by registerGauges(), after the sensor was accepted by the app
    private @Nullable Timer commitLatency;
    private @Nullable Counter commitFailures;
    private @Nullable Counter rebalances;
    private @Nullable Timer rebalanceDuration;

    /** Guards meter creation and removal, and close (a lock, not synchronized: hooks run on virtual threads). */
    private final ReentrantLock lock = new ReentrantLock();
    /** Every meter this binding registered, to remove on close. Guarded by lock. */
    private final Set<Meter> meters = new LinkedHashSet<>();
    /** The lag gauge of each partition this worker holds. Guarded by lock. */
    private final Map<Partition, Gauge> lagGauges = new HashMap<>();
    private volatile boolean closed;

    private final ReentrantLock lagLock = new ReentrantLock();
    private volatile Map<Partition, Long> lag = Map.of();
    private volatile boolean lagRead;
    private volatile long lagReadAt;

    MetricsSensor(App app, MeterRegistry registry, Duration lagRefresh) {
        this.app = app;
        this.registry = registry;
        this.clock = registry.config().clock();
        this.appTags = Tags.of(APP, app.settings().id());
        this.lagRefreshNanos = lagRefresh.toNanos();
        this.kafkaClients = KafkaClientBinder.create(registry, appTags);
    }

    @Override
    public void onClientCreated(String role, Object client) {
        if (kafkaClients != null && !closed) {
            kafkaClients.created(client);
        }
    }

    @Override
    public void onClientClosed(String role, Object client) {
        if (kafkaClients != null) {
            kafkaClients.closed(client);
        }
    }

    /** Registers the meters that exist from the start: app state, paused partitions, commits, rebalances. */
    void registerGauges() {
        lock.lock();
        try {
            for (AppState state : AppState.values()) {
                track(Gauge.builder(APP_STATE, app, a -> a.state() == state ? 1 : 0).tags(appTags)
                        .tag(STATE, state.name()).description("1 for the app's current state, 0 for the others")
                        .strongReference(true).register(registry));
            }
            track(Gauge.builder(PARTITIONS_PAUSED, paused, Set::size).tags(appTags)
                    .description("partitions whose fetching is paused").strongReference(true).register(registry));
            commitLatency = track(Timer.builder(COMMIT_LATENCY).tags(appTags).description("durable offset commits")
                    .register(registry));
            commitFailures = track(Counter.builder(COMMIT_FAILURES).tags(appTags).description("failed offset commits")
                    .register(registry));
            rebalances = track(Counter.builder(REBALANCES).tags(appTags).description("rebalances started")
                    .register(registry));
            rebalanceDuration = track(Timer.builder(REBALANCE_DURATION).tags(appTags)
                    .description("from a rebalance starting to the worker processing its new partitions")
                    .register(registry));
        } finally {
            lock.unlock();
        }
    }

    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            if (kafkaClients != null) {
                kafkaClients.closeAll();
            }
            for (Meter m : meters) {
                registry.remove(m);
            }
            meters.clear();
            lagGauges.clear();
            agentTopics.clear();
            agents.clear();
            messagesIn.clear();
            sends.clear();
            deadLetters.clear();
            tables.clear();
        } finally {
            lock.unlock();
        }
    }

    private <M extends Meter> M track(M meter) {
        meters.add(meter);
        return meter;
    }

    // ---- lifecycle ----

    @Override
    public void onStateChange(AppState previous, AppState current) {
        if (current == AppState.STOPPED || current == AppState.FAILED) {
            holdLagGauges(Set.of()); // no partitions, no lag: the gauges would only say NaN
        }
    }

    @Override
    public void onAgentCrashed(String agent, Throwable error) {
        AgentMeters m = agent(agent);
        if (m != null) {
            m.crashes().increment();
        }
    }

    @Override
    public void onAgentRestarted(String agent) {
        AgentMeters m = agent(agent);
        if (m != null) {
            m.restarts().increment();
        }
    }

    // ---- records (hot path) ----

    @Override
    public void onMessageIn(String topic, int partition, long offset, long timestampMs) {
        Counter c = messagesIn.get(topic);
        if (c == null) {
            c = newMessagesIn(topic);
            if (c == null) {
                return;
            }
        }
        c.increment();
    }

    @Override
    public void onStreamEventOut(String agent, String topic, int partition, long offset, long timestampMs,
                                 long processingNanos) {
        AgentTopicMeters m = agentTopic(agent, topic);
        if (m == null) {
            return;
        }
        m.events().increment();
        m.processing().record(processingNanos, TimeUnit.NANOSECONDS);
        if (timestampMs > 0) { // Kafka says -1 for no timestamp
            long e2eMs = clock.wallTime() - timestampMs;
            if (e2eMs >= 0) { // a timestamp in the future (clock skew) says nothing of latency
                m.e2e().record(e2eMs, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void onDeadLetter(String topic, String deadLetterTopic) {
        Counter c = deadLetters.get(topic);
        if (c == null) {
            c = newDeadLetters(topic);
            if (c == null) {
                return;
            }
        }
        c.increment();
    }

    // ---- commits ----

    @Override
    public void onCommitCompleted(Map<Partition, Long> offsets, long nanos) {
        Timer t = commitLatency;
        if (t != null && !closed) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onCommitFailed(Throwable error, long nanos) {
        Counter c = commitFailures;
        if (c != null && !closed) {
            c.increment();
        }
    }

    // ---- sends (hot path) ----

    @Override
    public void onSendStarted(String topic) {
        SendMeters m = send(topic);
        if (m != null) {
            m.sends().increment();
        }
    }

    @Override
    public void onSendCompleted(String topic, int partition, long offset, long nanos) {
        SendMeters m = send(topic);
        if (m != null) {
            m.latency().record(nanos, TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void onSendFailed(String topic, Throwable error, long nanos) {
        SendMeters m = send(topic);
        if (m != null) {
            m.failures().increment();
        }
    }

    // ---- partitions ----

    @Override
    public void onRebalanceStarted(Set<Partition> revoked) {
        Counter c = rebalances;
        if (c != null && !closed) {
            c.increment();
        }
    }

    @Override
    public void onRebalanceEnded(Set<Partition> assigned, long nanos) {
        Timer t = rebalanceDuration;
        if (t != null && !closed) {
            t.record(nanos, TimeUnit.NANOSECONDS);
        }
        paused.retainAll(assigned); // a paused partition taken away is never resumed here
        holdLagGauges(assigned);
    }

    @Override
    public void onPartitionsPaused(Set<Partition> partitions) {
        paused.addAll(partitions);
    }

    @Override
    public void onPartitionsResumed(Set<Partition> partitions) {
        paused.removeAll(partitions);
    }

    // ---- tables (hot path) ----

    @Override
    public void onTableGet(String table, Object key) {
        TableMeters m = table(table);
        if (m != null) {
            m.gets().increment();
        }
    }

    @Override
    public void onTableSet(String table, Object key, Object value) {
        TableMeters m = table(table);
        if (m != null) {
            m.sets().increment();
        }
    }

    @Override
    public void onTableDelete(String table, Object key) {
        TableMeters m = table(table);
        if (m != null) {
            m.deletes().increment();
        }
    }

    // ---- lag ----

    /** Keeps one lag gauge per partition in {@code partitions}, and none for the others. */
    private void holdLagGauges(Set<Partition> partitions) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (var it = lagGauges.entrySet().iterator(); it.hasNext();) {
                Map.Entry<Partition, Gauge> e = it.next();
                if (!partitions.contains(e.getKey())) {
                    registry.remove(e.getValue());
                    meters.remove(e.getValue());
                    it.remove();
                }
            }
            for (Partition p : partitions) {
                if (!lagGauges.containsKey(p)) {
                    lagGauges.put(p, track(Gauge.builder(PARTITION_LAG, this, s -> s.lagOf(p)).tags(appTags)
                            .tag(TOPIC, p.topic()).tag(PARTITION, Integer.toString(p.number()))
                            .description("records of the partition not committed yet").strongReference(true)
                            .register(registry)));
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** The lag of {@code p} from a snapshot of {@link App#lag()} at most the refresh interval old; NaN if unknown. */
    double lagOf(Partition p) {
        if (stale(clock.monotonicTime())) {
            lagLock.lock();
            try {
                long now = clock.monotonicTime();
                if (stale(now)) { // another reader may have refreshed it while this one waited
                    try {
                        lag = Map.copyOf(app.lag());
                    } catch (RuntimeException e) {
                        // keep the last snapshot: a gauge read must not fail a scrape
                    }
                    lagReadAt = now;
                    lagRead = true;
                }
            } finally {
                lagLock.unlock();
            }
        }
        Long v = lag.get(p);
        return v == null ? Double.NaN : v;
    }

    private boolean stale(long now) {
        return !lagRead || now - lagReadAt >= lagRefreshNanos;
    }

    // ---- meter caches: a lookup, or creation under the lock the first time (null once closed) ----

    private @Nullable AgentTopicMeters agentTopic(String agent, String topic) {
        ConcurrentHashMap<String, AgentTopicMeters> byTopic = agentTopics.get(agent);
        if (byTopic != null) {
            AgentTopicMeters m = byTopic.get(topic);
            if (m != null) {
                return m;
            }
        }
        return newAgentTopic(agent, topic);
    }

    private @Nullable AgentTopicMeters newAgentTopic(String agent, String topic) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            ConcurrentHashMap<String, AgentTopicMeters> byTopic = agentTopics.computeIfAbsent(agent,
                    a -> new ConcurrentHashMap<>());
            AgentTopicMeters m = byTopic.get(topic);
            if (m == null) {
                Tags tags = appTags.and(AGENT, agent, TOPIC, topic);
                m = new AgentTopicMeters(
                        track(Counter.builder(AGENT_EVENTS).tags(tags).description("records the agent is done with")
                                .register(registry)),
                        track(Timer.builder(AGENT_PROCESSING).tags(tags)
                                .description("from the agent receiving a record to being done with it")
                                .register(registry)),
                        track(Timer.builder(AGENT_E2E).tags(tags)
                                .description("from the record's timestamp to the agent being done with it")
                                .register(registry)));
                byTopic.put(topic, m);
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    private @Nullable AgentMeters agent(String agent) {
        AgentMeters m = agents.get(agent);
        return m != null ? m : newAgent(agent);
    }

    private @Nullable AgentMeters newAgent(String agent) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            AgentMeters m = agents.get(agent);
            if (m == null) {
                Tags tags = appTags.and(AGENT, agent);
                m = new AgentMeters(
                        track(Counter.builder(AGENT_CRASHES).tags(tags).description("agent instances that threw")
                                .register(registry)),
                        track(Counter.builder(AGENT_RESTARTS).tags(tags)
                                .description("agent instances run again after a crash").register(registry)));
                agents.put(agent, m);
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    private @Nullable Counter newMessagesIn(String topic) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            Counter c = messagesIn.get(topic);
            if (c == null) {
                c = track(Counter.builder(MESSAGES_IN).tags(appTags).tag(TOPIC, topic)
                        .description("records fetched from the broker").register(registry));
                messagesIn.put(topic, c);
            }
            return c;
        } finally {
            lock.unlock();
        }
    }

    private @Nullable Counter newDeadLetters(String topic) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            Counter c = deadLetters.get(topic);
            if (c == null) {
                c = track(Counter.builder(DEAD_LETTERS).tags(appTags).tag(TOPIC, topic)
                        .description("records of the topic copied to its dead-letter topic").register(registry));
                deadLetters.put(topic, c);
            }
            return c;
        } finally {
            lock.unlock();
        }
    }

    private @Nullable SendMeters send(String topic) {
        SendMeters m = sends.get(topic);
        return m != null ? m : newSend(topic);
    }

    private @Nullable SendMeters newSend(String topic) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            SendMeters m = sends.get(topic);
            if (m == null) {
                Tags tags = appTags.and(TOPIC, topic);
                m = new SendMeters(
                        track(Counter.builder(SENDS).tags(tags).description("sends started").register(registry)),
                        track(Timer.builder(SEND_LATENCY).tags(tags)
                                .description("durable sends, start to acknowledgement")
                                .register(registry)),
                        track(Counter.builder(SEND_FAILURES).tags(tags).description("sends that failed for good")
                                .register(registry)));
                sends.put(topic, m);
            }
            return m;
        } finally {
            lock.unlock();
        }
    }

    private @Nullable TableMeters table(String table) {
        TableMeters m = tables.get(table);
        return m != null ? m : newTable(table);
    }

    private @Nullable TableMeters newTable(String table) {
        lock.lock();
        try {
            if (closed) {
                return null;
            }
            TableMeters m = tables.get(table);
            if (m == null) {
                Tags tags = appTags.and(TABLE, table);
                m = new TableMeters(
                        track(Counter.builder(TABLE_GETS).tags(tags).description("keys read by agents")
                                .register(registry)),
                        track(Counter.builder(TABLE_SETS).tags(tags).description("keys written by agents")
                                .register(registry)),
                        track(Counter.builder(TABLE_DELETES).tags(tags).description("keys deleted by agents")
                                .register(registry)));
                tables.put(table, m);
            }
            return m;
        } finally {
            lock.unlock();
        }
    }
}
