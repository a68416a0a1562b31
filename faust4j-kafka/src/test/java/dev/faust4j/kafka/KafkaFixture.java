package dev.faust4j.kafka;

import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.test.kafka.EmbeddedKafka;
import dev.faust4j.testing.TransportFixture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The core behaviour suite's view of Kafka: runs {@code dev.faust4j.testing.Transports#all()} tests on the
 * run-wide {@link EmbeddedKafka#shared()} broker. Registered in this module's test
 * {@code META-INF/services/dev.faust4j.testing.TransportFixture}. Every test uses its own app id and topics,
 * so all tests share the one broker.
 *
 * <p><b>Thread-safety:</b> thread-safe; its clients are created once and closed when the JVM exits.
 */
public final class KafkaFixture implements TransportFixture {

    private static final Duration READ_PATIENCE = Duration.ofSeconds(60);
    private static final ReentrantLock LOCK = new ReentrantLock();
    private static Clients clients;

    /** Used by {@link java.util.ServiceLoader}. */
    public KafkaFixture() {
    }

    /** Admin, producer and a transport (for its topic creation) on the shared broker. */
    private record Clients(Admin admin, KafkaProducer<byte[], byte[]> producer, KafkaTransport transport) {
    }

    private static Clients clients() {
        LOCK.lock();
        try {
            if (clients == null) {
                String servers = EmbeddedKafka.shared().bootstrapServers();
                Admin admin = Admin.create(Map.of("bootstrap.servers", servers));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                        "bootstrap.servers", servers,
                        "key.serializer", ByteArraySerializer.class.getName(),
                        "value.serializer", ByteArraySerializer.class.getName()));
                KafkaTransport transport = KafkaTestSupport.transport("faust4j-kafka-fixture");
                Clients c = new Clients(admin, producer, transport);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    c.transport().close();
                    c.producer().close(Duration.ofSeconds(5));
                    c.admin().close(Duration.ofSeconds(5));
                }, "kafka-fixture-shutdown"));
                clients = c;
            }
            return clients;
        } finally {
            LOCK.unlock();
        }
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String brokerUrl(String testId) {
        return EmbeddedKafka.shared().brokerUrl();
    }

    @Override
    public Long committed(String brokerUrl, String groupId, TopicPartition tp) {
        org.apache.kafka.common.TopicPartition ktp = kafka(tp);
        try {
            Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> offsets = clients().admin()
                    .listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata om = offsets.get(ktp);
            return om == null ? null : om.offset();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the committed offsets of group " + groupId, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public List<ConsumedRecord> records(String brokerUrl, String topic) {
        return read(topic, "read_uncommitted");
    }

    @Override
    public List<ConsumedRecord> committedRecords(String brokerUrl, String topic) {
        return read(topic, "read_committed");
    }

    private static List<ConsumedRecord> read(String topic, String isolation) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", EmbeddedKafka.shared().bootstrapServers(),
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName(),
                "isolation.level", isolation,
                "enable.auto.commit", "false"))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                return List.of();
            }
            List<org.apache.kafka.common.TopicPartition> partitions = infos.stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition()))
                    .sorted(Comparator.comparingInt(org.apache.kafka.common.TopicPartition::partition))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<Integer, List<ConsumedRecord>> byPartition = new java.util.TreeMap<>();
            long deadline = System.nanoTime() + READ_PATIENCE.toNanos();
            while (!partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException(
                            "could not read topic " + topic + " up to " + end + " within " + READ_PATIENCE);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    byPartition.computeIfAbsent(r.partition(), p -> new ArrayList<>())
                            .add(KafkaConsumerAdapter.convert(r));
                }
            }
            List<ConsumedRecord> out = new ArrayList<>();
            byPartition.values().forEach(out::addAll);
            return out;
        }
    }

    @Override
    public void appendRaw(String brokerUrl, String topic, int partitions, int partition, byte[] key, byte[] value) {
        appendRaw(brokerUrl, topic, partitions, List.of(new Raw(partition, key, value)));
    }

    @Override
    public void appendRaw(String brokerUrl, String topic, int partitions, List<Raw> records) {
        Clients c = clients();
        c.transport().declareTopics(List.of(new TopicSpec(topic, partitions, (short) 1, false, Map.of())));
        try {
            List<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>> sends = new ArrayList<>(
                    records.size());
            for (Raw r : records) { // in order: one producer, and each partition's records go in send order
                sends.add(c.producer().send(new ProducerRecord<>(topic, r.partition(), r.key(), r.value())));
            }
            for (var s : sends) {
                s.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot append to " + topic, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public long endOffset(String brokerUrl, TopicPartition tp) {
        org.apache.kafka.common.TopicPartition ktp = kafka(tp);
        try {
            return clients().admin().listOffsets(Map.of(ktp, OffsetSpec.latest())).partitionResult(ktp).get().offset();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return 0;
            }
            throw new IllegalStateException("cannot read the end offset of " + tp, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static org.apache.kafka.common.TopicPartition kafka(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }
}
