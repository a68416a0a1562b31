package dev.faust4j.internal;

import dev.faust4j.time.Ticker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A subscriber's buffer (Faust's channel iterator with its queue): events delivered by the Conductor, or sent
 * on a channel, waiting for the agent instances that share this subscription.
 *
 * <p>Design: a ring buffer behind one lock, taken once per batch, never per record: the Conductor appends a
 * whole poll's events with {@link #putAll} and an agent takes up to a chunk with {@link #drainTo}. For topics
 * the bound is soft: {@code putAll} never blocks (the poll loop must keep polling); instead the Conductor
 * pauses the partitions feeding a buffer that reaches 80 % of {@code maxsize} and resumes them when it falls
 * to 40 % (Faust's hysteresis). Channels block the sender instead ({@link #put}).
 */
final class Subscription {
    final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Ticker ticker;
    final int maxsize;
    final int high;
    final int low;
    private EventImpl<?, ?>[] ring;
    private int head;
    private int size;
    /** {@code size} as of the last change, readable without the lock (the Conductor's decode placement). */
    private volatile int level;
    private volatile boolean closed;
    private final List<Signal> signals = new CopyOnWriteArrayList<>();
    /** Set by the Conductor (poll thread) when it paused this subscription's partitions. */
    volatile boolean pausedFull;
    /** The Conductor's staging list for the poll in progress (poll thread only). */
    final java.util.ArrayList<EventImpl<?, ?>> staged = new java.util.ArrayList<>();
    /** Called (from an agent thread) when a paused buffer has drained to the low mark. */
    private final Runnable onLow;

    Subscription(int maxsize, Ticker ticker, Runnable onLow) {
        this.maxsize = maxsize;
        this.high = Math.max(1, (int) Math.floor(maxsize * 0.8));
        this.low = (int) Math.floor(maxsize * 0.4);
        this.ticker = ticker;
        this.onLow = onLow;
        this.ring = new EventImpl<?, ?>[Integer.highestOneBit(Math.min(Math.max(16, maxsize), 1 << 16) - 1) << 1];
    }

    boolean isClosed() {
        return closed;
    }

    void addSignal(Signal s) {
        signals.add(s);
    }

    /** Appends a batch without blocking; returns the size afterwards. Events arriving after close are dropped. */
    int putAll(List<EventImpl<?, ?>> batch) {
        int n = batch.size();
        int after;
        lock.lock();
        try {
            if (closed) {
                batch.forEach(EventImpl::drop);
                return 0;
            }
            ensureCapacity(size + n);
            for (int i = 0; i < n; i++) {
                ring[(head + size + i) & (ring.length - 1)] = batch.get(i);
            }
            size += n;
            after = size;
            level = size;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        signalAll();
        return after;
    }

    /** Appends one value, blocking while the buffer is full (channels). */
    void put(EventImpl<?, ?> event) throws InterruptedException {
        lock.lock();
        try {
            while (size >= maxsize && !closed) {
                notFull.await();
            }
            if (closed) {
                throw new IllegalStateException("the channel's subscriber is closed: the app is stopping");
            }
            ensureCapacity(size + 1);
            ring[(head + size) & (ring.length - 1)] = event;
            size++;
            level = size;
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        signalAll();
    }

    private void signalAll() {
        if (!signals.isEmpty()) {
            for (Signal s : signals) {
                s.signal();
            }
        }
    }

    private void ensureCapacity(int needed) {
        if (needed <= ring.length) {
            return;
        }
        int cap = ring.length;
        while (cap < needed) {
            cap <<= 1;
        }
        EventImpl<?, ?>[] grown = new EventImpl<?, ?>[cap];
        for (int i = 0; i < size; i++) {
            grown[i] = ring[(head + i) & (ring.length - 1)];
        }
        ring = grown;
        head = 0;
    }

    /** Sentinel returned by {@link #drainTo} when the subscription is closed and empty. */
    static final int CLOSED = -1;

    /**
     * Moves up to {@code max} events into {@code dst}, waiting until at least one is there or the ticker passes
     * {@code deadlineNanos} ({@code Long.MIN_VALUE}: do not wait; {@code Long.MAX_VALUE}: no deadline).
     * Returns the count, 0 on timeout, or {@link #CLOSED}.
     */
    int drainTo(EventImpl<?, ?>[] dst, int max, long deadlineNanos) throws InterruptedException {
        int n;
        boolean low;
        lock.lock();
        try {
            while (size == 0) {
                if (closed) {
                    return CLOSED;
                }
                if (deadlineNanos == Long.MIN_VALUE) {
                    return 0;
                }
                if (deadlineNanos == Long.MAX_VALUE) {
                    notEmpty.await();
                } else {
                    if (ticker.nanoTime() >= deadlineNanos) {
                        return 0;
                    }
                    ticker.awaitUntil(notEmpty, deadlineNanos);
                }
            }
            n = Math.min(max, size);
            int mask = ring.length - 1;
            for (int i = 0; i < n; i++) {
                int idx = (head + i) & mask;
                dst[i] = ring[idx];
                ring[idx] = null;
            }
            head = (head + n) & mask;
            size -= n;
            level = size;
            notFull.signalAll();
            low = pausedFull && size <= this.low;
        } finally {
            lock.unlock();
        }
        if (low && onLow != null) {
            onLow.run();
        }
        return n;
    }

    /**
     * True when the agents are behind: at least the low mark is buffered. The Conductor then decodes records
     * itself (it has time to spare while the agents are the bottleneck) instead of leaving it to the agent.
     */
    boolean backlogged() {
        return level >= low;
    }

    int size() {
        lock.lock();
        try {
            return size;
        } finally {
            lock.unlock();
        }
    }

    /** Drops buffered events of revoked partitions (they will be fetched again by whoever owns them next). */
    void dropStale() {
        lock.lock();
        try {
            int mask = ring.length - 1;
            int kept = 0;
            for (int i = 0; i < size; i++) {
                EventImpl<?, ?> e = ring[(head + i) & mask];
                ring[(head + i) & mask] = null;
                if (e.stale()) {
                    e.drop();
                } else {
                    ring[(head + kept) & mask] = e;
                    kept++;
                }
            }
            size = kept;
            level = kept;
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Closes the subscription: buffered events are dropped (not acked) and every waiter wakes up. */
    void close() {
        lock.lock();
        try {
            closed = true;
            int mask = ring.length - 1;
            for (int i = 0; i < size; i++) {
                EventImpl<?, ?> e = ring[(head + i) & mask];
                ring[(head + i) & mask] = null;
                e.drop();
            }
            size = 0;
            level = 0;
            notEmpty.signalAll();
            notFull.signalAll();
        } finally {
            lock.unlock();
        }
        signalAll();
    }
}
