package dev.faust4j.time;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;

/**
 * The clock faust4j reads for everything timed: commit intervals, {@code take(max, within)}, timers.
 * Production uses {@link #system()}; tests inject a {@link ManualTicker} and advance it by hand, so no test
 * sleeps.
 *
 * <p><b>Thread-safety:</b> implementations are thread-safe.
 */
public interface Ticker {

    /** Monotonic time in nanoseconds (only differences are meaningful). */
    long nanoTime();

    /**
     * Waits on {@code condition} (whose lock the caller holds) until it is signalled or this ticker passes
     * {@code deadlineNanos}. May return early (spuriously): callers re-check their state and the deadline.
     */
    void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException;

    /** The system's monotonic clock. */
    static Ticker system() {
        return SystemTicker.INSTANCE;
    }
}

enum SystemTicker implements Ticker {
    INSTANCE;

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    @SuppressWarnings("WaitNotInLoop") // one wait by contract: awaitUntil may return early, callers loop
    public void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException {
        long remaining = deadlineNanos - System.nanoTime();
        if (remaining > 0) {
            condition.await(remaining, TimeUnit.NANOSECONDS);
        }
    }
}
