package dev.faust4j.spi;

import java.util.Map;

/**
 * A producer whose sends and offset commits become visible together or not at all (Kafka's transactional
 * producer, KIP-98 and KIP-447). {@link #send} can be called at any time: the producer begins a transaction when
 * needed (Kafka's producer on the first send after a commit or abort).
 *
 * <p>Records sent in an open transaction are invisible to consumers that read committed records until the commit,
 * and never visible if the transaction is aborted. Send futures complete when the broker has the record (as for a
 * plain producer), which is before it is committed.
 *
 * <p><b>Thread-safety:</b> {@link #send} and {@link #flush} may be called from any thread; the transaction methods
 * only from the poll thread, never concurrently with a {@link #send} (the core serializes them).
 */
public interface TransactionalProducer extends TransportProducer {

    /**
     * Commits the open transaction together with these consumer offsets (each the next offset to read) for the group
     * described by {@code group}. Flushes first.
     *
     * @throws TransactionFencedException when this producer or consumer has been replaced: the caller must stop
     * @throws RuntimeException           any other failure: the caller aborts ({@link #abortTransaction}) and
     *                                    processes the records above the committed offsets again
     */
    void commitTransaction(Map<TopicPartition, Long> offsets, GroupMetadata group);

    /**
     * Aborts the open transaction (its records are discarded).
     *
     * @throws TransactionFencedException when this producer has been replaced
     */
    void abortTransaction();
}
