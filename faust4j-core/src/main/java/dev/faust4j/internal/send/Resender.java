package dev.faust4j.internal.send;

import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends again, with backoff, the tied sends that failed with a retriable error: how a worker rides out a broker
 * outage.
 *
 * <p>Design. One virtual thread, started on the first retry, works through a FIFO queue: each entry waits its
 * backoff (100 ms, doubling, at most 5 s) by the app's {@link Ticker}, then is sent again. While anything is
 * queued the worker is "in an outage": flow control pauses every partition (nothing new is fetched), the
 * records whose outputs wait stay uncommitted, and a WARN says so every 5 s. A send retried for longer than
 * {@code sendRetryTimeout} fails for good and goes to its events' policy. On stop, queued sends are abandoned:
 * their events stay uncommitted and are processed again by the next owner.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Resender {
    private static final Logger log = LoggerFactory.getLogger(Resender.class);
    private static final long FIRST_BACKOFF = Duration.ofMillis(100).toNanos();
    private static final long MAX_BACKOFF = Duration.ofSeconds(5).toNanos();
    private static final long WARN_EVERY = Duration.ofSeconds(5).toNanos();

    private final Ticker ticker;
    private final long retryTimeoutNanos;
    private final String appId;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private Thread thread;
    private boolean stopped;
    private long outageSince = Long.MIN_VALUE;
    private long lastWarn;
    private long resent;
    private volatile int waiting;

    private record Entry(Retryable send, long due) {}

    /** A send that can be made again. */
    interface Retryable {
        /** The topic, for logs. */
        String topic();

        /** Attempts made so far. */
        int attempts();

        /** When it first failed (ticker nanos), or {@code Long.MIN_VALUE}. */
        long firstFailureNanos();

        void firstFailureNanos(long nanos);

        /** Sends it again; its outcome is routed as the first attempt's was. */
        void sendAgain();

        /** Gives up without applying any policy: its causes stay uncommitted. */
        void abandon(Throwable reason);
    }

    /**
     * @param ticker       the app's clock
     * @param retryTimeout how long a send is retried before it fails for good ({@code sendRetryTimeout})
     * @param appId        for logs
     */
    public Resender(Ticker ticker, Duration retryTimeout, String appId) {
        this.ticker = ticker;
        this.retryTimeoutNanos = saturatedNanos(retryTimeout);
        this.appId = appId;
    }

    /** True while sends wait to be retried: the worker stops fetching until they are delivered. */
    public boolean inOutage() {
        return waiting > 0;
    }

    /** Queues a send for another attempt; false when it has been retried long enough (or the worker stops). */
    boolean retry(Retryable send, Throwable error) {
        long now = ticker.nanoTime();
        if (send.firstFailureNanos() == Long.MIN_VALUE) {
            send.firstFailureNanos(now);
        } else if (now - send.firstFailureNanos() >= retryTimeoutNanos) {
            log.error("A send to {} failed for {} s with retriable errors (sendRetryTimeout); it fails for good: {}",
                    send.topic(), (now - send.firstFailureNanos()) / 1_000_000_000L, error.toString());
            return false;
        }
        long backoff = Math.min(MAX_BACKOFF, FIRST_BACKOFF << Math.min(20, Math.max(0, send.attempts() - 1)));
        lock.lock();
        try {
            if (stopped) {
                return false;
            }
            if (queue.isEmpty() && outageSince == Long.MIN_VALUE) {
                outageSince = now;
                lastWarn = now;
                log.warn("app {}: sending to {} failed ({}); retrying, and fetching is paused until sends go through",
                        appId, send.topic(), error.toString());
            }
            queue.addLast(new Entry(send, now + backoff));
            waiting = queue.size();
            if (thread == null) {
                thread = Thread.ofVirtual().name("faust4j-resend-" + appId).start(this::run);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        return true;
    }

    private void run() {
        while (true) {
            Entry next;
            lock.lock();
            try {
                while (!stopped && (queue.isEmpty() || ticker.nanoTime() < queue.peekFirst().due())) {
                    warnIfDue();
                    // idle: wait for a send to retry (the warning deadline belongs to an outage, and a past one would
                    // make this loop spin with the lock held); in an outage: the head's backoff or the next warning
                    long deadline = queue.isEmpty() ? ticker.nanoTime() + WARN_EVERY
                            : Math.min(queue.peekFirst().due(), lastWarn + WARN_EVERY);
                    ticker.awaitUntil(changed, deadline);
                }
                if (stopped) {
                    return;
                }
                next = queue.pollFirst();
                resent++;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            next.send().sendAgain();
            lock.lock();
            try {
                waiting = queue.size();
                if (queue.isEmpty() && outageSince != Long.MIN_VALUE) {
                    long seconds = (ticker.nanoTime() - outageSince) / 1_000_000_000L;
                    log.info("app {}: sends go through again after {} s ({} re-sent); fetching resumes", appId, seconds,
                            resent);
                    outageSince = Long.MIN_VALUE;
                    resent = 0;
                }
            } finally {
                lock.unlock();
            }
        }
    }

    /** Call with the lock held. */
    private void warnIfDue() {
        long now = ticker.nanoTime();
        if (!queue.isEmpty() && now - lastWarn >= WARN_EVERY) {
            lastWarn = now;
            log.warn(
                    "app {}: {} send(s) still failing after {} s (broker unreachable?); their inputs stay uncommitted and fetching is paused",
                    appId, queue.size(), (now - outageSince) / 1_000_000_000L);
        }
    }

    /** Stops retrying: queued sends are abandoned (their events stay uncommitted). */
    public void stop() {
        List<Entry> abandoned;
        lock.lock();
        try {
            stopped = true;
            abandoned = new ArrayList<>(queue);
            queue.clear();
            waiting = 0;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        for (Entry e : abandoned) {
            e.send().abandon(new IllegalStateException("the worker stopped before the send could be retried"));
        }
        if (!abandoned.isEmpty()) {
            log.warn(
                    "app {}: {} send(s) were still failing at stop; their inputs stay uncommitted and will be processed again",
                    appId, abandoned.size());
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE;
        }
    }
}
