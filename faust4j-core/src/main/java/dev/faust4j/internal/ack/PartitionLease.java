package dev.faust4j.internal.ack;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the readers of one partition's messages need to know of it: whether it is still this worker's (a revoked
 * partition's buffered events are dropped, not processed), and where to count a fully acked message (for "commit
 * every N acks").
 *
 * <p>Thread-safety: thread-safe.
 */
public final class PartitionLease {
    private final LongAdder acks;
    private volatile boolean revoked;

    PartitionLease(LongAdder acks) {
        this.acks = acks;
    }

    /** True once the partition is revoked or the worker stops. */
    public boolean isRevoked() {
        return revoked;
    }

    void revoke() {
        revoked = true;
    }

    void acked() {
        acks.increment();
    }
}
