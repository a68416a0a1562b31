package dev.faust4j.internal.buffer;

import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A subscriber's buffer (Faust's channel iterator with its queue): events delivered by the Conductor, or sent on
 * a channel, waiting for the agent instances that share this subscription.
 *
 * <p>Design: a ring buffer behind one lock, taken once per batch, never per record: the Conductor appends a whole
 * poll's events with {@link #putAll} and a reader takes up to a chunk with {@link #drainTo}. For topics the bound
 * is soft: {@code putAll} never blocks (the poll loop must keep polling); instead flow control pauses the
 * partitions feeding a buffer that reaches its {@link #high} mark (80 % of {@code maxsize}) and resumes them when
 * it falls to its {@link #low} mark (40 %, Faust's hysteresis); {@link #watchLow} asks for the call-back.
 * Channels block the sender instead ({@link #put}). A reader that failed puts events back in front with
 * {@link #pushFront}, so they are processed again in order.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Subscription {
    /** Returned by {@link #drainTo} when the subscription is closed and empty. */
    public static final int CLOSED = -1;
    /** {@link #drainTo} deadline: do not wait. */
    public static final long NOW = Long.MIN_VALUE;
    /** {@link #drainTo} deadline: wait as long as it takes. */
    public static final long NO_DEADLINE = Long.MAX_VALUE;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final Condition notFull = lock.newCondition();
    private final Ticker ticker;
    private final int maxsize;
    private final int high;
    private final int low;
    private final Runnable onLow;
    private final List<Signal> signals = new CopyOnWriteArrayList<>();
    private final List<PartitionWatcher> watchers = new CopyOnWriteArrayList<>();
    private EventImpl<?, ?>[] ring;
    private int head;
    private int size;
    /** {@code size} as of the last change, readable without the lock. */
    private volatile int level;
    private volatile boolean closed;
    private volatile boolean watchLow;
    /** Partitions a reader behind this buffer asks to pause on their own (an isolated partition's full inbox). */
    private final Set<TopicPartition> congested = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean congestionChanged = new AtomicBoolean();

    /**
     * @param maxsize the configured buffer size ({@code stream_buffer_maxsize}, or the channel's)
     * @param ticker  the clock for deadlines
     * @param onLow   run (on the reader's thread) when a watched buffer drains to its low mark
     */
    public Subscription(int maxsize, Ticker ticker, Runnable onLow) {
        if (maxsize < 1) {
            throw new IllegalArgumentException("buffer maxsize must be >= 1, got " + maxsize);
        }
        this.maxsize = maxsize;
        this.high = Math.max(1, (int) Math.floor(maxsize * 0.8));
        this.low = (int) Math.floor(maxsize * 0.4);
        this.ticker = ticker;
        this.onLow = onLow;
        this.ring = new EventImpl<?, ?>[Integer.highestOneBit(Math.min(Math.max(16, maxsize), 1 << 16) - 1) << 1];
    }

    public int maxsize() {
        return maxsize;
    }

    /**
     * Asks flow control to pause ({@code on}) or resume one partition feeding this buffer, whatever its fill level:
     * a reader that sorts the events by partition (isolated partitions) holds one partition's backlog of its own.
     * Wakes the poll loop, which applies it. Thread-safe.
     */
    public void congested(TopicPartition partition, boolean on) {
        if (on ? congested.add(partition) : congested.remove(partition)) {
            congestionChanged.set(true);
            onLow.run();
        }
    }

    /** The partitions paused on their own ({@link #congested}). */
    public Set<TopicPartition> congested() {
        return congested;
    }

    /** Whether {@link #congested} changed since the last call (for the poll thread). */
    public boolean takeCongestionChange() {
        return congestionChanged.getAndSet(false);
    }

    /** The fill level at which flow control pauses the partitions feeding this buffer. */
    public int high() {
        return high;
    }

    /** The fill level at which paused partitions resume. */
    public int low() {
        return low;
    }

    public boolean isClosed() {
        return closed;
    }

    /** Signals {@code s} whenever events arrive (combined streams wait on one signal for all their inputs). */
    public void addSignal(Signal s) {
        signals.add(s);
    }

    /** Tells {@code w} of this subscription's partitions changing hands (a dispatcher between it and readers). */
    public void watch(PartitionWatcher w) {
        watchers.add(w);
    }

    /** Partitions were assigned to this worker (poll thread, before any of their records is delivered). */
    public void assigned(Collection<TopicPartition> partitions) {
        for (PartitionWatcher w : watchers) {
            w.assigned(partitions);
        }
    }

    /** Partitions were released by this worker (poll thread, after their last commit). */
    public void released(Collection<TopicPartition> partitions) {
        for (PartitionWatcher w : watchers) {
            w.released(partitions);
        }
    }

    /** While true, {@code onLow} runs when a reader drains the buffer to its low mark. */
    public void watchLow(boolean watch) {
        this.watchLow = watch;
    }

    /** Appends a batch without blocking; returns the size afterwards. Events arriving after close are dropped. */
    public int putAll(List<? extends EventImpl<?, ?>> batch) {
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
    public void put(EventImpl<?, ?> event) throws InterruptedException {
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

    /**
     * Puts events back at the head, in this order, ahead of everything buffered (a failed reader's events, to be
     * processed again in place). Never blocks; events pushed after close are dropped.
     */
    public void pushFront(List<? extends EventImpl<?, ?>> events) {
        int n = events.size();
        if (n == 0) {
            return;
        }
        lock.lock();
        try {
            if (closed) {
                events.forEach(EventImpl::drop);
                return;
            }
            ensureCapacity(size + n);
            int mask = ring.length - 1;
            head = (head - n) & mask;
            for (int i = 0; i < n; i++) {
                ring[(head + i) & mask] = events.get(i);
            }
            size += n;
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

    /**
     * Moves up to {@code max} events into {@code dst}, waiting until at least one is there or the ticker passes
     * {@code deadlineNanos} ({@link #NOW}: do not wait; {@link #NO_DEADLINE}: no deadline). Returns the count, 0
     * on timeout, or {@link #CLOSED}.
     */
    public int drainTo(EventImpl<?, ?>[] dst, int max, long deadlineNanos) throws InterruptedException {
        if (max < 1 || max > dst.length) {
            throw new IllegalArgumentException(
                    "drainTo max must be between 1 and the array's length " + dst.length + ", got " + max);
        }
        int n;
        boolean reachedLow;
        lock.lock();
        try {
            while (size == 0) {
                if (closed) {
                    return CLOSED;
                }
                if (deadlineNanos == NOW) {
                    return 0;
                }
                if (deadlineNanos == NO_DEADLINE) {
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
            reachedLow = watchLow && size <= low;
        } finally {
            lock.unlock();
        }
        if (reachedLow) {
            onLow.run();
        }
        return n;
    }

    /**
     * True when the readers are behind: at least the low mark is buffered. The Conductor then decodes records
     * itself (it has time to spare while the readers are the bottleneck) instead of leaving it to them.
     */
    public boolean backlogged() {
        return level >= Math.max(1, low);
    }

    /** The number of buffered events, read without the lock (it may be a moment old). */
    public int level() {
        return level;
    }

    /** Drops buffered events of revoked partitions (they will be fetched again by whoever owns them next). */
    public void dropStale() {
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
    public void close() {
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
        for (PartitionWatcher w : watchers) {
            w.closed(); // a dispatcher's feeder may be waiting for room, not on this buffer
        }
    }
}
