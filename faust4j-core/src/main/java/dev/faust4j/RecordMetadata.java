package dev.faust4j;

/**
 * Where a sent record landed: returned by {@link Topic#send} once the transport has durably accepted it
 * (on Kafka: acknowledged by the broker with the producer's {@code acks}; in memory: appended to the log).
 *
 * @param topic     the topic the record was written to
 * @param partition the partition it was written to
 * @param offset    its offset in that partition
 * @param timestamp its timestamp in epoch milliseconds
 */
public record RecordMetadata(String topic, int partition, long offset, long timestamp) {}
