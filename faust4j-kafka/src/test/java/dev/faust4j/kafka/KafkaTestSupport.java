package dev.faust4j.kafka;

import dev.faust4j.App;
import dev.faust4j.Settings;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.test.kafka.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import static org.awaitility.Awaitility.await;

/** Helpers shared by the tests of this module, all against the run-wide {@link EmbeddedKafka#shared()} broker. */
final class KafkaTestSupport {

    static final Duration POLL = Duration.ofMillis(100);
    /** Generous upper bound for group joins and fetches; a safety net, not a timing assertion. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    private KafkaTestSupport() {
    }

    static EmbeddedKafka kafka() {
        return EmbeddedKafka.shared();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Settings settings(String appId, Map<String, String> clientProperties) {
        return settings(appId, kafka().brokerUrl(), clientProperties);
    }

    static Settings settings(String appId, String brokerUrl, Map<String, String> clientProperties) {
        App.Builder builder = App.builder(appId).broker(brokerUrl);
        clientProperties.forEach(builder::clientProperty);
        return builder.build().settings();
    }

    static KafkaTransport transport(String appId) {
        return transport(appId, Map.of());
    }

    static KafkaTransport transport(String appId, Map<String, String> clientProperties) {
        return new KafkaTransport(appId, settings(appId, clientProperties));
    }

    static TopicSpec internal(String name, int partitions) {
        return new TopicSpec(name, partitions, (short) 1, true, Map.of());
    }

    static TopicSpec external(String name, int partitions) {
        return new TopicSpec(name, partitions, (short) 1, false, Map.of());
    }

    static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", kafka().bootstrapServers()));
    }

    static long endOffset(TopicPartition tp) throws ExecutionException, InterruptedException {
        try (Admin admin = admin()) {
            org.apache.kafka.common.TopicPartition ktp = new org.apache.kafka.common.TopicPartition(tp.topic(),
                    tp.partition());
            return admin.listOffsets(Map.of(ktp, OffsetSpec.latest())).partitionResult(ktp).get().offset();
        }
    }

    /** Polls on the calling thread until the collected records satisfy the condition; returns every batch. */
    static List<PartitionRecords> pollUntil(TransportConsumer consumer, Predicate<List<ConsumedRecord>> done) {
        List<PartitionRecords> batches = new ArrayList<>();
        List<ConsumedRecord> records = new ArrayList<>();
        await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    for (PartitionRecords batch : consumer.poll(POLL)) {
                        batches.add(batch);
                        records.addAll(batch.records());
                    }
                    return done.test(records);
                });
        return batches;
    }

    static List<ConsumedRecord> pollRecords(TransportConsumer consumer, int atLeast) {
        List<ConsumedRecord> out = new ArrayList<>();
        for (PartitionRecords batch : pollUntil(consumer, r -> r.size() >= atLeast)) {
            out.addAll(batch.records());
        }
        return out;
    }

    /** A rebalance listener that records what it is told, for assertions. */
    static class RecordingListener implements RebalanceListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<TopicPartition> assigned = new CopyOnWriteArrayList<>();
        final List<TopicPartition> revoked = new CopyOnWriteArrayList<>();
        final List<TopicPartition> lost = new CopyOnWriteArrayList<>();

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            events.add("revoked " + partitions);
            revoked.addAll(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            events.add("assigned " + partitions);
            assigned.addAll(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            events.add("lost " + partitions);
            lost.addAll(partitions);
        }
    }
}
