package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * One record as one stream sees it: its decoded key and value, headers and position, and its ack.
 *
 * <p>A stream acks the event it gave you when it advances to the next one, when the agent throws (per the
 * agent's {@link ErrorPolicy}), and on shutdown. With {@link EventStream#noack()} you ack it yourself,
 * with {@link #ack()} or with try-with-resources (Faust's {@code async with event}):
 * <pre>{@code
 * for (Event<String, Order> event : stream.noack().events()) {
 *     try (event) {                // acked when the block exits
 *         process(event.value());
 *     }
 * }
 * }</pre>
 * Each delivery is acked at most once: calling {@link #ack()} again, or the stream acking an event you
 * acked, does nothing. A record's offset is committed only when every stream it was delivered to has acked it.
 *
 * <p><b>Thread-safety:</b> {@link #ack()} may be called from any thread; the rest is immutable.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Event<K, V> extends AutoCloseable {

    /** The decoded key, or null when the record has none (always null for channel events). */
    @Nullable
    K key();

    V value();

    List<Header> headers();

    /** Topic the record came from ({@code null} for channel events). */
    @Nullable
    String topic();

    /** Partition, or -1 for channel events. */
    int partition();

    /** Offset, or -1 for channel events. */
    long offset();

    /** Timestamp in epoch milliseconds, or -1 when unknown. */
    long timestamp();

    /** The record's key bytes as received, or null. */
    byte @Nullable [] rawKey();

    /** The record's value bytes as received, or null. */
    byte @Nullable [] rawValue();

    /**
     * Acknowledges this delivery: processing is complete and must not happen again.
     *
     * @return true when this call acked it (false when it was acked before)
     */
    boolean ack();

    /** True once this delivery is acked. */
    boolean isAcked();

    /** Same as {@link #ack()}: ends a try-with-resources block. */
    @Override
    default void close() {
        ack();
    }
}
