package dev.faust4j.internal.conductor;

import dev.faust4j.spi.TopicPartition;

import java.util.Collection;
import java.util.Set;

/**
 * State kept per partition (tables): told on the poll thread when partitions are assigned (before any of their
 * records is delivered: it may block to restore them), when what was processed of them is committed, and when they
 * are released (after their last commit).
 *
 * <p>Thread-safety: called on the poll thread only.
 */
public interface PartitionState {
    /** Nothing kept. */
    PartitionState NONE = new PartitionState() {
        @Override
        public Set<TopicPartition> assigned(Collection<TopicPartition> partitions) {
            return Set.of();
        }

        @Override
        public void released(Collection<TopicPartition> partitions) {
        }
    };

    /**
     * These partitions are now this worker's: restore their state before their records are delivered. Returns those
     * whose state is not restored yet (restoring off the poll thread): they stay paused until {@link #ready} returns
     * them.
     */
    Set<TopicPartition> assigned(Collection<TopicPartition> partitions);

    /**
     * Of these partitions waiting for their state, those restored by now; throws when a restore failed. Called on
     * every turn of the poll loop while some wait.
     */
    default Set<TopicPartition> ready(Collection<TopicPartition> waiting) {
        return Set.copyOf(waiting);
    }

    /**
     * True while the state holds too much waiting for a commit (table updates not yet written): the worker stops
     * fetching until it is false again. Called on every turn of the poll loop.
     */
    default boolean overBudget() {
        return false;
    }

    /** Blocks until every restore under way is done (an exactly-once rewind restores in place). */
    default void awaitRestored() {
    }

    /** These partitions are no longer this worker's (or are rewound): drop their state. */
    void released(Collection<TopicPartition> partitions);

    /**
     * What was processed of these partitions is committed (their source offsets, or under exactly-once the
     * transaction, with every update it holds): state may persist the updates made so far. Under exactly-once it is
     * called at the commit barrier, while no agent holds a record, so no update of the next transaction exists yet.
     */
    default void committed(Collection<TopicPartition> partitions) {
    }

    /**
     * A commit is about to be made: state sends what it has held back (a table's write cache), before the producer
     * is flushed (at-least-once) or the transaction commits (exactly-once, at the commit barrier).
     */
    default void committing() {
    }

    /**
     * This worker keeps standby replicas of these partition numbers from now on (replacing the earlier set), and
     * {@code assignment} is its whole assignment after this rebalance; called before {@link #assigned} of the same
     * rebalance.
     */
    default void standbys(Set<Integer> standbys, Set<TopicPartition> assignment) {
    }
}
