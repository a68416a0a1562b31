package dev.faust4j.bench;

import dev.faust4j.test.kafka.EmbeddedKafka;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark broker: faust4j-test-kafka's single-node KRaft broker ({@link EmbeddedKafka}, over
 * {@code KafkaClusterTestKit}, ecosystem.md B.3) in its own JVM, listening on 127.0.0.1 only, with the settings
 * below on top of its test settings ({@link EmbeddedKafka#BROKER_CONFIG} and
 * {@link EmbeddedKafka#PRIVATE_BROKER_CONFIG}: among them the latest production metadata version, 500 ms consumer
 * group heartbeats). Prints {@code @@READY bootstrap=127.0.0.1:PORT} and runs until its stdin
 * closes or it is terminated.
 */
final class BenchBroker {
    private BenchBroker() {
    }

    static final Map<String, String> CONFIG = new LinkedHashMap<>();

    static {
        CONFIG.put("offsets.topic.num.partitions", "8");
        CONFIG.put("transaction.state.log.num.partitions", "50"); // Kafka's default (EmbeddedKafka's is 1)
        CONFIG.put("num.partitions", "8");
        CONFIG.put("auto.create.topics.enable", "true");
        CONFIG.put("delete.topic.enable", "true");
    }

    static void run(Args a) throws Exception {
        int port = a.integer("port", 0);
        EmbeddedKafka kafka = EmbeddedKafka.start(port, CONFIG);
        Runtime.getRuntime().addShutdownHook(new Thread(kafka::close, "bench-broker-shutdown"));
        System.out.println(Probe.READY + " bootstrap=" + kafka.bootstrapServers());
        System.out.flush();
        // Until the harness goes away (stdin closes) or stops us.
        while (System.in.read() >= 0) {
            // ignore input
        }
        System.exit(0);
    }
}
