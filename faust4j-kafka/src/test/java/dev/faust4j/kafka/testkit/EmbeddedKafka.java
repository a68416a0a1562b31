package dev.faust4j.kafka.testkit;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.PreboundSocketFactoryManager;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.test.api.TestKitDefaults;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) running inside the test JVM, listening
 * on 127.0.0.1 only. It is Kafka's own {@code KafkaClusterTestKit}; nothing is mocked.
 *
 * <h2>One broker per test run</h2>
 * Starting a broker takes a second or two, so tests share one: {@link #shared()} starts it on first use and a
 * JVM shutdown hook stops it. Tests that share it must not step on each other: give every test its own topic
 * names and app ids (consumer groups), for example with a random suffix.
 * <pre>{@code
 * EmbeddedKafka kafka = EmbeddedKafka.shared();
 * App app = App.builder("orders-" + UUID.randomUUID()).broker(kafka.brokerUrl()).build();
 * }</pre>
 * With JUnit 5 the same broker can be injected by {@link EmbeddedKafkaExtension}:
 * {@code @ExtendWith(EmbeddedKafkaExtension.class)} and a parameter of type {@code EmbeddedKafka}.
 * {@link #start(int)} starts a private broker instead; its caller closes it.
 *
 * <h2>Broker settings</h2>
 * Tuned for fast, deterministic tests, not for durability: one partition and replication factor 1 for the
 * consumer-offsets and transaction-state topics, no initial rebalance delay, a 500 ms heartbeat for the
 * new consumer group protocol, the latest production metadata version and feature levels (no unstable APIs), and
 * {@code auto.create.topics.enable=false}, so every topic a test uses must be
 * created first (faust4j's {@code declareTopics} does that, which these tests prove).
 *
 * <p><b>Thread-safety:</b> thread-safe. {@link #shared()} may be called from any thread.
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
        BROKER_CONFIG = Map.copyOf(c);
    }

    private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
    private static EmbeddedKafka shared;
    private static RuntimeException sharedFailure;

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private final ReentrantLock lock = new ReentrantLock();
    private final boolean isShared;
    private boolean closed;

    private EmbeddedKafka(KafkaClusterTestKit cluster, boolean isShared) {
        this.cluster = cluster;
        this.isShared = isShared;
        // the kit names its listener "localhost"; we bound it to 127.0.0.1 only
        this.bootstrapServers = cluster.bootstrapServers().replace("localhost:", "127.0.0.1:");
    }

    /**
     * The broker shared by the whole test run, started on first call (on an ephemeral port) and stopped when the
     * JVM exits. Do not close it; {@link #close()} on it does nothing.
     *
     * @throws IllegalStateException when the broker could not start (every later call throws the same)
     */
    public static EmbeddedKafka shared() {
        SHARED_LOCK.lock();
        try {
            if (shared != null) {
                return shared;
            }
            if (sharedFailure != null) {
                throw sharedFailure;
            }
            try {
                EmbeddedKafka kafka = new EmbeddedKafka(boot(0), true);
                Runtime.getRuntime().addShutdownHook(new Thread(kafka::shutdown, "embedded-kafka-shutdown"));
                shared = kafka;
                return kafka;
            } catch (RuntimeException e) {
                sharedFailure = e;
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
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
        }
        return new EmbeddedKafka(boot(port), false);
    }

    /** The bootstrap servers, {@code 127.0.0.1:port}, for Kafka clients. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** The faust4j broker URL, {@code kafka://127.0.0.1:port}. */
    public String brokerUrl() {
        return "kafka://" + bootstrapServers.replace(',', ';');
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

    private static KafkaClusterTestKit boot(int port) {
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
            builder.setConfigProp("listeners", broker + "://127.0.0.1:" + port + "," + controller + "://127.0.0.1:0");
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
            throw new IllegalStateException("the embedded kafka broker did not start" + (port == 0 ? "" : " on 127.0.0.1:" + port)
                    + ": " + e, e);
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
            throw new IllegalStateException("unexpected KafkaClusterTestKit.Builder.socketFactoryManager type " + field.getType());
        }
        field.setAccessible(true);
        ((PreboundSocketFactoryManager) field.get(builder)).close(); // holds no sockets yet
        field.set(builder, new LoopbackSocketFactoryManager(fixedPorts));
    }
}
