package dev.faust4j.internal.web;

import dev.faust4j.Partition;

import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The app's lag, asked at most once per {@code maxAge}: {@code App.lag()} asks the broker for the partitions' ends,
 * and a status page polled every second by several browsers must not turn into as many broker requests.
 *
 * <p>Thread-safety: thread-safe; concurrent readers wait for one answer and share it.
 */
final class LagCache {
    private final Supplier<Map<Partition, Long>> source;
    private final long maxAgeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private Map<Partition, Long> value = Map.of();
    private long at;
    private boolean known;

    LagCache(Supplier<Map<Partition, Long>> source, long maxAgeNanos) {
        this.source = source;
        this.maxAgeNanos = maxAgeNanos;
    }

    /** The lag, asked again when the last answer is older than the maximum age at {@code nanos}. */
    Map<Partition, Long> get(long nanos) {
        lock.lock();
        try {
            if (!known || nanos - at >= maxAgeNanos) {
                value = Map.copyOf(source.get());
                at = nanos;
                known = true;
            }
            return value;
        } finally {
            lock.unlock();
        }
    }
}
