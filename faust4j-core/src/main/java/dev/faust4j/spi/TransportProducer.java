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

    /**
     * True when a send that failed with {@code failure} may succeed if made again later (the broker is unreachable,
     * a leader is moving, a timeout): faust4j then retries it, keeping the input uncommitted, and stops fetching
     * meanwhile. False for failures that would repeat (a record too large, an unknown topic, no authorization):
     * those go to the input's error policy. The default says false.
     */
    default boolean isRetriable(Throwable failure) {
        return false;
    }

    /** Blocks until every record sent so far is durably accepted or has failed. */
    void flush();

    @Override
    void close();
}
