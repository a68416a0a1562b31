package dev.faust4j.internal.commit;

import dev.faust4j.internal.ack.PartitionTracker;

import java.time.Duration;
import java.util.List;

/**
 * How a worker commits what it consumed: {@link Committer} (at-least-once: offsets alone, the producer flushed
 * first) or {@link ExactlyOnceCommitter} (the sends and the offsets in one transaction). The Conductor and the
 * Rebalancer drive it the same way in both modes.
 *
 * <p>Thread-safety: poll thread only, except {@link #request()}.
 */
public sealed interface CommitProtocol permits Committer, ExactlyOnceCommitter {

    /** Asks for a commit at the next turn of the poll loop. Thread-safe. */
    void request();

    /** Called every turn of the poll loop: commits when due, never blocking the loop for long. */
    void maybeCommit();

    /**
     * True while polled records must be kept back from the subscriptions (an exactly-once commit waits for the
     * agents to finish what they have; fetching goes on).
     */
    boolean holdsDelivery();

    /** How long the next poll may wait for records (shorter while a commit waits for the agents). */
    Duration pollTimeout(Duration normal);

    /**
     * These partitions leave this worker (revoked, lost, or the worker stops): their events not yet processed are
     * dropped, those in readers' hands get the grace period, and (when {@code commit}) what was processed is
     * committed. Afterwards the caller forgets them.
     */
    void release(List<PartitionTracker> released, boolean commit);
}
