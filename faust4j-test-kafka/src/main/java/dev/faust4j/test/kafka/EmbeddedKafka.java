package dev.faust4j.test.kafka;

import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.test.api.TestKitDefaults;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.jspecify.annotations.Nullable;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside the test JVM, listening
 * on 127.0.0.1 only, for integration tests of faust4j apps. It is Kafka's own {@code KafkaClusterTestKit}; nothing
 * is mocked. This module does not depend on faust4j itself: it hands out the broker's address as
 * {@link #bootstrapServers()} (for plain Kafka clients) and {@link #brokerUrl()} (for an app); add
 * {@code faust4j-kafka} to the test class path for the {@code kafka://} transport.
 *
 * <h2>A test in a dozen lines</h2>
 * {@link EmbeddedKafkaExtension} injects the run-wide broker into any test parameter of this type:
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class WithdrawalsOnKafkaTest {
 *     record Withdrawal(String account, long amount) {}
 *
 *     @Test
 *     void processesWithdrawals(EmbeddedKafka kafka) throws Exception {
 *         String id = "withdrawals-" + UUID.randomUUID();               // the broker is shared: names of its own
 *         App app = App.builder(id).broker(kafka.brokerUrl()).build(); // kafka://127.0.0.1:port
 *         Topic<String, Withdrawal> withdrawals = app.topic(id, Withdrawal.class);
 *         List<Withdrawal> seen = new CopyOnWriteArrayList<>();
 *         app.agent(withdrawals, stream -> stream.forEach(seen::add)).name("process");
 *         try (app) {
 *             app.start();                                              // creates the topic, joins the group
 *             withdrawals.send("alice", new Withdrawal("alice", 10)).get();
 *             await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1); // Awaitility
 *         }
 *     }
 * }
 * }</pre>
 *
 * <h2>One broker per test run</h2>
 * Starting a broker takes a second or two, so tests share one: {@link #shared()} (what the extension injects)
 * starts it on first use and a JVM shutdown hook stops it. Tests that share it must not step on each other: give
 * every test its own topic names and app ids (consumer groups), for example with a random suffix, as above.
 * {@link #start(int)} starts a private broker instead; its caller closes it:
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) { // 0: an ephemeral port
 *     App app = App.builder("orders").broker(kafka.brokerUrl()).build();
 *     ...
 * }
 * }</pre>
 *
 * <h2>Broker outages (for resilience tests)</h2>
 * A private broker can be taken away and brought back, with its data, on the same port, while clients keep
 * running: {@link #stopBroker()} and {@link #restartBroker()}, or {@link #outage()} in a try-with-resources block.
 * These helpers exist to test how an app rides out a broker outage; ordinary tests never need them.
 * Only the broker role of the node stops (Kafka's own tests bounce brokers the same way,
 * {@code ClusterInstance.shutdownBroker/startBroker}); its KRaft controller keeps running, but clients never
 * see the controller listener, so for them the cluster is gone: connections are refused, and sends fail with the
 * retriable {@code org.apache.kafka.common.errors.TimeoutException}, either when their batch expires after the
 * producer's {@code delivery.timeout.ms} or, once the producer has fallen back to its bootstrap servers
 * ({@code metadata.recovery.strategy=rebootstrap}, the default) and forgotten the topic, after {@code send()}
 * itself has blocked for {@code max.block.ms}. Topics, records and committed offsets stay on disk and are served
 * again after the restart, on the same port, so clients reconnect by themselves. The shared broker cannot be
 * stopped. A stop takes about half a second, a restart about half a second once the stopped broker's controller
 * session has expired (see {@link #PRIVATE_BROKER_CONFIG}). Clients notice an outage within seconds only with
 * short timeouts (for example {@code delivery.timeout.ms=3000}, {@code request.timeout.ms=1000},
 * {@code max.block.ms=2000}); this module's {@code BrokerOutageTest} shows a complete set.
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
 *     ...
 *     try (EmbeddedKafka.Outage outage = kafka.outage()) {
 *         // the broker is down here
 *     } // back on the same port, every partition led and served
 * }
 * }</pre>
 *
 * <h2>SASL</h2>
 * {@link #startWithSaslPlain(Map)} starts a private broker with a second client listener, {@code SASL_PLAINTEXT}
 * with the {@code PLAIN} mechanism and the given users, also on 127.0.0.1 only; {@link #saslBootstrapServers()} is
 * its address.
 *
 * <h2>Broker settings</h2>
 * Tuned for fast, deterministic tests, not for durability ({@link #BROKER_CONFIG}): one partition and replication
 * factor 1 for the consumer-offsets and transaction-state topics, no initial rebalance delay, a 500 ms heartbeat
 * for the new consumer group protocol, the latest production metadata version and feature levels (no unstable
 * APIs), {@code auto.create.topics.enable=false}, so every topic a test uses must be created first (a faust4j
 * app creates the topics it declares when it starts), and a log cleaner that looks for work every 100 ms instead of
 * 15 s: records of a {@code compact,delete} topic (a windowed table's changelog) whose timestamps are older than
 * the topic's retention are deleted within a moment, as a production broker deletes them within seconds, so a test
 * that writes old timestamps sees the deletion instead of passing by luck. Private brokers also get {@link #PRIVATE_BROKER_CONFIG}, a
 * faster controller heartbeat, so that they restart quickly. Every listener binds 127.0.0.1, never another
 * interface.
 *
 * <p><b>Thread-safety:</b> thread-safe. {@link #shared()} may be called from any thread, and one broker may be used,
 * stopped, restarted and closed from several; stopping, restarting and closing are serialized.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** Broker settings applied to every embedded broker (see the class documentation). */
    public static final Map<String, String> BROKER_CONFIG;

    static {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("offsets.topic.replication.factor", "1");
        c.put("offsets.topic.num.partitions", "1");
        c.put("transaction.state.log.replication.factor", "1");
        c.put("transaction.state.log.min.isr", "1");
        c.put("transaction.state.log.num.partitions", "1");
        c.put("group.initial.rebalance.delay.ms", "0");
        c.put("auto.create.topics.enable", "false");
        c.put("default.replication.factor", "1");
        c.put("min.insync.replicas", "1");
        c.put("group.consumer.min.heartbeat.interval.ms", "500");
        c.put("group.consumer.heartbeat.interval.ms", "500");
        c.put("unstable.api.versions.enable", "false");
        c.put("unstable.feature.versions.enable", "false");
        c.put("log.cleaner.backoff.ms", "100");
        BROKER_CONFIG = Map.copyOf(c);
    }

    /**
     * Added to {@link #BROKER_CONFIG} for private brokers ({@link #start(int)}), so that they come back quickly
     * from {@link #stopBroker()}: a restarted broker registers with the controller again, which refuses it
     * ({@code DUPLICATE_BROKER_REGISTRATION}) until the stopped incarnation's session has expired, that is
     * {@code broker.session.timeout.ms} (default 9 s) after its last heartbeat, and it retries every
     * {@code broker.heartbeat.interval.ms} (default 2 s). The shared broker keeps Kafka's defaults.
     */
    public static final Map<String, String> PRIVATE_BROKER_CONFIG = Map.of(
            "broker.heartbeat.interval.ms", "500",
            "broker.session.timeout.ms", "3000");

    private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
    private static @Nullable EmbeddedKafka shared; // guarded by SHARED_LOCK
    private static @Nullable String sharedFailure; // guarded by SHARED_LOCK: why it did not start

    /** How long {@link #restartBroker()} waits for the broker to serve every partition again. */
    private static final Duration RESTART_PATIENCE = Duration.ofSeconds(60);

    /** The name of the extra listener added by {@link #startWithSaslPlain(Map)}. */
    public static final String SASL_LISTENER = "SASL_PLAIN";

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final boolean saslListener;
    private final ReentrantLock lock = new ReentrantLock();
    private final boolean isShared;
    private volatile boolean closed; // written under lock
    private volatile boolean brokerStopped; // written under lock

    private EmbeddedKafka(KafkaClusterTestKit cluster, boolean isShared, boolean saslListener) {
        this.cluster = cluster;
        this.isShared = isShared;
        // the kit names its listener "localhost"; we bound it to 127.0.0.1 only
        this.bootstrapServers = cluster.bootstrapServers().replace("localhost:", "127.0.0.1:");
        this.saslListener = saslListener;
    }

    /**
     * The broker shared by the whole test run, started on first call (on an ephemeral port) and stopped when the
     * JVM exits. Do not close it; {@link #close()} on it does nothing.
     *
     * @throws IllegalStateException when the broker could not start (every later call throws too, without trying
     *                               again, with the first failure's message)
     */
    public static EmbeddedKafka shared() {
        SHARED_LOCK.lock();
        try {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw new IllegalStateException(
                        "the shared broker failed to start earlier in this run: " + sharedFailure);
            }
            try {
                EmbeddedKafka kafka = new EmbeddedKafka(boot(0, Map.of(), false), true, false);
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::shutdown, "embedded-kafka-shutdown"));
                shared = kafka;
                return kafka;
            } catch (RuntimeException e) {
                sharedFailure = String.valueOf(e.getMessage());
                throw e;
            }
        } finally {
            SHARED_LOCK.unlock();
        }
    }

    /**
     * Starts a private broker on 127.0.0.1 at this port (0 for an ephemeral one). The caller closes it.
     *
     * @throws IllegalStateException when it cannot start, for example because the port is taken
     */
    public static EmbeddedKafka start(int port) {
        return start(port, Map.of());
    }

    /**
     * Starts a private broker like {@link #start(int)}, with these broker settings on top of {@link #BROKER_CONFIG}
     * and {@link #PRIVATE_BROKER_CONFIG}, for example {@code Map.of("auto.create.topics.enable", "true")} or
     * {@code Map.of("num.partitions", "8")}. The listeners are the kit's own, always on 127.0.0.1: a setting whose
     * name mentions listeners is refused. The caller closes it.
     *
     * @throws IllegalArgumentException for a listener setting
     * @throws IllegalStateException    when it cannot start, for example because the port is taken or a setting is
     *                                  invalid
     */
    public static EmbeddedKafka start(int port, Map<String, String> brokerConfig) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        for (String key : brokerConfig.keySet()) {
            if (key.contains("listener")) {
                throw new IllegalArgumentException(
                        "the listeners are EmbeddedKafka's own, on 127.0.0.1 only; cannot set " + key);
            }
        }
        Map<String, String> config = new LinkedHashMap<>(PRIVATE_BROKER_CONFIG);
        config.putAll(brokerConfig);
        return new EmbeddedKafka(boot(port, config, false), false, false);
    }

    /**
     * Starts a private broker (like {@link #start(int) start(0)}) with a second client listener,
     * {@value #SASL_LISTENER},
     * on 127.0.0.1 and an ephemeral port: {@code SASL_PLAINTEXT} with the {@code PLAIN} mechanism, accepting exactly
     * these users (name to password). The JAAS configuration is the listener's own broker property
     * ({@code listener.name.sasl_plain.plain.sasl.jaas.config}); no JVM-wide {@code java.security.auth.login.config}
     * is set, so other clients in the JVM are unaffected. {@link #bootstrapServers()} stays the plaintext listener
     * (for test set-up and checks); {@link #saslBootstrapServers()} is the SASL one. No authorizer: an
     * authenticated user may do anything. The SASL listener gets a new ephemeral port after {@link #restartBroker()}.
     * The caller closes it.
     *
     * @throws IllegalStateException when it cannot start
     */
    public static EmbeddedKafka startWithSaslPlain(Map<String, String> users) {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("at least one SASL/PLAIN user is needed");
        }
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        users.forEach((user, password) -> {
            if (!user.matches("[A-Za-z0-9_-]+") || password.contains("\"") || password.contains("\\")) {
                throw new IllegalArgumentException("use plain user names and passwords without quotes or backslashes");
            }
            jaas.append(" user_").append(user).append("=\"").append(password).append('"');
        });
        jaas.append(';');
        Map<String, String> config = new LinkedHashMap<>(PRIVATE_BROKER_CONFIG);
        String prefix = "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".";
        config.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
        config.put(prefix + "plain.sasl.jaas.config", jaas.toString());
        return new EmbeddedKafka(boot(0, config, true), false, true);
    }

    /**
     * The bootstrap servers of the SASL/PLAIN listener, {@code 127.0.0.1:port}, as the broker is bound now (the
     * port changes when the broker is restarted).
     *
     * @throws IllegalStateException when the broker was not started by {@link #startWithSaslPlain(Map)}
     */
    public String saslBootstrapServers() {
        if (!saslListener) {
            throw new IllegalStateException(this + " has no SASL listener; start it with startWithSaslPlain");
        }
        return "127.0.0.1:" + broker().boundPort(ListenerName.normalised(SASL_LISTENER));
    }

    /** The bootstrap servers, {@code 127.0.0.1:port}, for Kafka clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The faust4j broker URL, {@code kafka://127.0.0.1:port}. */
    public String brokerUrl() {
        return "kafka://" + bootstrapServers.replace(',', ';');
    }

    /**
     * Takes the broker away, as a crash would for clients, keeping its data: its client listener closes (open
     * connections drop, new ones are refused) after a controlled shutdown that flushes and checkpoints its logs.
     * Returns once it is down. Clients keep running and retry; bring it back with {@link #restartBroker()}.
     * Does nothing when it is already stopped.
     *
     * @throws IllegalStateException on the {@link #shared()} broker, or once closed
     */
    public void stopBroker() {
        lock.lock();
        try {
            requireOwnAndOpen("stop");
            if (brokerStopped) {
                return;
            }
            brokerStopped = true;
            broker().shutdown(); // controlled shutdown, then closes the listener, flushes and checkpoints the logs
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts the broker stopped by {@link #stopBroker()} again, on the same port and log directories, with its
     * topics, records and committed offsets. Returns once it is registered and unfenced and every partition
     * (the internal ones too) has a leader that answers ListOffsets, so clients that retry get through at once.
     * The group coordinator may still be loading its state then; consumers and admin clients retry
     * {@code COORDINATOR_LOAD_IN_PROGRESS} by themselves. Does nothing when the broker is running.
     *
     * @throws IllegalStateException on the {@link #shared()} broker, once closed, when the port was taken by
     *                               someone else meanwhile, or when it is not ready within a minute
     */
    public void restartBroker() {
        lock.lock();
        try {
            requireOwnAndOpen("restart");
            if (!brokerStopped) {
                return;
            }
            broker().startup(); // blocks until registered, caught up and unfenced
            brokerStopped = false;
            cluster.waitForReadyBrokers();
            awaitEveryPartitionServed();
            // the kit hands server faults to handlers that only record them
            cluster.fatalFaultHandler().maybeRethrowFirstException();
            cluster.nonFatalFaultHandler().maybeRethrowFirstException();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarting the broker at " + bootstrapServers, e);
        } catch (ExecutionException | RuntimeException e) {
            throw new IllegalStateException("restarting the broker at " + bootstrapServers + " failed: " + e, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@link #stopBroker() Stops} the broker and returns the outage; closing it {@link #restartBroker() restarts}
     * the broker.
     *
     * @throws IllegalStateException on the {@link #shared()} broker, once closed, or when the broker is already
     *                               stopped
     */
    public Outage outage() {
        lock.lock();
        try {
            requireOwnAndOpen("stop");
            if (brokerStopped) {
                throw new IllegalStateException("the broker at " + bootstrapServers + " is already stopped");
            }
            stopBroker();
            return new Outage();
        } finally {
            lock.unlock();
        }
    }

    /**
     * False from the start of {@link #stopBroker()} until {@link #restartBroker()} has started the broker again, and
     * once closed. Does not wait for a stop or restart in progress.
     */
    public boolean isBrokerRunning() {
        return !closed && !brokerStopped;
    }

    /**
     * A broker outage begun by {@link #outage()}; {@link #close()} ends it.
     *
     * <p><b>Thread-safety:</b> thread-safe.
     */
    public final class Outage implements AutoCloseable {
        private Outage() {
        }

        /** Restarts the broker, see {@link #restartBroker()}. Idempotent. */
        @Override
        public void close() {
            restartBroker();
        }
    }

    /** Stops the broker and deletes its data; does nothing on the {@link #shared()} broker. Idempotent. */
    @Override
    public void close() {
        if (!isShared) {
            shutdown();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka{" + bootstrapServers + (isShared ? ", shared" : "") + "}";
    }

    private void shutdown() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the embedded kafka broker at " + bootstrapServers + " failed", e);
        } finally {
            lock.unlock();
        }
    }

    private void requireOwnAndOpen(String action) {
        if (isShared) {
            throw new IllegalStateException(
                    "the shared broker cannot " + action + "; use a private one, EmbeddedKafka.start(0)");
        }
        if (closed) {
            throw new IllegalStateException("the broker at " + bootstrapServers + " is closed");
        }
    }

    private BrokerServer broker() {
        return cluster.brokers().values().iterator().next(); // one node
    }

    /**
     * Waits until every partition has a leader that answers ListOffsets: a broker publishes a partition's leader
     * in its metadata before its replica manager serves it.
     */
    private void awaitEveryPartitionServed() throws InterruptedException {
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrapServers,
                "request.timeout.ms", 5000, "default.api.timeout.ms", 5000,
                "reconnect.backoff.ms", 20, "reconnect.backoff.max.ms", 100);
        try (Admin admin = Admin.create(config)) {
            long deadline = System.nanoTime() + RESTART_PATIENCE.toNanos();
            Exception last = null;
            while (true) {
                try {
                    if (everyPartitionServed(admin)) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException | RuntimeException e) {
                    last = e; // not ready yet: leader unknown, not the coordinator yet, ...
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("every partition of " + this + " was not served within "
                            + RESTART_PATIENCE.toSeconds() + " s after the restart", last);
                }
                Thread.sleep(50);
            }
        }
    }

    private static boolean everyPartitionServed(Admin admin)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(5,
                TimeUnit.SECONDS);
        Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicDescription topic : topics.values()) {
            for (TopicPartitionInfo partition : topic.partitions()) {
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    return false;
                }
                latest.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest());
            }
        }
        return latest.isEmpty() || admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS).size() == latest.size();
    }

    private static KafkaClusterTestKit boot(int port, Map<String, String> extraConfig, boolean saslListener) {
        KafkaClusterTestKit cluster = null;
        try {
            // our own directory: the kit's default one is deleted by a shutdown hook racing with ours
            TestKitNodes nodes = new TestKitNodes.Builder(productionMetadata())
                    .setBaseDirectory(Files.createTempDirectory("faust4j-kafka-"))
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build();
            String broker = TestKitDefaults.DEFAULT_BROKER_LISTENER_NAME;
            String controller = TestKitDefaults.DEFAULT_CONTROLLER_LISTENER_NAME;
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
            BROKER_CONFIG.forEach(builder::setConfigProp);
            extraConfig.forEach(builder::setConfigProp);
            String listeners = broker + "://127.0.0.1:" + port + "," + controller + "://127.0.0.1:0";
            if (saslListener) {
                // the kit's own protocol map names only its two listeners
                builder.setConfigProp("listener.security.protocol.map",
                        broker + ":" + TestKitDefaults.DEFAULT_BROKER_SECURITY_PROTOCOL.name + "," + controller + ":"
                                + TestKitDefaults.DEFAULT_CONTROLLER_SECURITY_PROTOCOL.name + "," + SASL_LISTENER
                                + ":SASL_PLAINTEXT");
                listeners += "," + SASL_LISTENER + "://127.0.0.1:0";
            }
            builder.setConfigProp("listeners", listeners);
            installLoopbackSockets(builder, port == 0 ? Map.of() : Map.of(broker, port));
            cluster = builder.build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            return cluster;
        } catch (Exception e) {
            if (cluster != null) {
                try {
                    cluster.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException(
                    "the embedded kafka broker did not start" + (port == 0 ? "" : " on 127.0.0.1:" + port)
                            + ": " + e,
                    e);
        }
    }

    /**
     * The metadata a released broker would be formatted with. The kit defaults to the newest *testing* metadata
     * version and unstable feature levels, which are not what users run.
     */
    private static BootstrapMetadata productionMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = new TreeMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            features.put(feature.featureName(), feature.defaultLevel(version));
        }
        return BootstrapMetadata.fromVersions(version, features, "faust4j-embedded-kafka");
    }

    /** See {@link LoopbackSocketFactoryManager}: the kit would otherwise listen on every interface. */
    private static void installLoopbackSockets(KafkaClusterTestKit.Builder builder, Map<String, Integer> fixedPorts)
            throws Exception {
        Field field = KafkaClusterTestKit.Builder.class.getDeclaredField("socketFactoryManager");
        if (field.getType() != PreboundSocketFactoryManager.class) {
            throw new IllegalStateException(
                    "unexpected KafkaClusterTestKit.Builder.socketFactoryManager type " + field.getType());
        }
        field.setAccessible(true);
        ((PreboundSocketFactoryManager) field.get(builder)).close(); // holds no sockets yet
        field.set(builder, new LoopbackSocketFactoryManager(fixedPorts));
    }
}
