package dev.faust4j.internal.ack;

import dev.faust4j.Sensor;
import dev.faust4j.spi.ConsumedRecord;
import org.jspecify.annotations.Nullable;

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
    private final @Nullable Sensor sensor;
    private volatile boolean revoked;

    PartitionLease(LongAdder acks, @Nullable Sensor sensor) {
        this.acks = acks;
        this.sensor = sensor;
    }

    /** True once the partition is revoked or the worker stops. */
    public boolean isRevoked() {
        return revoked;
    }

    void revoke() {
        revoked = true;
    }

    void acked(ConsumedRecord record) {
        acks.increment();
        if (sensor != null) {
            sensor.onMessageOut(record.topic(), record.partition(), record.offset());
        }
    }
}
