package dev.faust4j.micrometer;

import dev.faust4j.App;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import dev.faust4j.test.kafka.EmbeddedKafka;
import dev.faust4j.test.kafka.EmbeddedKafkaExtension;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** On {@code kafka://}, the Kafka clients' own metrics are bound too, tagged with the app, and unbound at close. */
@ExtendWith(EmbeddedKafkaExtension.class)
class KafkaClientMetricsTest {

    @Test
    void theKafkaClientsOwnMetricsAreBoundWhileTheWorkerRuns(EmbeddedKafka kafka) {
        String id = "kafka-metrics-" + UUID.randomUUID();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger seen = new AtomicInteger();
        App app = App.builder(id).broker(kafka.brokerUrl()).commitInterval(Duration.ofMillis(100)).build();
        Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string()).names(id + "-in")
                .partitions(2).build());
        app.agent(in, stream -> {
            for (String s : stream) {
                seen.incrementAndGet();
            }
        });
        FaustMetrics binding = FaustMetrics.bind(app, registry);
        try (app) {
            app.start();
            for (int i = 0; i < 5; i++) {
                in.send("k" + i, "v" + i).join();
            }
            await().alias("the records are consumed").atMost(Duration.ofSeconds(60)).until(() -> seen.get() == 5);
            await().alias("the consumer's and the producer's own metrics").atMost(Duration.ofSeconds(60))
                    .until(() -> !kafkaMeters(registry, "kafka.consumer.").isEmpty()
                            && !kafkaMeters(registry, "kafka.producer.").isEmpty());
            assertThat(kafkaMeters(registry, "kafka.consumer."))
                    .allSatisfy(m -> assertThat(m.getId().getTag("app")).isEqualTo(id));
        }
        await().alias("the consumer's metrics unbound once it is closed").atMost(Duration.ofSeconds(60))
                .until(() -> kafkaMeters(registry, "kafka.consumer.").isEmpty());
        binding.close();
        assertThat(kafkaMeters(registry, "kafka.")).isEmpty();
    }

    private static List<Meter> kafkaMeters(SimpleMeterRegistry registry, String prefix) {
        return registry.getMeters().stream().filter(m -> m.getId().getName().startsWith(prefix)).toList();
    }
}
