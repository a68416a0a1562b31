package dev.faust4j.spi;

import java.util.Collection;
import java.util.Set;

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

    /**
     * The partition numbers whose table state this member keeps as standby replicas from this rebalance on (it
     * follows their changelogs without processing their records; {@code tableStandbyReplicas}), replacing the
     * earlier set. A transport whose assignor places standbys calls it in every rebalance, after
     * {@link #onPartitionsRevoked} and before {@link #onPartitionsAssigned} (the order in which Kafka calls an assignor's onAssignment),
     * with {@code assignment}, the member's whole assignment after the rebalance: a standby about to become active
     * is handed over, not dropped. The default ignores it.
     */
    default void onStandbysAssigned(Set<Integer> standbys, Set<TopicPartition> assignment) {
    }
}
