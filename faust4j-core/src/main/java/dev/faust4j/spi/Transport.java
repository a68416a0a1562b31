package dev.faust4j.spi;

import java.util.Collection;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Where records live: the in-memory transport ({@code memory://}, the default) or Kafka ({@code kafka://}).
 * A transport is created per {@link dev.faust4j.App} by a {@link TransportFactory} found with
 * {@link java.util.ServiceLoader}; the core does everything else (Conductor, acks, commits, flow control)
 * itself, identically on every transport.
 *
 * <p><b>Thread-safety:</b> thread-safe.
 */
public interface Transport extends AutoCloseable {

    /** Creates the worker's consumer, a member of the consumer group named by the app id. */
    TransportConsumer createConsumer();

    /** The shared producer (created on first use, closed with the transport). */
    TransportProducer producer();

    /**
     * Creates the worker's transactional producer (used instead of {@link #producer()} under exactly-once), closed
     * with the transport. Creating one with the {@code transactionalId} of a live
     * producer fences that one: its next transaction call fails with {@link TransactionFencedException}. Consumers of
     * a transport asked for this read committed records only.
     *
     * @throws UnsupportedOperationException when the transport has no transactions (the default)
     */
    default TransactionalProducer transactionalProducer(String transactionalId) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support transactions");
    }

    /**
     * Creates a reader of chosen partitions outside the consumer group, for restoring and following table
     * changelogs; the caller closes it. With {@code readCommitted} it sees only committed records (the last stable
     * offset is its end).
     *
     * @throws UnsupportedOperationException when the transport cannot (the default)
     */
    default ChangelogReader changelogReader(boolean readCommitted) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no changelog reader");
    }

    /**
     * Makes sure these topics exist, creating missing ones with the spec's partitions, replication and config
     * (existing topics are never modified). For an existing internal topic (agent topics, repartition topics)
     * a mismatching partition count is an error naming the topic and both counts. Every topic faust4j sends to
     * is declared first, so sends never wait for broker-side auto-creation.
     *
     * @throws IllegalStateException when a topic cannot be used as specified
     */
    void declareTopics(Collection<TopicSpec> topics);

    /** The partition count of an existing topic, or empty when it does not exist. */
    OptionalInt partitionCount(String topic);

    /**
     * The end offsets of these partitions as readers see them (the last stable offset when the app reads
     * committed data, else the high watermark), asked of the broker, not of any consumer: {@code App.lag()} calls it
     * from the caller's thread, never the poll thread. Partitions whose end could not be learnt are absent. The
     * default knows none.
     *
     * @param readCommitted true under exactly-once
     */
    default Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, boolean readCommitted) {
        return Map.of();
    }

    @Override
    void close();
}
