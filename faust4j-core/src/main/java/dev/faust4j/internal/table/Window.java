package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A kind of event-time window: which windows a timestamp falls into, and when they close and expire.
 *
 * <p>Design note (faust-tables.md §5.1): the arithmetic is Faust's ({@code faust/windows.py}), done exactly on
 * {@code long} epoch milliseconds instead of float seconds truncated by {@code int()}, so sizes and steps may be
 * any whole number of milliseconds and reads and writes always agree. For whole-second windows the windows are
 * exactly Faust's, so the changelog keys match a Python worker's ({@link WindowedKeyCodec}).
 * <ul>
 *   <li>{@link Hopping}: the windows containing {@code t} start at {@code floor(t / step) * step - size + step}
 *       and every {@code step} after that, up to {@code t}, in ascending order. Their exclusive ends are
 *       multiples of {@code step} (so their starts are too when {@code size} is a multiple of {@code step}).</li>
 *   <li>{@link Tumbling}: hopping with {@code step = size}, exactly one window.</li>
 *   <li>{@link Sliding}: one window around each timestamp, {@code t - before} to {@code t + after}, both
 *       inclusive (so {@code [t - before, t + after + 1)} as a {@link WindowRange}).</li>
 * </ul>
 * Differences from Faust, on purpose: {@code step} may not exceed {@code size} (Faust then leaves timestamps in no
 * window); timestamps must be in {@code [0, }{@link Millis#MAX}{@code ]} (Kafka's "no timestamp", -1, is refused
 * instead of landing in a 1969 window); closing and expiry follow {@link Expiry}.
 *
 * <p>Thread-safety: every implementation is an immutable record.
 */
sealed interface Window permits Window.Tumbling, Window.Hopping, Window.Sliding {

    /** At most this many windows per timestamp ({@code size / step} for hopping windows). */
    int MAX_WINDOWS_PER_TIMESTAMP = 10_000;

    /** Tumbling windows of {@code size} (Faust's {@code tumbling(size)}), no grace, never expiring. */
    static Tumbling tumbling(Duration size) {
        return new Tumbling(Millis.positive("size", size), Expiry.DEFAULT);
    }

    /** Hopping windows of {@code size} every {@code step} (Faust's {@code hopping(size, step)}). */
    static Hopping hopping(Duration size, Duration step) {
        return new Hopping(Millis.positive("size", size), Millis.positive("step", step), Expiry.DEFAULT);
    }

    /** One window per timestamp, from {@code before} it to {@code after} it (Faust's {@code Sliding}). */
    static Sliding sliding(Duration before, Duration after) {
        return new Sliding(Millis.nonNegative("before", before), Millis.nonNegative("after", after),
                Expiry.DEFAULT);
    }

    /**
     * The windows {@code timestampMs} falls into, in Faust's order (ascending start); never empty.
     *
     * @throws IllegalArgumentException if the timestamp is negative or above {@link Millis#MAX}
     */
    List<WindowRange> ranges(long timestampMs);

    /** When windows close and expire. */
    Expiry expiry();

    /** A copy with another {@link Expiry}. */
    Window withExpiry(Expiry expiry);

    /** A copy whose windows expire {@code expires} after their end (Faust's {@code expires}). */
    default Window expires(Duration expires) {
        return withExpiry(expiry().withExpires(expires));
    }

    /** A copy whose windows accept late records for {@code grace} after their end. */
    default Window grace(Duration grace) {
        return withExpiry(expiry().withGrace(grace));
    }

    /** The latest window containing {@code timestampMs} (Faust's {@code current}). */
    default WindowRange current(long timestampMs) {
        List<WindowRange> ranges = ranges(timestampMs);
        return ranges.get(ranges.size() - 1);
    }

    /** The oldest window containing {@code timestampMs} (Faust's {@code earliest}). */
    default WindowRange earliest(long timestampMs) {
        return ranges(timestampMs).get(0);
    }

    /** Whether {@code window} no longer accepts records at {@code nowMs} (see {@link Expiry#isClosed}). */
    default boolean isClosed(WindowRange window, long nowMs) {
        return expiry().isClosed(window, nowMs);
    }

    /** Whether {@code window}'s state may be dropped at {@code nowMs} (see {@link Expiry#isExpired}). */
    default boolean isExpired(WindowRange window, long nowMs) {
        return expiry().isExpired(window, nowMs);
    }

    /**
     * Fixed-size, non-overlapping windows aligned to the epoch: {@code [floor(t / size) * size, + size)}.
     *
     * @param sizeMs the window length, positive
     * @param expiry when windows close and expire
     */
    record Tumbling(long sizeMs, Expiry expiry) implements Window {

        public Tumbling {
            Millis.checkPositive("size", sizeMs);
            Objects.requireNonNull(expiry, "expiry");
        }

        @Override
        public List<WindowRange> ranges(long timestampMs) {
            long start = Math.floorDiv(Millis.checkTimestamp(timestampMs), sizeMs) * sizeMs;
            return List.of(new WindowRange(start, start + sizeMs));
        }

        @Override
        public Tumbling withExpiry(Expiry expiry) {
            return new Tumbling(sizeMs, expiry);
        }
    }

    /**
     * Fixed-size windows starting every {@code step}; a timestamp falls into about {@code size / step} of them.
     *
     * @param sizeMs the window length, positive
     * @param stepMs the distance between window starts, positive and at most {@code sizeMs}
     * @param expiry when windows close and expire
     */
    record Hopping(long sizeMs, long stepMs, Expiry expiry) implements Window {

        public Hopping {
            Millis.checkPositive("size", sizeMs);
            Millis.checkPositive("step", stepMs);
            Objects.requireNonNull(expiry, "expiry");
            if (stepMs > sizeMs) {
                throw new IllegalArgumentException("step (" + stepMs + " ms) must not exceed size (" + sizeMs
                        + " ms): timestamps between windows would fall into none");
            }
            if (Math.ceilDiv(sizeMs, stepMs) > MAX_WINDOWS_PER_TIMESTAMP) {
                throw new IllegalArgumentException("size / step must be at most " + MAX_WINDOWS_PER_TIMESTAMP
                        + " (each record updates that many windows), was size=" + sizeMs + " ms, step=" + stepMs
                        + " ms");
            }
        }

        @Override
        public List<WindowRange> ranges(long timestampMs) {
            long t = Millis.checkTimestamp(timestampMs);
            long first = Math.floorDiv(t, stepMs) * stepMs - sizeMs + stepMs;
            int count = Math.toIntExact((t - first) / stepMs + 1);
            WindowRange[] ranges = new WindowRange[count];
            for (int i = 0; i < count; i++) {
                long start = first + i * stepMs;
                ranges[i] = new WindowRange(start, start + sizeMs);
            }
            return List.of(ranges);
        }

        @Override
        public Hopping withExpiry(Expiry expiry) {
            return new Hopping(sizeMs, stepMs, expiry);
        }
    }

    /**
     * One window per timestamp {@code t}: from {@code t - before} to {@code t + after}, both inclusive. Faust has
     * this window type but no table method for it; each distinct timestamp makes its own window.
     *
     * @param beforeMs how far the window reaches before the timestamp, zero or more
     * @param afterMs  how far the window reaches after the timestamp, zero or more
     * @param expiry   when windows close and expire
     */
    record Sliding(long beforeMs, long afterMs, Expiry expiry) implements Window {

        public Sliding {
            Millis.checkNonNegative("before", beforeMs);
            Millis.checkNonNegative("after", afterMs);
            Objects.requireNonNull(expiry, "expiry");
        }

        @Override
        public List<WindowRange> ranges(long timestampMs) {
            long t = Millis.checkTimestamp(timestampMs);
            return List.of(new WindowRange(t - beforeMs, t + afterMs + 1));
        }

        @Override
        public Sliding withExpiry(Expiry expiry) {
            return new Sliding(beforeMs, afterMs, expiry);
        }
    }
}
