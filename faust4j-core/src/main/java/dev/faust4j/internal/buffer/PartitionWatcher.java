package dev.faust4j.internal.buffer;

import dev.faust4j.spi.TopicPartition;

import java.util.Collection;

/**
 * Hears of a subscription's partitions changing hands, on the poll thread, inside the rebalance: assigned before
 * any of their records is delivered, released after what was processed of them was committed (or, when lost,
 * without a commit), and of the subscription closing. A dispatcher uses it to start and stop instances (isolated partitions) and to drop the
 * events it queued for partitions this worker no longer owns.
 *
 * <p>Thread-safety: implementations are thread-safe (called on the poll thread while readers run).
 */
public interface PartitionWatcher {

    /** These partitions are this worker's now (of every topic the worker reads: keep those you read). */
    void assigned(Collection<TopicPartition> partitions);

    /** These partitions are no longer this worker's. */
    void released(Collection<TopicPartition> partitions);

    /** The subscription was closed (the app stops): drop what is queued and wake every reader. */
    void closed();
}
