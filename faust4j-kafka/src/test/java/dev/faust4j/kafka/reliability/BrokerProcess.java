package dev.faust4j.kafka.reliability;

import dev.faust4j.test.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A real single-node KRaft Kafka broker (combined broker and controller) in its own JVM, as Kafka ships it:
 * {@code kafka.Kafka server.properties}, with its storage formatted by Kafka's {@code StorageTool} in a data
 * directory that outlives the process, so that the battery can kill it with SIGKILL, stop it with SIGTERM and
 * start it again on the same ports with its data (reliability.md §3, test d). Both listeners bind 127.0.0.1 only;
 * the broker settings are the test kit's ({@link EmbeddedKafka#BROKER_CONFIG} and
 * {@link EmbeddedKafka#PRIVATE_BROKER_CONFIG}). Its output goes to {@code target/reliability-workers/}.
 *
 * <p>{@link #shared()} is the broker of the battery's worker-process tests, started once per test JVM and killed
 * when it exits.
 *
 * <p>Thread-safety: thread-safe; start, stop and kill are serialised.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Path LOG_DIR = Path.of("target", "reliability-workers");
    private static final Duration START_PATIENCE = Duration.ofSeconds(120);
    private static final ReentrantLock SHARED_LOCK = new ReentrantLock();
    private static BrokerProcess shared;

    private final String name;
    private final Path dir;
    private final Path config;
    private final int port;
    private final ReentrantLock lock = new ReentrantLock();
    private Process process; // guarded by lock
    private int incarnation; // guarded by lock

    private BrokerProcess(String name, Path dir, int port, int controllerPort) throws IOException {
        this.name = name;
        this.dir = dir;
        this.port = port;
        this.config = dir.resolve("server.properties");
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", dir.resolve("data").toAbsolutePath().toString());
        props.putAll(EmbeddedKafka.BROKER_CONFIG);
        props.putAll(EmbeddedKafka.PRIVATE_BROKER_CONFIG);
        props.put("log.cleaner.dedupe.buffer.size", "2097152"); // as the test kit: the default is 128 MiB of heap
        StringBuilder text = new StringBuilder();
        props.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(config, text, StandardCharsets.UTF_8);
    }

    /** The battery's broker, started on first call; killed when the JVM exits. */
    static BrokerProcess shared() {
        SHARED_LOCK.lock();
        try {
            if (shared == null) {
                BrokerProcess b = start("battery-broker");
                Runtime.getRuntime().addShutdownHook(new Thread(b::close, "battery-broker-shutdown"));
                shared = b;
            }
            return shared;
        } finally {
            SHARED_LOCK.unlock();
        }
    }

    /** Formats a new data directory and starts a broker on two free loopback ports; the caller closes it. */
    static BrokerProcess start(String name) {
        try {
            Files.createDirectories(LOG_DIR);
            Path dir = Files.createTempDirectory("faust4j-broker-");
            BrokerProcess b = new BrokerProcess(name, dir, freePort(), freePort());
            b.format();
            b.startProcess();
            return b;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    String brokerUrl() {
        return "kafka://" + bootstrapServers();
    }

    /** SIGKILL: the broker dies at once, as in a power cut of its machine; its data stays. */
    void kill() throws InterruptedException {
        lock.lock();
        try {
            process.destroyForcibly();
            process.waitFor();
        } finally {
            lock.unlock();
        }
    }

    /** SIGTERM and wait: Kafka's controlled shutdown. */
    void stop() throws InterruptedException {
        lock.lock();
        try {
            process.destroy();
            if (!process.waitFor(START_PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Starts the stopped or killed broker again, on the same ports, with its data; returns once it serves. */
    void restart() {
        lock.lock();
        try {
            if (process.isAlive()) {
                throw new IllegalStateException("broker " + name + " is running");
            }
            startProcess();
        } finally {
            lock.unlock();
        }
    }

    boolean isRunning() {
        lock.lock();
        try {
            return process.isAlive();
        } finally {
            lock.unlock();
        }
    }

    /** Kills the broker and deletes its data. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            lock.unlock();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory: leaving it behind is harmless
        }
    }

    private void format() throws IOException {
        Process p = java(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                config.toAbsolutePath().toString()), LOG_DIR.resolve(name + "-format.log"));
        try {
            if (!p.waitFor(START_PATIENCE.toSeconds(), TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("formatting the storage of broker " + name + " failed:\n"
                        + Files.readString(LOG_DIR.resolve(name + "-format.log"), StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void startProcess() {
        Path log = LOG_DIR.resolve(name + "-" + incarnation++ + ".log");
        try {
            process = java(List.of("-Xmx512m", "kafka.Kafka", config.toAbsolutePath().toString()), log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers(),
                "request.timeout.ms", "2000", "default.api.timeout.ms", "5000"))) {
            await("broker " + name + " serves at " + bootstrapServers()).atMost(START_PATIENCE)
                    .pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                        if (!started.isAlive()) {
                            throw new AssertionError("broker " + name + " exited with " + started.exitValue()
                                    + "; see " + log.toAbsolutePath());
                        }
                        return !admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty();
                    });
        }
    }

    /** A JVM with this test run's class path and an empty environment, output to {@code log}. */
    private static Process java(List<String> args, Path log) throws IOException {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(args); // JVM options, then the main class and its arguments
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
