package dev.faust4j.internal.conductor;

import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.commit.Committer;
import dev.faust4j.internal.flow.FlowControl;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Partition assignment changes, on the poll thread from inside {@code poll}.
 *
 * <p>Design. Assigned: start tracking at the consumer's position and re-apply pauses. Revoked: mark the
 * partitions revoked (readers drop their events instead of processing them), drop their buffered events (the
 * next owner fetches them again), wait, at most the grace period, for the events in readers' hands (not for those
 * a busy reader merely read ahead: it drops them unprocessed), commit what is acked, forget them. Lost: the same without committing (someone else owns them already). The same release runs
 * for every partition when the worker stops.
 *
 * <p>Thread-safety: poll thread only.
 */
final class Rebalancer implements RebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private final String appId;
    private final TransportConsumer consumer;
    private final Assignment assignment;
    private final Router router;
    private final FlowControl flow;
    private final Committer committer;
    private final Duration grace;

    Rebalancer(String appId, TransportConsumer consumer, Assignment assignment, Router router, FlowControl flow,
               Committer committer, Duration grace) {
        this.appId = appId;
        this.consumer = consumer;
        this.assignment = assignment;
        this.router = router;
        this.flow = flow;
        this.committer = committer;
        this.grace = grace;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            assignment.assign(tp, consumer.position(tp));
        }
        log.info("app {} assigned {}", appId, partitions);
        flow.apply();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        log.info("app {} revoking {}", appId, partitions);
        release(assignment.of(partitions), true);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        log.warn("app {} lost {} (not committing)", appId, partitions);
        release(assignment.of(partitions), false);
    }

    /**
     * Stops processing these partitions: readers drop their buffered events, the events being processed get up to
     * the grace period to finish, then (when {@code commit}) what is acked is committed and the partitions are
     * forgotten. Subscriptions already closed (stop) are skipped.
     */
    void release(List<PartitionTracker> released, boolean commit) {
        for (PartitionTracker t : released) {
            t.revoke();
        }
        for (Subscription sub : router.subscriptions()) {
            sub.dropStale();
        }
        awaitIdle(released, commit ? grace : Duration.ZERO);
        if (commit) {
            committer.commitNow(released);
        }
        List<TopicPartition> gone = new ArrayList<>();
        for (PartitionTracker t : released) {
            assignment.remove(t.partition());
            gone.add(t.partition());
        }
        flow.forget(gone);
    }

    /** Waits until no delivery of these partitions is in a reader's hands, or the wait is over (then says which). */
    private void awaitIdle(List<PartitionTracker> which, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            boolean idle = true;
            for (PartitionTracker t : which) {
                if (!t.idle()) {
                    idle = false;
                    break;
                }
            }
            if (idle) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                if (wait.isPositive()) {
                    for (PartitionTracker t : which) {
                        long oldest = t.oldestBusy();
                        if (oldest >= 0) {
                            log.warn(
                                    "Gave up waiting for events of {} still being processed after {} ms; committing below offset {}",
                                    t.partition(), wait.toMillis(), oldest);
                        }
                    }
                }
                return;
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }
}
