package dev.faust4j.spi;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The one consumer of a worker, modelled on Kafka's {@code KafkaConsumer} so that the core's Conductor runs
 * the same code path on every transport.
 *
 * <p><b>Thread-safety:</b> not thread-safe. Every method except {@link #wakeup()} is called only by the
 * worker's poll thread. {@link #wakeup()} may be called from any thread.
 */
public interface TransportConsumer extends AutoCloseable {

    /** Subscribes to exactly these topics (replacing any earlier subscription) within the consumer group. */
    void subscribe(Collection<String> topics, RebalanceListener listener);

    /**
     * Fetches the next records of the assigned, non-paused partitions, waiting up to {@code timeout} when there
     * are none. Rebalance callbacks run from inside this call. Returns an empty list on timeout or after
     * {@link #wakeup()}; never throws because of wakeup.
     */
    List<PartitionRecords> poll(Duration timeout);

    /** Partitions currently assigned to this member. */
    Set<TopicPartition> assignment();

    /** Stops returning records of these partitions until resumed. Survives nothing: re-apply after a rebalance. */
    void pause(Collection<TopicPartition> partitions);

    /** Resumes fetching these partitions. */
    void resume(Collection<TopicPartition> partitions);

    /** The offset of the next record poll will return for this assigned partition. */
    long position(TopicPartition partition);

    /**
     * Commits these offsets (each the next offset to read, Kafka's convention) synchronously.
     *
     * @throws CommitFailedException when the commit was not accepted
     */
    void commit(Map<TopicPartition, Long> offsets);

    /**
     * Commits these offsets without waiting for the result, so the poll thread keeps polling. {@code onComplete}
     * runs later on the poll thread, from inside {@link #poll}, {@link #commit} or {@link #close} (as Kafka's
     * {@code commitAsync} callbacks do), with {@code null} on success or the failure. Commits complete in the
     * order they were made. The default commits synchronously and calls back at once.
     */
    default void commitAsync(Map<TopicPartition, Long> offsets, Consumer<@Nullable CommitFailedException> onComplete) {
        try {
            commit(offsets);
        } catch (CommitFailedException e) {
            onComplete.accept(e);
            return;
        }
        onComplete.accept(null);
    }

    /**
     * Moves the fetch position of an assigned partition: the next {@link #poll} returns records from
     * {@code offset} on. Used to process records again after an aborted transaction.
     */
    void seek(TopicPartition partition, long offset);

    /**
     * This member's current group identity, sent with a transaction's offsets ({@link TransactionalProducer}).
     *
     * @throws UnsupportedOperationException when the transport has no transactions (the default)
     */
    default GroupMetadata groupMetadata() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not support transactions");
    }

    /** Makes a blocked or the next {@link #poll} return early. Thread-safe. */
    void wakeup();

    /** Leaves the group and releases resources. Does not commit. */
    @Override
    void close();
}
