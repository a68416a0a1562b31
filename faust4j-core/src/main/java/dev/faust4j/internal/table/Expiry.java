package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import java.time.Duration;

/**
 * When a window stops accepting records (closes) and when its state may be dropped (expires), relative to a
 * given "now" in epoch milliseconds. Whether "now" is stream time (the largest event timestamp seen in a
 * partition) or the wall clock is the caller's choice; the math here is pure.
 *
 * <p>Design note (faust-tables.md §5.4, §5.5, §8.2 item 11): Faust has no grace period (a late record silently
 * updates a closed window, which the sweep deletes again) and judges staleness as
 * {@code end <= current(now - expires).start}, i.e. against a window-aligned instant. Here:
 * <ul>
 *   <li>a window is <em>closed</em> once {@code endMs + graceMs <= nowMs}; a record for a closed window is late
 *       (Kafka Streams' rule, with the exclusive end of {@link WindowRange});</li>
 *   <li>a window is <em>expired</em> once {@code endMs + expiresMs <= nowMs}: its state is kept for
 *       {@code expires} after its end, exactly, not rounded to a window boundary (Faust drops it up to one step
 *       later). Without {@code expires} a window never expires.</li>
 * </ul>
 * {@code expires} must be at least {@code grace}, so no window is dropped while it still accepts records.
 *
 * <p>Thread-safety: immutable.
 *
 * @param graceMs   how long after its end a window still accepts late records; zero or more
 * @param expiresMs how long after its end a window's state is kept, or {@link #NEVER}
 */
record Expiry(long graceMs, long expiresMs) {

    /** The {@code expiresMs} of windows that never expire (Faust's {@code expires=None}). */
    static final long NEVER = Long.MAX_VALUE;

    /** No grace, never expires: Faust's default. */
    static final Expiry DEFAULT = new Expiry(0, NEVER);

    Expiry {
        Millis.checkNonNegative("grace", graceMs);
        if (expiresMs != NEVER) {
            Millis.checkPositive("expires", expiresMs);
            if (expiresMs < graceMs) {
                throw new IllegalArgumentException("expires (" + expiresMs + " ms) must be at least grace ("
                        + graceMs + " ms): a window must not be dropped while it still accepts records");
            }
        }
    }

    /** A copy with {@code expires}, a positive whole number of milliseconds. */
    Expiry withExpires(Duration expires) {
        return new Expiry(graceMs, Millis.positive("expires", expires));
    }

    /** A copy with {@code grace}, zero or a positive whole number of milliseconds. */
    Expiry withGrace(Duration grace) {
        return new Expiry(Millis.nonNegative("grace", grace), expiresMs);
    }

    /** Whether windows expire at all. */
    boolean expires() {
        return expiresMs != NEVER;
    }

    /** Whether {@code window} no longer accepts records at {@code nowMs}: {@code endMs + graceMs <= nowMs}. */
    boolean isClosed(WindowRange window, long nowMs) {
        return window.endMs() + graceMs <= nowMs;
    }

    /** Whether {@code window}'s state may be dropped at {@code nowMs}: {@code endMs + expiresMs <= nowMs}. */
    boolean isExpired(WindowRange window, long nowMs) {
        return expiresMs != NEVER && window.endMs() + expiresMs <= nowMs;
    }
}
