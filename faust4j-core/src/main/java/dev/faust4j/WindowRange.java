package dev.faust4j;

import java.time.Instant;

/**
 * One event-time window of a {@link WindowedTable}: the half-open interval {@code [startMs, endMs)} of epoch
 * milliseconds (Faust's {@code WindowRange}, Kafka Streams' {@code Window}).
 *
 * <pre>{@code
 * WindowRange w = new WindowRange(60_000, 120_000);   // the minute from 00:01:00 to 00:02:00 UTC, 1970-01-01
 * w.contains(119_999);                                // true: the end is exclusive
 * w.start();                                          // 1970-01-01T00:01:00Z
 * }</pre>
 *
 * <p>Faust writes a window as {@code (start, start + size - 0.1)} in float seconds, so its nominal end is not a
 * bound at all (a record at {@code start + size - 0.05} belongs to the window but lies after its "end",
 * robinhood/faust#576). Here the end is exclusive and exact: a timestamp belongs to the window when
 * {@code startMs <= t < endMs}. Faust's form exists only on the wire, in a windowed table's changelog keys.
 *
 * <p>Thread-safety: immutable.
 *
 * @param startMs the first millisecond in the window
 * @param endMs   the first millisecond after the window; greater than {@code startMs}
 */
public record WindowRange(long startMs, long endMs) implements Comparable<WindowRange> {

    /**
     * The largest magnitude of a window bound: 2<sup>53</sup> ms (about 285,000 years), so that every bound converts
     * to a {@code double} exactly (Faust's float seconds).
     */
    public static final long MAX_MS = 1L << 53;

    /**
     * @throws IllegalArgumentException when a bound is beyond {@link #MAX_MS} or the end is not after the start
     */
    public WindowRange {
        if (Math.abs(startMs) > MAX_MS || Math.abs(endMs) > MAX_MS) {
            throw new IllegalArgumentException("window bounds must be within +/-" + MAX_MS + " ms, were startMs="
                    + startMs + ", endMs=" + endMs);
        }
        if (endMs <= startMs) {
            throw new IllegalArgumentException("window endMs must be after startMs, were startMs=" + startMs
                    + ", endMs=" + endMs);
        }
    }

    /** The first instant in the window. */
    public Instant start() {
        return Instant.ofEpochMilli(startMs);
    }

    /** The first instant after the window. */
    public Instant end() {
        return Instant.ofEpochMilli(endMs);
    }

    /** The window's length in milliseconds. */
    public long sizeMs() {
        return endMs - startMs;
    }

    /** Whether {@code timestampMs} falls into this window ({@code startMs <= timestampMs < endMs}). */
    public boolean contains(long timestampMs) {
        return startMs <= timestampMs && timestampMs < endMs;
    }

    /** Orders windows by start, then by end. */
    @Override
    public int compareTo(WindowRange other) {
        int byStart = Long.compare(startMs, other.startMs);
        return byStart != 0 ? byStart : Long.compare(endMs, other.endMs);
    }

    @Override
    public String toString() {
        return "[" + start() + ", " + end() + ")";
    }
}
