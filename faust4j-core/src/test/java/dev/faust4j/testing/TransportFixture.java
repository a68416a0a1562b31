package dev.faust4j.testing;

import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;

import java.util.List;

/**
 * A transport the behaviour suite runs on. The core registers the memory transport; faust4j-kafka registers
 * Kafka (an in-process KRaft broker) through {@code META-INF/services/dev.faust4j.testing.TransportFixture}
 * in its test resources, and runs the same test classes from the core's test-jar.
 */
public interface TransportFixture {
    /** Short name shown in test names. */
    String name();

    /** A broker URL for a test; memory fixtures isolate each test in its own broker. */
    String brokerUrl(String testId);

    /** Committed offset of a partition for a group, or null. */
    Long committed(String brokerUrl, String groupId, TopicPartition tp);

    /** Every record of a topic (all partitions). */
    List<ConsumedRecord> records(String brokerUrl, String topic);

    /** The records of a topic a read_committed reader sees (those of open or aborted transactions are not there). */
    List<ConsumedRecord> committedRecords(String brokerUrl, String topic);

    /** Writes raw bytes to a partition, creating the topic with {@code partitions} if missing. */
    void appendRaw(String brokerUrl, String topic, int partitions, int partition, byte[] key, byte[] value);

    /** One record for {@link #appendRaw(String, String, int, List)}. */
    record Raw(int partition, byte[] key, byte[] value) {}

    /**
     * Writes these records in order (each in its partition), creating the topic if missing, and returns once all
     * are written: for many records, faster than one {@link #appendRaw} each.
     */
    default void appendRaw(String brokerUrl, String topic, int partitions, List<Raw> records) {
        for (Raw r : records) {
            appendRaw(brokerUrl, topic, partitions, r.partition(), r.key(), r.value());
        }
    }

    /** Log end offset of a partition. */
    long endOffset(String brokerUrl, TopicPartition tp);
}
