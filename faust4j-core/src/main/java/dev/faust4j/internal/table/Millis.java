package dev.faust4j.internal.table;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks for the window math: durations and timestamps as whole epoch milliseconds within
 * {@code [0, }{@link #MAX}{@code ]}, with messages that name the parameter.
 *
 * <p>Design note: all window arithmetic is exact {@code long} arithmetic on milliseconds (Faust computes in float
 * seconds and truncates with {@code int()}, which is why its sizes must be whole seconds). Bounding every input by
 * {@link #MAX} keeps every sum of a timestamp and a duration far from overflow.
 *
 * <p>Thread-safety: stateless.
 */
final class Millis {

    /** The largest timestamp or duration accepted: 2<sup>52</sup> - 1 ms, about 142,000 years. */
    static final long MAX = (1L << 52) - 1;

    private Millis() {
    }

    /** {@code duration} in milliseconds; it must be positive and a whole number of milliseconds. */
    static long positive(String name, Duration duration) {
        long ms = nonNegative(name, duration);
        if (ms == 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + duration);
        }
        return ms;
    }

    /** {@code duration} in milliseconds; it must be zero or positive and a whole number of milliseconds. */
    static long nonNegative(String name, Duration duration) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, was " + duration);
        }
        if (duration.compareTo(Duration.ofMillis(MAX)) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX + " ms, was " + duration);
        }
        long ms = duration.toMillis();
        if (!Duration.ofMillis(ms).equals(duration)) {
            throw new IllegalArgumentException(name + " must be a whole number of milliseconds, was " + duration);
        }
        return ms;
    }

    /** Checks a duration already in milliseconds: {@code 0 < ms <= MAX}. */
    static long checkPositive(String name, long ms) {
        if (ms <= 0 || ms > MAX) {
            throw new IllegalArgumentException(name + " must be between 1 and " + MAX + " ms, was " + ms);
        }
        return ms;
    }

    /** Checks a duration already in milliseconds: {@code 0 <= ms <= MAX}. */
    static long checkNonNegative(String name, long ms) {
        if (ms < 0 || ms > MAX) {
            throw new IllegalArgumentException(name + " must be between 0 and " + MAX + " ms, was " + ms);
        }
        return ms;
    }

    /** Checks an event timestamp: {@code 0 <= timestampMs <= MAX} (Kafka's "no timestamp" is -1). */
    static long checkTimestamp(long timestampMs) {
        if (timestampMs < 0 || timestampMs > MAX) {
            throw new IllegalArgumentException("timestampMs must be an epoch time between 0 and " + MAX
                    + " ms, was " + timestampMs + (timestampMs == -1 ? " (Kafka's \"no timestamp\")" : ""));
        }
        return timestampMs;
    }
}
