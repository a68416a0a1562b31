package dev.faust4j.spi;

import dev.faust4j.RecordMetadata;

import java.util.concurrent.CompletableFuture;

/**
 * The producer shared by all agents and sends of a worker.
 *
 * <p><b>Thread-safety:</b> thread-safe; called from agent threads and the poll thread at once.
 */
public interface TransportProducer extends AutoCloseable {

    /**
     * Sends a record. The future completes when the transport has durably accepted it (Kafka: acknowledged
     * by the broker), or exceptionally when it never will be.
     */
    CompletableFuture<RecordMetadata> send(ProducedRecord record);

    /** Blocks until every record sent so far is durably accepted or has failed. */
    void flush();

    @Override
    void close();
}
