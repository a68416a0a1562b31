package dev.faust4j.internal.commit;

import dev.faust4j.time.Ticker;
import org.slf4j.Logger;

import java.time.Duration;

/**
 * The log lines of an operation that is retried on every commit and may fail many times in a row (a commit while
 * the broker is away fails every commit interval, five times a second): one WARN at the first failure, then at most
 * one WARN per {@code period} while the failures go on (how long, how many attempts, the last error), and one INFO
 * when the operation succeeds again. A broker outage thus yields a handful of lines, not thousands.
 *
 * <p>Thread-safety: not thread-safe; the committer calls it from the poll thread only.
 */
final class RepeatingFailureLog {

    private final Logger log;
    private final Ticker ticker;
    private final long periodNanos;
    private final String what;
    private long failures;
    private long firstFailureNanos;
    private long lastLoggedNanos;

    /**
     * @param what what fails, as the subject of the log lines (for example {@code "Commits"})
     */
    RepeatingFailureLog(Logger log, Ticker ticker, Duration period, String what) {
        this.log = log;
        this.ticker = ticker;
        this.periodNanos = period.toNanos();
        this.what = what;
    }

    /** One more failure, with its error message (never a record's payload). */
    void failed(String error) {
        long now = ticker.nanoTime();
        if (failures++ == 0) {
            firstFailureNanos = now;
            lastLoggedNanos = now;
            log.warn("{} failed, will retry at the next commit: {}", what, error);
        } else if (now - lastLoggedNanos >= periodNanos) {
            lastLoggedNanos = now;
            log.warn("{} still failing after {} s ({} attempts), will retry at the next commit: {}", what,
                    seconds(now - firstFailureNanos), failures, error);
        }
    }

    /** A success: ends a run of failures, if there was one. */
    void succeeded() {
        if (failures > 0) {
            log.info("{} go through again after {} s ({} failed attempts)", what,
                    seconds(ticker.nanoTime() - firstFailureNanos), failures);
            failures = 0;
        }
    }

    private static long seconds(long nanos) {
        return Math.round(nanos / 1e9);
    }
}
