package dev.faust4j.spi;

import java.util.Collection;

/**
 * Partition assignment changes, called by a {@link TransportConsumer} on the poll thread from inside
 * {@link TransportConsumer#poll}. Implementations may call the consumer (commit, position, pause) from
 * these callbacks, as with Kafka's {@code ConsumerRebalanceListener}.
 */
public interface RebalanceListener {
    /** These partitions are being taken away; the member still owns them and may commit for them. */
    void onPartitionsRevoked(Collection<TopicPartition> partitions);

    /** These partitions were added to the assignment; the consumer's position is the committed offset. */
    void onPartitionsAssigned(Collection<TopicPartition> partitions);

    /** These partitions were lost (already owned by someone else): never commit for them. */
    void onPartitionsLost(Collection<TopicPartition> partitions);
}
