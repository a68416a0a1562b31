package dev.faust4j.internal.table;

/**
 * One event-time window: the half-open interval {@code [startMs, endMs)} of epoch milliseconds.
 *
 * <p>Design note: Faust represents a window as {@code (start, start + size - 0.1)} in float seconds, so its
 * nominal end is not a bound at all (a record at {@code start + size - 0.05} belongs to the window but lies
 * after its "end", robinhood/faust#576). Here the end is exclusive and exact: a timestamp belongs to the window
 * when {@code startMs <= t < endMs}. Faust's form exists only on the wire ({@link WindowedKeyCodec}).
 *
 * <p>Thread-safety: immutable.
 *
 * @param startMs the first millisecond in the window
 * @param endMs   the first millisecond after the window; greater than {@code startMs}
 */
record WindowRange(long startMs, long endMs) {

    /**
     * The largest magnitude of a window bound: 2<sup>53</sup> ms (about 285,000 years). Timestamps and durations
     * are limited to half of it ({@link Millis#MAX}), so a timestamp plus a duration is always a valid bound, and
     * every bound converts to a {@code double} exactly.
     */
    static final long MAX_MS = 1L << 53;

    WindowRange {
        if (Math.abs(startMs) > MAX_MS || Math.abs(endMs) > MAX_MS) {
            throw new IllegalArgumentException("window bounds must be within +/-" + MAX_MS + " ms, were startMs="
                    + startMs + ", endMs=" + endMs);
        }
        if (endMs <= startMs) {
            throw new IllegalArgumentException("window endMs must be after startMs, were startMs=" + startMs
                    + ", endMs=" + endMs);
        }
    }

    /** The window's length in milliseconds. */
    long sizeMs() {
        return endMs - startMs;
    }

    /** Whether {@code timestampMs} falls into this window ({@code startMs <= timestampMs < endMs}). */
    boolean contains(long timestampMs) {
        return startMs <= timestampMs && timestampMs < endMs;
    }

    @Override
    public String toString() {
        return "[" + startMs + ", " + endMs + ")";
    }
}
