package dev.faust4j.internal.failure;

import dev.faust4j.time.Ticker;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keeps per-record failure lines from flooding the log (a topic full of undecodable records, an agent that throws on
 * every record): of each kind of line, at most {@code perWindow} are logged per window; the others are counted, and
 * the first line logged after them says how many were left out. Lines that stop the worker are not budgeted.
 *
 * <p>Thread-safety: thread-safe. It is called on failure paths only, never per record that succeeds, so one lock is
 * enough.
 */
final class LogBudget {

    private final Ticker ticker;
    private final int perWindow;
    private final long windowNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Kind> kinds = new HashMap<>(); // guarded by lock

    private static final class Kind {
        long windowStart;
        int logged;
        long suppressed;
    }

    LogBudget(Ticker ticker, int perWindow, Duration window) {
        if (perWindow < 1) {
            throw new IllegalArgumentException("perWindow must be at least 1, got " + perWindow);
        }
        this.ticker = ticker;
        this.perWindow = perWindow;
        this.windowNanos = window.toNanos();
    }

    /**
     * Asks to log one line of this kind: returns -1 when it must not be logged (counted instead), otherwise how many
     * lines of this kind were left out since the last one logged (0 if none).
     */
    long take(String kind) {
        long now = ticker.nanoTime();
        lock.lock();
        try {
            Kind k = kinds.computeIfAbsent(kind, x -> {
                Kind fresh = new Kind();
                fresh.windowStart = now;
                return fresh;
            });
            if (now - k.windowStart >= windowNanos) {
                k.windowStart = now;
                k.logged = 0;
            }
            if (k.logged >= perWindow) {
                k.suppressed++;
                return -1;
            }
            k.logged++;
            long left = k.suppressed;
            k.suppressed = 0;
            return left;
        } finally {
            lock.unlock();
        }
    }

    /** The suffix for a line after {@code suppressed} lines were left out: empty when none were. */
    static String leftOut(long suppressed) {
        return suppressed <= 0 ? "" : " (" + suppressed + " more like it not logged before this one)";
    }
}
