package dev.faust4j.internal.commit;

import dev.faust4j.internal.ack.PartitionTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.locks.LockSupport;

/**
 * Waiting, on the poll thread, for events in readers' hands to finish: the one wait both commit protocols share when
 * partitions leave the worker.
 *
 * <p>Thread-safety: stateless.
 */
final class Quiesce {
    private static final Logger log = LoggerFactory.getLogger(Quiesce.class);

    private Quiesce() {
    }

    /**
     * Waits until no delivery of these partitions is in a reader's hands, or {@code wait} is over (then, when it was
     * positive, says which are still busy). Returns true when they are idle.
     */
    static boolean awaitIdle(Collection<PartitionTracker> which, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            if (idle(which)) {
                return true;
            }
            if (System.nanoTime() - deadline >= 0) {
                if (wait.isPositive()) {
                    for (PartitionTracker t : which) {
                        long oldest = t.oldestBusy();
                        if (oldest >= 0) {
                            log.warn("Gave up waiting for events of {} still being processed after {} ms (offset {})",
                                    t.partition(), wait.toMillis(), oldest);
                        }
                    }
                }
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    static boolean idle(Collection<PartitionTracker> which) {
        for (PartitionTracker t : which) {
            if (!t.idle()) {
                return false;
            }
        }
        return true;
    }
}
