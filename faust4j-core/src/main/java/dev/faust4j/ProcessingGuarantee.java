package dev.faust4j;

import java.util.Locale;

/**
 * What a worker promises about the records it consumes and the records it sends because of them (Faust's
 * {@code processing_guarantee}, Kafka Streams' {@code processing.guarantee}).
 *
 * <pre>{@code
 * App app = App.builder("orders")
 *     .broker("kafka://localhost:9092")
 *     .processingGuarantee(ProcessingGuarantee.EXACTLY_ONCE)   // or PROCESSING_GUARANTEE=exactly_once
 *     .workerId(System.getenv("HOSTNAME"))                     // stable across restarts: fences the old instance
 *     .build();
 * }</pre>
 *
 * <p>Side effects outside Kafka (HTTP calls, database writes, log lines) are at-least-once in both modes: after a
 * crash the records above the last commit are processed again, and so are their side effects.
 *
 * <p><b>Thread-safety:</b> immutable.
 */
public enum ProcessingGuarantee {
    /**
     * The default. Every record is processed at least once: an offset is committed only once the record's agent
     * finished and every send it caused was acknowledged; after a crash the records above the last commit are
     * processed again, so their outputs may be written twice. A clean stop or rebalance writes nothing twice.
     */
    AT_LEAST_ONCE,
    /**
     * Every record's outputs (agent sends, {@code through}, {@code echo}, {@code groupBy}, dead letters) and its
     * offset commit become visible together, once, to readers that read committed records ({@code read_committed},
     * which is how faust4j's own consumers then read). A worker's sends and commits are one Kafka transaction per
     * commit interval (100 ms unless set); a failure aborts it and the worker processes the same records again, so
     * nothing aborted is ever seen. Sends made outside any record (from {@code main}, a timer or a task) join the
     * transaction open at that moment: their future completes when it commits, and fails if it is aborted (send
     * again then). A worker replaced by a newer instance with the same {@code workerId} is fenced and stops.
     * {@code take(max)} needs a {@code within} (a partial batch would hold back every commit).
     */
    EXACTLY_ONCE;

    /** Faust's name: {@code at_least_once} or {@code exactly_once}. */
    public String faustName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Reads Faust's name ({@code at_least_once}, {@code exactly_once}; case, dashes and dots are ignored).
     *
     * @throws IllegalArgumentException for any other text
     */
    public static ProcessingGuarantee parse(String text) {
        String t = text.trim().toUpperCase(Locale.ROOT).replace('-', '_').replace('.', '_');
        for (ProcessingGuarantee g : values()) {
            if (g.name().equals(t)) {
                return g;
            }
        }
        throw new IllegalArgumentException(
                "processingGuarantee must be at_least_once or exactly_once, got '" + text + "'");
    }
}
