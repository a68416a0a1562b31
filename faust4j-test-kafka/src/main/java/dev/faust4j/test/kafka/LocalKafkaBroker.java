package dev.faust4j.test.kafka;

import java.util.concurrent.CountDownLatch;

/**
 * Runs a single-node KRaft broker on 127.0.0.1 until Ctrl-C, for trying faust4j apps on a real Kafka without
 * installing one: {@code ./dev kafka-broker [port]} (default port 9092), or
 * {@code java -cp <this module and its dependencies> dev.faust4j.test.kafka.LocalKafkaBroker [port]}. It is
 * {@link EmbeddedKafka#start(int)}: the same in-process broker as the tests', with the same test-friendly
 * settings, including {@code auto.create.topics.enable=false} (faust4j creates the topics it declares). Its data
 * lives in a temporary directory that is deleted on exit.
 *
 * <p><b>Thread-safety:</b> a command-line entry point; not meant to be called concurrently.
 */
public final class LocalKafkaBroker {

    /** The port used when none is given: {@value}. */
    public static final int DEFAULT_PORT = 9092;

    private LocalKafkaBroker() {
    }

    /**
     * Starts the broker and blocks until the JVM is stopped.
     *
     * @param args optionally the port as first argument
     */
    public static void main(String[] args) throws InterruptedException {
        int port = DEFAULT_PORT;
        if (args.length > 0 && !args[0].isBlank()) {
            try {
                port = Integer.parseInt(args[0].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "usage: LocalKafkaBroker [port]; the port must be a number, got '" + args[0] + "'", e);
            }
        }
        EmbeddedKafka kafka = EmbeddedKafka.start(port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the kafka broker at " + kafka.bootstrapServers());
            kafka.close();
        }, "local-kafka-broker-shutdown"));
        System.out.println("Kafka broker (KRaft, single node) running on 127.0.0.1 only.");
        System.out.println("  bootstrap servers: " + kafka.bootstrapServers());
        System.out.println("  faust4j broker:    " + kafka.brokerUrl());
        System.out.println("Press Ctrl-C to stop.");
        new CountDownLatch(1).await();
    }
}
