package dev.faust4j.test;

import dev.faust4j.Agent;
import dev.faust4j.App;
import dev.faust4j.AppState;
import dev.faust4j.Header;
import dev.faust4j.Partition;
import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Table;
import dev.faust4j.Topic;
import dev.faust4j.codec.Codec;
import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Runs an app in a test and drives it: sends records, runs it until it is idle, reads what its agents wrote, moves
 * its clock, reads its committed offsets and tables, and asks an agent for its answer to one value. The app runs for
 * real (its Conductor, acks, commits, forwarders and tables) on the embedded {@code memory://} transport, with
 * several partitions, so routing by key, {@code groupBy} and tables behave as on Kafka; only time is the test's.
 *
 * <pre>{@code
 * App app = TestApp.builder("orders").build();                       // fresh broker, 4 partitions, test clock
 * Topic<String, Order> orders = app.topic("orders", Order.class);
 * Topic<String, Order> big = app.topic("big-orders", Order.class);
 * app.agent(orders, stream -> {
 *     for (KeyValue<String, Order> kv : stream.items()) {
 *         if (kv.value().amount() > 100) big.send(kv.key(), kv.value());
 *     }
 * }).name("big");
 *
 * try (TestDriver driver = TestDriver.start(app)) {
 *     driver.send(orders, "alice", new Order("alice", 500));
 *     driver.send(orders, "bob", new Order("bob", 5));
 *     driver.runUntilIdle();
 *     assertThat(driver.readValues(big)).containsExactly(new Order("alice", 500));
 * }
 * }</pre>
 *
 * <h2>Idle</h2>
 * {@link #runUntilIdle()} returns once the app is <em>idle</em>: it is {@link AppState#RUNNING}; for every partition
 * the worker holds, it fetched every record up to the partition's end on the broker; every record it fetched is
 * <em>done</em> (every stream it was delivered to acked it, filtered it out, or skipped it by an error policy: the
 * {@link dev.faust4j.Sensor#onMessageOut} hook); no agent holds an event it was handed; no send is in flight; and
 * no agent instance that crashed is still handling it (it waits for its restart backoff on the test clock, so that a
 * following {@link #advance} restarts it).
 * Events that an agent holds while it waits on the test clock (a {@code take(max, within)} batch not full yet) wait
 * for the test, not for the app: they do not count, as long as they are all the records not done.
 * Records sent by an agent to a topic the app reads are then fetched and processed too, so a whole
 * {@code groupBy}/{@code through} pipeline runs. The state is observed through a {@link dev.faust4j.Sensor} and the
 * broker's end offsets, and must hold on two checks in a row with nothing happening in between (a stream that
 * subscribes a new topic while running is seen by then). Idle does not see tasks and timers (only what they send)
 * nor values in {@link dev.faust4j.Channel}s: use {@link #advance} for timers, and agents on topics for what a test
 * must wait for.
 *
 * <p>An app that does not go idle within the {@linkplain #timeout() timeout} (real time, 10 s by default) fails the
 * test with an {@link AssertionError} naming what is still pending: records not fetched, records not done (and which
 * agent holds events), agents that failed or wait for their restart backoff on the test clock, sends in flight. An
 * app that failed or stopped fails it at once.
 *
 * <h2>Time</h2>
 * The app's clock is a {@link TestClock}: commit intervals, {@code take(max, within)}, timers and restart backoffs
 * move only when the test calls {@link #advance}. Records are processed as soon as they are sent, whatever the time.
 *
 * <h2>Several partitions</h2>
 * {@link TestApp} gives every topic 4 partitions; {@link #send} routes by key with Kafka's partitioner (or to the
 * partition given), {@link #read} returns every partition's records, each with its partition and offset.
 *
 * <p><b>Thread-safety:</b> drive it from the test's thread. The app it runs is thread-safe as usual.
 */
public final class TestDriver implements AutoCloseable {
    private static final Duration CHECK = Duration.ofMillis(5);
    private static final Duration READ_POLL = Duration.ofMillis(10);

    private final App app;
    private final Probe probe = new Probe();
    private final Transport transport;
    private final boolean readCommitted;
    private volatile Duration timeout = Duration.ofSeconds(10);
    /** The clock's time when the driver last saw a commit happen or started: the next one is due an interval later. */
    private long lastCommitDue;

    private TestDriver(App app) {
        this.app = app;
        String broker = app.settings().broker();
        if (!broker.startsWith("memory://")) {
            throw new IllegalArgumentException("the test driver runs apps on memory:// only, this one is on " + broker
                    + ": build it with TestApp.builder(id)");
        }
        this.readCommitted = app.settings().processingGuarantee() == ProcessingGuarantee.EXACTLY_ONCE;
        TransportFactory factory = ServiceLoader.load(TransportFactory.class, TestDriver.class.getClassLoader())
                .stream().map(ServiceLoader.Provider::get).filter(f -> f.scheme().equals("memory")).findFirst()
                .orElseThrow(() -> new IllegalStateException("no memory:// transport found (faust4j-core's)"));
        this.transport = factory.create(new TransportContext(app.settings().id() + "-test-driver", app.settings()));
    }

    /**
     * Adds the driver's sensor to {@code app}, starts it and waits until it runs ({@link AppState#RUNNING}).
     *
     * @throws IllegalArgumentException when the app is not on {@code memory://}
     * @throws IllegalStateException    when the app was started already
     * @throws AssertionError           when it does not reach {@code RUNNING} within the timeout
     */
    public static TestDriver start(App app) {
        TestDriver driver = new TestDriver(app);
        app.sensor(driver.probe);
        app.start();
        driver.lastCommitDue = app.settings().ticker().nanoTime();
        try {
            driver.await(() -> app.state() == AppState.RUNNING, () -> "the app is " + app.state() + ", not RUNNING");
        } catch (AssertionError e) {
            driver.close();
            throw e;
        }
        return driver;
    }

    /** The app driven. */
    public App app() {
        return app;
    }

    /** The app's state. */
    public AppState state() {
        return app.state();
    }

    /** How long (real time) {@link #runUntilIdle}, {@link #advance} and {@link #ask} wait before failing. */
    public Duration timeout() {
        return timeout;
    }

    /** Sets the real-time timeout of {@link #runUntilIdle}, {@link #advance} and {@link #ask}. Returns this driver. */
    public TestDriver timeout(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        return this;
    }

    /**
     * The app's clock.
     *
     * @throws IllegalStateException when the app was not built with a {@link TestClock} ({@link TestApp} does)
     */
    public TestClock clock() {
        if (app.settings().ticker() instanceof TestClock clock) {
            return clock;
        }
        throw new IllegalStateException("the app's ticker is not a TestClock: build it with TestApp.builder(id)");
    }

    // ---- sending ----

    /** Sends a record to {@code topic}, its partition chosen by the key (Kafka's murmur2); returns where it landed. */
    public <K, V> RecordMetadata send(Topic<K, V> topic, @Nullable K key, V value) {
        return join(topic.send(key, value));
    }

    /** Sends a record to this partition of {@code topic}. */
    public <K, V> RecordMetadata send(Topic<K, V> topic, @Nullable K key, V value, int partition) {
        return join(topic.send(key, value, List.of(), partition));
    }

    /** Sends a record with headers to {@code topic}, to {@code partition} or (null) by key. */
    public <K, V> RecordMetadata send(Topic<K, V> topic, @Nullable K key, V value, List<Header> headers,
                                      @Nullable Integer partition) {
        return join(topic.send(key, value, headers, partition));
    }

    /** Sends a record to the topic {@code agent} reads. */
    public <K, V> RecordMetadata send(Agent<K, V> agent, @Nullable K key, V value) {
        return join(agent.send(key, value));
    }

    private static RecordMetadata join(java.util.concurrent.CompletableFuture<RecordMetadata> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : e;
        }
    }

    // ---- running ----

    /**
     * Runs the app until it is idle (see the class comment): every record sent so far to a topic it reads was
     * fetched and is done, and so is every record its agents sent to such topics meanwhile.
     *
     * @throws AssertionError when the app failed or stopped, or is not idle within the timeout (naming what is
     *                        pending)
     */
    public void runUntilIdle() {
        long deadline = System.nanoTime() + timeout.toNanos();
        String pending = null;
        long quiet = -1;
        while (true) {
            failIfDown();
            long seen = probe.changes();
            pending = pending();
            if (pending == null) {
                if (quiet == seen) {
                    return; // idle twice in a row, nothing happened in between
                }
                quiet = seen;
            } else {
                quiet = -1;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("the app did not go idle within " + timeout + ": " + pending
                        + describeAgents());
            }
            pause(seen);
        }
    }

    /** What keeps the app from being idle, or null when it is idle now. */
    private @Nullable String pending() {
        AppState state = app.state();
        if (state != AppState.RUNNING) {
            return "the app is " + state;
        }
        List<String> out = new ArrayList<>();
        List<Partition> held = new ArrayList<>(probe.held());
        held.sort(null);
        List<TopicPartition> tps = held.stream().map(p -> new TopicPartition(p.topic(), p.number())).toList();
        Map<TopicPartition, Long> ends = tps.isEmpty() ? Map.of() : transport.endOffsets(tps, readCommitted);
        // Events a reader holds while it waits on the test clock (a take(max, within) batch) wait for the test.
        TestClock clock = app.settings().ticker() instanceof TestClock c ? c : null;
        long onClock = 0;
        List<String> busy = new ArrayList<>();
        for (Map.Entry<String, Long> e : probe.inHand().entrySet()) {
            if (clock != null && probe.threads(e.getKey()).stream().anyMatch(clock::waitsForLater)) {
                onClock += e.getValue();
            } else {
                busy.add("agent " + e.getKey() + " holds " + e.getValue() + " event(s)");
            }
        }
        long notDoneTotal = 0;
        List<String> notDone = new ArrayList<>();
        for (Partition p : held) {
            Long end = ends.get(new TopicPartition(p.topic(), p.number()));
            long fetched = probe.fetchedEnd(p);
            if (end != null && fetched < end) {
                out.add(p + ": " + (end - fetched) + " record(s) not fetched yet (offsets " + fetched + ".." + (end - 1)
                        + ")");
            }
            List<Long> offsets = probe.notDone(p);
            if (!offsets.isEmpty()) {
                notDoneTotal += offsets.size();
                notDone.add(p + ": " + offsets.size() + " record(s) fetched and not done yet (oldest offset "
                        + offsets.getFirst() + ")");
            }
        }
        if (notDoneTotal > onClock || !busy.isEmpty()) {
            out.addAll(notDone);
        }
        out.addAll(busy);
        out.addAll(recoveringPending());
        return out.isEmpty() ? null : String.join("; ", out);
    }

    /**
     * Agent instances that crashed and are still handling it: not yet waiting for their restart backoff on the test
     * clock (an advance before that would be lost on them: the backoff starts when they begin to wait).
     */
    private List<String> recoveringPending() {
        if (!(app.settings().ticker() instanceof TestClock clock)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        probe.recovering().forEach((thread, agent) -> {
            if (thread.isAlive() && !clock.waitsForLater(thread)) {
                out.add("agent " + agent + " crashed and is not waiting for its restart backoff yet");
            }
        });
        return out;
    }

    private String describeAgents() {
        StringBuilder sb = new StringBuilder();
        probe.agents().forEach((agent, state) -> {
            switch (state) {
                case FAILED -> sb.append("; agent ").append(agent).append(" FAILED (its records stay undone)");
                case RESTARTING -> sb.append("; agent ").append(agent).append(" is RESTARTING: it waits for its "
                        + "restart backoff on the test clock (driver.advance(app.settings().agentRestartBackoff()))");
                default -> {
                }
            }
        });
        List<Probe.Crash> crashes = probe.crashesSince(0);
        if (!crashes.isEmpty()) {
            Probe.Crash last = crashes.getLast();
            sb.append("; last crash: agent ").append(last.agent()).append(" threw ").append(last.error());
        }
        return sb.toString();
    }

    private void failIfDown() {
        AppState state = app.state();
        if (state == AppState.FAILED || state == AppState.STOPPED || state == AppState.STOPPING) {
            throw new AssertionError("the app is " + state + describeAgents());
        }
    }

    private void pause(long seen) {
        try {
            probe.awaitChange(seen, CHECK);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the app", e);
        }
    }

    private void await(BooleanSupplier done, Supplier<String> pending) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("gave up after " + timeout + ": " + pending.get() + describeAgents());
            }
            pause(probe.changes());
        }
    }

    /**
     * Moves the app's clock forward by {@code duration}, then waits until what the move released has run, and
     * returns once the app is idle again:
     * <ol>
     *   <li>when a commit interval ({@code commitInterval}) has passed on the clock since the last commit the driver
     *       saw due, until the worker committed at least what was done when the clock moved;</li>
     *   <li>every thread that waited on the clock for a time now reached (a timer, a {@code take(max, within)} that
     *       flushes its batch, an agent's restart backoff) waits on it again, ended, or blocks on something else
     *       (its body ran);</li>
     *   <li>{@link #runUntilIdle()}, so what they sent is processed.</li>
     * </ol>
     * To move the clock without waiting, use {@code clock().advance(duration)}.
     *
     * @throws AssertionError when any of these does not happen within the timeout
     */
    public void advance(Duration duration) {
        TestClock clock = clock();
        Map<Partition, Long> expected = new TreeMap<>();
        for (Partition p : probe.held()) {
            long c = probe.committable(p);
            if (c > 0) {
                expected.put(p, c);
            }
        }
        List<Thread> released = clock.advance(duration);
        long now = clock.nanoTime();
        if (now - lastCommitDue >= app.settings().commitInterval().toNanos()) {
            lastCommitDue = now;
            await(() -> expected.entrySet().stream().allMatch(e -> {
                Long c = probe.committed(e.getKey());
                return c != null && c >= e.getValue();
            }), () -> "the commit due at " + clock.elapsed() + " did not happen: committed "
                    + committedOf(expected.keySet()) + ", expected at least " + expected);
        }
        await(() -> released.stream().allMatch(clock::settled), () -> "threads released by the clock still run: "
                + released.stream().filter(t -> !clock.settled(t)).map(Thread::getName).toList());
        runUntilIdle();
    }

    private Map<Partition, @Nullable Long> committedOf(Iterable<Partition> partitions) {
        Map<Partition, @Nullable Long> out = new TreeMap<>();
        for (Partition p : partitions) {
            out.put(p, probe.committed(p));
        }
        return out;
    }

    // ---- reading ----

    /**
     * Every record of {@code topic} (of each of its names), partition by partition in offset order, decoded with the
     * topic's codecs: what agents wrote there, or what the test sent. Reads the broker, outside the consumer group;
     * call {@link #runUntilIdle()} first to see what the app will have written.
     */
    public <K, V> List<TestRecord<K, V>> read(Topic<K, V> topic) {
        List<TestRecord<K, V>> out = new ArrayList<>();
        for (String name : topic.names()) {
            for (ConsumedRecord r : readRaw(name, null)) {
                out.add(decode(r, topic.keyCodec(), topic.valueCodec()));
            }
        }
        return out;
    }

    /** The values of {@link #read(Topic)}, in the same order. */
    public <K, V> List<@Nullable V> readValues(Topic<K, V> topic) {
        List<@Nullable V> out = new ArrayList<>();
        for (TestRecord<K, V> r : read(topic)) {
            out.add(r.value());
        }
        return out;
    }

    /** The records of {@code topic} in one partition, in offset order. */
    public <K, V> List<TestRecord<K, V>> read(Topic<K, V> topic, int partition) {
        List<TestRecord<K, V>> out = new ArrayList<>();
        for (TestRecord<K, V> r : read(topic)) {
            if (r.partition() == partition) {
                out.add(r);
            }
        }
        return out;
    }

    private static <K, V> TestRecord<K, V> decode(ConsumedRecord r, Codec<K> keys, Codec<V> values) {
        byte[] k = r.key();
        byte[] v = r.value();
        return new TestRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(), k == null ? null : keys.decode(k),
                v == null ? null : values.decode(v), r.headers());
    }

    /** The records of a topic (or of one record's offset only, when {@code only} is given). */
    private List<ConsumedRecord> readRaw(String topic, Probe.@Nullable Sent only) {
        OptionalInt count = transport.partitionCount(topic);
        if (count.isEmpty()) {
            return List.of();
        }
        List<TopicPartition> tps = new ArrayList<>();
        for (int i = 0; i < count.getAsInt(); i++) {
            if (only == null || only.partition() == i) {
                tps.add(new TopicPartition(topic, i));
            }
        }
        List<ConsumedRecord> out = new ArrayList<>();
        try (ChangelogReader reader = transport.changelogReader(readCommitted)) {
            reader.assign(tps);
            Map<TopicPartition, Long> ends = reader.endOffsets(tps);
            long deadline = System.nanoTime() + timeout.toNanos();
            for (TopicPartition tp : tps) {
                long end = ends.getOrDefault(tp, 0L);
                if (only != null) {
                    end = Math.min(end, only.offset() + 1);
                    reader.seek(tp, only.offset());
                }
                reader.assign(List.of(tp));
                if (only != null) {
                    reader.seek(tp, only.offset());
                }
                while (reader.position(tp) < end) {
                    for (PartitionRecords batch : reader.poll(READ_POLL)) {
                        for (ConsumedRecord r : batch.records()) {
                            if (r.offset() < end) {
                                out.add(r);
                            }
                        }
                    }
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError("could not read " + tp + " up to offset " + end);
                    }
                }
            }
        }
        return out;
    }

    // ---- offsets and tables ----

    /**
     * The offset the worker last committed for this partition (the next offset to read, Kafka's convention), as the
     * driver saw it committed, or empty when it committed none. Commits happen every {@code commitInterval} of the
     * test clock: {@link #advance} by it to see one.
     */
    public OptionalLong committed(Topic<?, ?> topic, int partition) {
        return committed(topic.name(), partition);
    }

    /** {@link #committed(Topic, int)} by topic name (a repartition or changelog topic, say). */
    public OptionalLong committed(String topic, int partition) {
        Long c = probe.committed(new Partition(topic, partition));
        return c == null ? OptionalLong.empty() : OptionalLong.of(c);
    }

    /** The partitions the worker holds now. */
    public List<Partition> assignment() {
        List<Partition> held = new ArrayList<>(probe.held());
        held.sort(null);
        return held;
    }

    /**
     * The current content of a table: every key and value this worker holds ({@link Table#local()}), which in a test
     * is the whole table. Call {@link #runUntilIdle()} first.
     */
    public <K, V> Map<K, V> table(Table<K, V> table) {
        return table.local();
    }

    // ---- asking an agent ----

    /**
     * Gives {@code value} (with {@code key}) to {@code agent}, by sending it to the topic the agent reads, runs the
     * app until that record is done and the app is idle, and returns the agent's {@link Answer}: every record the app
     * sent meanwhile, or the exception the agent threw for it. Faust's {@code agent.test_context()}, on the real
     * pipeline. The exception is reported as well as handled by the agent's error policy (skip by default: the
     * agent restarts after its backoff, on the test clock, so {@link #advance} by {@code agentRestartBackoff} before
     * asking it again; under a retry policy the record itself waits for that restart). Asks one value at a time:
     * records the app sends for other values at the same time would be counted in too.
     *
     * @throws IllegalArgumentException when the agent reads a channel (no offsets to follow)
     * @throws AssertionError           when the record is not done within the timeout
     */
    public <K, V> Answer ask(Agent<K, V> agent, @Nullable K key, V value) {
        if (!(agent.source() instanceof Topic<K, V> topic)) {
            throw new IllegalArgumentException("ask needs an agent that reads a topic; " + agent.name() + " reads "
                    + agent.source().label());
        }
        runUntilIdle();
        int sentBefore = probe.sentCount();
        int crashesBefore = probe.crashCount();
        RecordMetadata in = send(topic, key, value);
        Partition p = new Partition(in.topic(), in.partition());
        BooleanSupplier crashed = () -> probe.crashesSince(crashesBefore).stream()
                .anyMatch(c -> c.agent().equals(agent.name()));
        await(() -> crashed.getAsBoolean()
                || (probe.fetchedEnd(p) > in.offset() && !probe.notDone(p).contains(in.offset())),
                () -> "the record " + p + "@" + in.offset() + " given to agent " + agent.name() + " is not done: "
                        + pending());
        Throwable error = null;
        for (Probe.Crash c : probe.crashesSince(crashesBefore)) {
            if (c.agent().equals(agent.name())) {
                error = c.error();
                break;
            }
        }
        // After a crash the record may wait for a retry on the test clock: the answer is what was sent until then.
        if (error == null) {
            runUntilIdle(); // what the app does with what the agent sent
        } else {
            await(() -> recoveringPending().isEmpty(), () -> String.join("; ", recoveringPending()));
        }
        List<Probe.Sent> sent = new ArrayList<>(probe.sentSince(sentBefore));
        sent.removeIf(s -> s.topic().equals(in.topic()) && s.partition() == in.partition()
                && s.offset() == in.offset());
        return new Answer(agent.name(), sent, error, this::readSent);
    }

    /** The record the app sent at {@code s}, decoded with {@code topic}'s codecs. */
    <K, V> TestRecord<K, V> readSent(Probe.Sent s, Topic<K, V> topic) {
        List<ConsumedRecord> raw = readRaw(s.topic(), s);
        if (raw.isEmpty()) {
            throw new AssertionError("the record " + s + " is not on the broker");
        }
        return decode(raw.getFirst(), topic.keyCodec(), topic.valueCodec());
    }

    /** Stops the app gracefully (its in-hand events finish, what is acked is committed). */
    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            transport.close();
        }
    }
}
