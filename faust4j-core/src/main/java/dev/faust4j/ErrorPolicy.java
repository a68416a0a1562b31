package dev.faust4j;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * What to do with a record that failed: one that could not be decoded, whose agent threw, or whose output could
 * not be sent.
 *
 * <ul>
 *   <li>{@link Skip}: log topic, partition, offset and the error (never the payload), ack, go on. Faust's
 *       behaviour and the default.</li>
 *   <li>{@link DeadLetter}: send the original key, value and headers byte for byte to a dead-letter topic, with
 *       headers naming the origin, the error and the attempts, then ack. The commit moves past the record only
 *       once the dead-letter copy is durable. A record is never dead-lettered back into a topic it came from.</li>
 *   <li>{@link Fail}: stop the worker with exit code 1. Delivery stops at once; every finished record is
 *       committed, the failed one is not: it is the first record read after the fix.</li>
 *   <li>{@link Retry}: process the record again, in place (before the records after it in its partition),
 *       after a backoff, up to a number of attempts; then apply another policy.</li>
 * </ul>
 *
 * <pre>{@code
 * app.agent(payments, stream -> { ... })
 *    .onError(ErrorPolicy.retry(3, Duration.ofMillis(200), ErrorPolicy.deadLetter("payments-dlq")));
 * }</pre>
 *
 * <p>Where each policy applies:
 * <ul>
 *   <li><b>Agent errors</b> (the agent's {@link Agent#onError} or the app's {@code agentErrorPolicy}): the events
 *       in hand when it threw (the value being processed, or a {@code take} batch). On a {@link EventStream#noack()}
 *       stream the events you have not acked are never acked or dead-lettered for you: they are processed again
 *       (after the backoff of a retry policy), unless the policy is fail.</li>
 *   <li><b>Decode errors</b> (the topic's, or the app's {@code decodeErrorPolicy}): decoding is deterministic, so a
 *       retry policy goes straight to its final policy.</li>
 *   <li><b>Send errors</b>: a record sent because of an event (an agent's send while it holds the event,
 *       {@code through}, {@code echo}, {@code groupBy}, a dead letter) that fails for good: the reader's agent
 *       error policy applies to the input event. Retriable errors (the broker is unreachable) are retried by the
 *       worker first, as long as {@code sendRetryTimeout} allows; a retry policy then goes to its final policy.</li>
 * </ul>
 * Immutable values; thread-safe.
 */
public sealed interface ErrorPolicy
        permits ErrorPolicy.Skip, ErrorPolicy.DeadLetter, ErrorPolicy.Fail, ErrorPolicy.Retry {

    /** Log and skip (ack) the record. */
    static ErrorPolicy skip() {
        return Skip.INSTANCE;
    }

    /** Send the record to {@code topic}, then ack it. */
    static ErrorPolicy deadLetter(String topic) {
        return new DeadLetter(topic);
    }

    /** Stop the worker, leaving the record uncommitted. */
    static ErrorPolicy fail() {
        return Fail.INSTANCE;
    }

    /**
     * Process the record again, up to {@code attempts} times in all, waiting {@code backoff} before the second
     * attempt and twice as long before each further one (at most one minute); then apply {@code then}.
     *
     * @throws IllegalArgumentException when {@code attempts < 1}, {@code backoff} is negative or {@code then} is a
     *                                  retry policy
     */
    static ErrorPolicy retry(int attempts, Duration backoff, ErrorPolicy then) {
        return new Retry(attempts, backoff, then);
    }

    /** The policy that applies once retries are exhausted: this one, or a retry policy's {@code then}. */
    default ErrorPolicy terminal() {
        return this;
    }

    /**
     * Parses {@code skip}, {@code fail}, {@code dead-letter:<topic>} or {@code retry:<attempts>:<backoff>:<then>}
     * (backoff in seconds, or with a unit: {@code 250ms}, {@code 2s}; for example {@code retry:3:0.5:dead-letter:dlq}),
     * as used in properties and environment variables.
     */
    static ErrorPolicy parse(String text) {
        String t = Objects.requireNonNull(text, "error policy").trim();
        String lower = t.toLowerCase(Locale.ROOT);
        if (lower.equals("skip")) {
            return skip();
        }
        if (lower.equals("fail")) {
            return fail();
        }
        if (lower.startsWith("dead-letter:") && t.length() > 12) {
            return deadLetter(t.substring(12));
        }
        if (lower.startsWith("retry:")) {
            String[] parts = t.split(":", 4);
            if (parts.length == 4) {
                try {
                    return retry(Integer.parseInt(parts[1].trim()), DurationText.parse(parts[2]), parse(parts[3]));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(
                            "error policy '" + text + "': attempts and backoff must be numbers", e);
                }
            }
        }
        throw new IllegalArgumentException("unknown error policy '" + text
                + "': use skip, fail, dead-letter:<topic> or retry:<attempts>:<backoff seconds>:<policy>");
    }

    /** Log and skip. */
    record Skip() implements ErrorPolicy {
        static final Skip INSTANCE = new Skip();

        @Override
        public String toString() {
            return "skip";
        }
    }

    /**
     * Route to a dead-letter topic.
     *
     * @param topic the dead-letter topic
     */
    record DeadLetter(String topic) implements ErrorPolicy {
        public DeadLetter {
            Objects.requireNonNull(topic, "dead-letter topic");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("dead-letter topic must not be blank");
            }
        }

        @Override
        public String toString() {
            return "dead-letter:" + topic;
        }
    }

    /** Stop the worker. */
    record Fail() implements ErrorPolicy {
        static final Fail INSTANCE = new Fail();

        @Override
        public String toString() {
            return "fail";
        }
    }

    /**
     * Retry in place, then apply another policy.
     *
     * @param attempts attempts in all, at least 1 (1 means no retry)
     * @param backoff  wait before the second attempt; doubled before each further one, at most one minute
     * @param then     the policy once the attempts are used up (not a retry policy)
     */
    record Retry(int attempts, Duration backoff, ErrorPolicy then) implements ErrorPolicy {
        /** The longest wait between two attempts. */
        public static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

        public Retry {
            if (attempts < 1) {
                throw new IllegalArgumentException("retry attempts must be >= 1, got " + attempts);
            }
            Objects.requireNonNull(backoff, "retry backoff");
            if (backoff.isNegative()) {
                throw new IllegalArgumentException("retry backoff must not be negative, got " + backoff);
            }
            Objects.requireNonNull(then, "retry then");
            if (then instanceof Retry) {
                throw new IllegalArgumentException(
                        "a retry policy's final policy cannot be another retry: use more attempts");
            }
        }

        /** The wait before attempt {@code next} (2 or more): backoff, doubled per further attempt, at most one minute. */
        public Duration backoffBefore(int next) {
            Duration d = backoff;
            for (int i = 2; i < next && d.compareTo(MAX_BACKOFF) < 0; i++) {
                d = d.multipliedBy(2);
            }
            return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
        }

        @Override
        public ErrorPolicy terminal() {
            return then;
        }

        @Override
        public String toString() {
            return "retry:" + attempts + ":" + (backoff.toNanos() / 1e9) + ":" + then;
        }
    }
}
