package dev.faust4j.kafka;

import dev.faust4j.App;
import dev.faust4j.Topic;
import dev.faust4j.test.kafka.EmbeddedKafka;
import dev.faust4j.test.kafka.EmbeddedKafkaExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The user's integration test of {@link EmbeddedKafkaExtension}'s and {@link EmbeddedKafka}'s Javadoc, as written
 * there (keep the two in step): faust4j-test-kafka and faust4j-kafka on the test class path, the run-wide broker
 * injected, an app on {@code kafka.brokerUrl()}.
 */
@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaExtensionUsageTest {
    record Withdrawal(String account, long amount) {
    }

    @Test
    void processesWithdrawals(EmbeddedKafka kafka) throws Exception {
        String id = "withdrawals-" + UUID.randomUUID(); // the broker is shared: names of its own
        App app = App.builder(id).broker(kafka.brokerUrl()).build(); // kafka://127.0.0.1:port
        Topic<String, Withdrawal> withdrawals = app.topic(id, Withdrawal.class);
        List<Withdrawal> seen = new CopyOnWriteArrayList<>();
        app.agent(withdrawals, stream -> stream.forEach(seen::add)).name("process");
        try (app) {
            app.start(); // creates the topic, joins the group
            withdrawals.send("alice", new Withdrawal("alice", 10)).get();
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1); // Awaitility
        }
        assertThat(seen).containsExactly(new Withdrawal("alice", 10));
        assertThat(kafka.brokerUrl()).isEqualTo("kafka://" + kafka.bootstrapServers()).startsWith("kafka://127.0.0.1:");
    }
}
