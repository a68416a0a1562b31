package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import dev.faust4j.WindowedTable.WindowCloseCallback;
import org.jspecify.annotations.Nullable;

import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The windows of one partition of one windowed table: its stream time, and which windows close and expire when.
 *
 * <p>Design (faust-tables.md §8.2 items 11–13, fixing Faust's W1–W5). Stream time is the largest event time written
 * to the partition; it only moves forward ({@link #advance}, lock-free). A window closes once stream time reaches
 * {@code end + grace} and expires at {@code end + expires}. Only when a close callback or expiry is configured is
 * an index kept: the windows held, by end, one entry per key and window (not per update, so it is bounded by the
 * windows, W2), built from the store on restore (so recovered windows expire too, W1). A sweep runs under a lock
 * when stream time reaches the next end that matters ({@code nextSweepAt}), so the hot path takes no lock: it fires
 * the callback once per key of each window closing, in the order of ends, then drops the expired windows from the
 * store (no tombstone: the changelog deletes by time). Windows closed before a restart are not closed again: the
 * restored stream time is the largest timestamp of the restored changelog records, which carry their event time.
 * A write that created a window the sweep had already passed (a race between agent instances of one partition)
 * fires its callback itself ({@link #created}).
 *
 * <p>Thread-safety: thread-safe; the sweep and the index's cursor are guarded by {@code lock}.
 */
final class PartitionWindows<K, V> {
    private final TableStore<WindowedKey<K>, V> store;
    private final long graceMs;
    private final long expiresMs;
    private final @Nullable WindowCloseCallback<? super K, ? super V> onClose;
    private final AtomicLong streamTime;
    private final AtomicLong nextSweepAt = new AtomicLong(Long.MAX_VALUE);
    /** Held windows by end; null when neither a callback nor expiry needs them. */
    private final @Nullable ConcurrentSkipListMap<Long, Set<WindowedKey<K>>> byEnd;
    private final ReentrantLock lock = new ReentrantLock();
    /** Windows ending at or before this have been closed (their callbacks run). Guarded by lock. */
    private long closedThroughEnd;

    /**
     * @param onClose   the close callback, or null
     * @param expiresMs {@link Expiry#NEVER} when windows never expire
     */
    PartitionWindows(TableStore<WindowedKey<K>, V> store, long graceMs, long expiresMs,
                     @Nullable WindowCloseCallback<? super K, ? super V> onClose) {
        this.store = store;
        this.graceMs = graceMs;
        this.expiresMs = expiresMs;
        this.onClose = onClose;
        long restored = store.maxTimestamp();
        this.streamTime = new AtomicLong(restored);
        this.closedThroughEnd = restored - graceMs; // closed before the restart: not closed again
        boolean indexed = onClose != null || expiresMs != Expiry.NEVER;
        this.byEnd = indexed ? new ConcurrentSkipListMap<>() : null;
        if (indexed) {
            java.util.Map<WindowedKey<K>, V> held = new java.util.HashMap<>();
            store.copyTo(held);
            for (WindowedKey<K> key : held.keySet()) {
                index(key);
            }
            lock.lock();
            try {
                sweep(restored); // recovered windows expire too (Faust's W1)
            } finally {
                lock.unlock();
            }
        }
    }

    /** Stream time: the largest event time written, or -1. */
    long streamTime() {
        return streamTime.get();
    }

    /** Whether {@code window} no longer accepts records. */
    boolean isClosed(WindowRange window) {
        return window.endMs() + graceMs <= streamTime.get();
    }

    /** An event time was written: moves stream time, and sweeps when that closes or expires a window. */
    void advance(long eventTimeMs) {
        long now = streamTime.accumulateAndGet(eventTimeMs, Math::max);
        if (now >= nextSweepAt.get()) {
            lock.lock();
            try {
                sweep(streamTime.get());
            } finally {
                lock.unlock();
            }
        }
    }

    /** A write created {@code key} (its window had no value). */
    void created(WindowedKey<K> key) {
        if (byEnd == null) {
            return;
        }
        lock.lock();
        try {
            if (key.window().endMs() <= closedThroughEnd) { // a sweep passed its end without it: close it here
                V value = store.get(key);
                if (value != null && onClose != null) {
                    onClose.closed(key.key(), key.window(), value);
                }
                if (isExpired(key.window().endMs(), streamTime.get())) {
                    store.evict(key);
                    return;
                }
            }
            index(key);
        } finally {
            lock.unlock();
        }
    }

    private void index(WindowedKey<K> key) {
        long end = key.window().endMs();
        byEnd.computeIfAbsent(end, e -> ConcurrentHashMap.newKeySet()).add(key);
        long at = Long.MAX_VALUE;
        if (onClose != null && end > closedThroughEnd) {
            at = end + graceMs;
        }
        if (expiresMs != Expiry.NEVER) {
            at = Math.min(at, end + expiresMs);
        }
        long next = at;
        nextSweepAt.accumulateAndGet(next, Math::min);
    }

    private boolean isExpired(long endMs, long now) {
        return expiresMs != Expiry.NEVER && endMs + expiresMs <= now;
    }

    /** Closes the windows {@code now} closes, then drops the expired ones. Holds lock. */
    private void sweep(long now) {
        if (onClose != null) {
            long closeThrough = now - graceMs;
            NavigableMap<Long, Set<WindowedKey<K>>> closing = byEnd.subMap(closedThroughEnd, false, closeThrough,
                    true);
            for (Map.Entry<Long, Set<WindowedKey<K>>> e : closing.entrySet()) {
                for (WindowedKey<K> key : e.getValue()) {
                    V value = store.get(key);
                    if (value != null) {
                        onClose.closed(key.key(), key.window(), value);
                    }
                }
                closedThroughEnd = e.getKey(); // a callback that throws does not close the windows before again
            }
            closedThroughEnd = Math.max(closedThroughEnd, closeThrough);
        } else {
            closedThroughEnd = Math.max(closedThroughEnd, now - graceMs);
        }
        if (expiresMs != Expiry.NEVER) {
            Iterator<Map.Entry<Long, Set<WindowedKey<K>>>> it = byEnd.headMap(now - expiresMs, true).entrySet()
                    .iterator();
            while (it.hasNext()) {
                for (WindowedKey<K> key : it.next().getValue()) {
                    store.evict(key);
                }
                it.remove();
            }
        }
        long next = Long.MAX_VALUE;
        if (onClose != null) {
            Long end = byEnd.higherKey(closedThroughEnd);
            if (end != null) {
                next = end + graceMs;
            }
        }
        if (expiresMs != Expiry.NEVER && !byEnd.isEmpty()) {
            next = Math.min(next, byEnd.firstKey() + expiresMs);
        }
        nextSweepAt.set(next);
    }
}
