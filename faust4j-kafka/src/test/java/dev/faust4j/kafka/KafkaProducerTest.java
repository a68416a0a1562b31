package dev.faust4j.kafka;

import dev.faust4j.RecordMetadata;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.Header;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.spi.TransportProducer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static dev.faust4j.kafka.KafkaTestSupport.internal;
import static dev.faust4j.kafka.KafkaTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;

/** The shared producer against the embedded broker. */
class KafkaProducerTest {

    private static String appId;
    private static KafkaTransport transport;
    private static TransportProducer producer;

    @BeforeAll
    static void start() {
        appId = unique("producer");
        transport = KafkaTestSupport.transport(appId);
        producer = transport.producer();
    }

    @AfterAll
    static void stop() {
        transport.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void producerIsCreatedOnceAndShared() {
        assertThat(transport.producer()).isSameAs(producer);
    }

    @Test
    void keyedRecordsLandInTheirMurmur2PartitionAndCompleteWithMetadata() {
        String topic = unique("keyed");
        int partitions = 5;
        transport.declareTopics(List.of(internal(topic, partitions)));

        List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            byte[] key = bytes("key-" + i);
            keys.add(key);
            sent.add(producer.send(new ProducedRecord(topic, null, 1_000L + i, key, bytes("v" + i), List.of())));
        }
        for (int i = 0; i < sent.size(); i++) {
            RecordMetadata md = sent.get(i).join();
            int expected = Utils.toPositive(Utils.murmur2(keys.get(i))) % partitions;
            assertThat(md.topic()).isEqualTo(topic);
            // Kafka's formula; the memory transport's partitioner is checked against the same one (Murmur2Test)
            assertThat(md.partition()).isEqualTo(expected);
            assertThat(md.offset()).isGreaterThanOrEqualTo(0);
            assertThat(md.timestamp()).isEqualTo(1_000L + i);
        }
    }

    @Test
    void explicitPartitionAndHeadersAreKept() {
        String topic = unique("explicit");
        transport.declareTopics(List.of(internal(topic, 3)));
        List<Header> headers = List.of(new Header("trace", bytes("abc")), new Header("empty", null));

        RecordMetadata first = producer.send(new ProducedRecord(topic, 2, null, bytes("k"), bytes("v1"), headers))
                .join();
        RecordMetadata second = producer.send(new ProducedRecord(topic, 2, null, null, null, List.of())).join();
        assertThat(first.partition()).isEqualTo(2);
        assertThat(first.offset()).isZero();
        assertThat(second.offset()).isEqualTo(1);

        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new KafkaTestSupport.RecordingListener());
            List<ConsumedRecord> records = KafkaTestSupport.pollRecords(consumer, 2);
            ConsumedRecord r = records.get(0);
            assertThat(r.partition()).isEqualTo(2);
            assertThat(r.headers()).hasSize(2);
            assertThat(r.headers().get(0).key()).isEqualTo("trace");
            assertThat(r.headers().get(0).value()).isEqualTo(bytes("abc"));
            assertThat(r.headers().get(1).value()).isNull();
            ConsumedRecord tombstone = records.get(1);
            assertThat(tombstone.key()).isNull();
            assertThat(tombstone.value()).isNull();
            assertThat(tombstone.headers()).isEmpty();
        } finally {
            consumer.close();
        }
    }

    @Test
    void aRecordThatCannotBeSentFailsItsFutureInsteadOfThrowing() {
        String topic = unique("small");
        transport.declareTopics(List.of(internal(topic, 1)));

        byte[] tooLarge = new byte[2 * 1024 * 1024]; // above the producer's max.request.size (1 MiB)
        CompletableFuture<RecordMetadata> f = producer
                .send(new ProducedRecord(topic, null, null, null, tooLarge, List.of()));
        assertThat(f).failsWithin(KafkaTestSupport.PATIENCE)
                .withThrowableThat().withCauseInstanceOf(org.apache.kafka.common.errors.RecordTooLargeException.class);
    }

    @Test
    void sendsFromManyThreadsAllComplete() throws Exception {
        String topic = unique("concurrent");
        transport.declareTopics(List.of(internal(topic, 4)));
        List<CompletableFuture<RecordMetadata>> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.submit(() -> {
                    for (int i = 0; i < 50; i++) {
                        sent.add(producer.send(
                                new ProducedRecord(topic, null, null, bytes(thread + "-" + i), bytes("v"), List.of())));
                    }
                });
            }
        }
        producer.flush();
        assertThat(sent).hasSize(400).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(sent.stream().map(CompletableFuture::join).map(md -> md.partition() + ":" + md.offset()).distinct())
                .hasSize(400);
    }
}
