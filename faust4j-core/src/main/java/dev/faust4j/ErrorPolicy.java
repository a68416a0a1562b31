package dev.faust4j;

import java.util.Objects;

/**
 * What to do with a record that failed: one that could not be decoded, or whose agent threw.
 *
 * <ul>
 *   <li>{@link Skip}: log topic, partition, offset and the error (never the payload), ack, go on. Faust's
 *       behaviour and the default.</li>
 *   <li>{@link DeadLetter}: send the original key, value and headers byte for byte to a dead-letter topic,
 *       with headers naming the origin and the error, then ack. The commit moves past the record only once
 *       the dead-letter send is durable.</li>
 *   <li>{@link Fail}: log and stop the worker with a non-zero exit, leaving the record unacked: the committed
 *       offset stays at it, so it is the first record read after the fix.</li>
 * </ul>
 * Immutable values; thread-safe.
 */
public sealed interface ErrorPolicy permits ErrorPolicy.Skip, ErrorPolicy.DeadLetter, ErrorPolicy.Fail {

    /** Log and skip (ack) the record. */
    static ErrorPolicy skip() { return Skip.INSTANCE; }

    /** Send the record to {@code topic}, then ack it. */
    static ErrorPolicy deadLetter(String topic) { return new DeadLetter(topic); }

    /** Stop the worker, leaving the record uncommitted. */
    static ErrorPolicy fail() { return Fail.INSTANCE; }

    /** Parses {@code skip}, {@code fail} or {@code dead-letter:<topic>}, as used in properties. */
    static ErrorPolicy parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("skip")) {
            return skip();
        }
        if (t.equalsIgnoreCase("fail")) {
            return fail();
        }
        if (t.regionMatches(true, 0, "dead-letter:", 0, 12) && t.length() > 12) {
            return deadLetter(t.substring(12));
        }
        throw new IllegalArgumentException("unknown error policy '" + text + "': use skip, fail or dead-letter:<topic>");
    }

    /** Log and skip. */
    record Skip() implements ErrorPolicy {
        static final Skip INSTANCE = new Skip();
    }

    /** Route to a dead-letter topic. @param topic the dead-letter topic */
    record DeadLetter(String topic) implements ErrorPolicy {
        public DeadLetter {
            Objects.requireNonNull(topic, "dead-letter topic");
            if (topic.isBlank()) {
                throw new IllegalArgumentException("dead-letter topic must not be blank");
            }
        }
    }

    /** Stop the worker. */
    record Fail() implements ErrorPolicy {
        static final Fail INSTANCE = new Fail();
    }
}
