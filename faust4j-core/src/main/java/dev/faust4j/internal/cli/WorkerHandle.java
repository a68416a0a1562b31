package dev.faust4j.internal.cli;

import dev.faust4j.RecordMetadata;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** What the command line needs of an app. Implemented by the app's runtime; thread-safe. */
public interface WorkerHandle {

    /** The app id. */
    String appId();

    /** Starts the worker and returns once it runs. */
    void start();

    /** Stops the worker gracefully (idempotent; from an app thread it returns at once). */
    void stop();

    /** Blocks until the worker stopped; returns its exit code. */
    int awaitTermination() throws InterruptedException;

    /** Waits at most {@code timeout} for the worker to stop; true when it did. */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /** How long a stop waits for events being processed. */
    Duration shutdownGracePeriod();

    /**
     * Deletes the local table state (the RocksDB stores under the data directory) of this app, which must not be
     * running; returns what was done, for the user.
     */
    String resetTables();

    /** Sends raw bytes to a topic (creating it with the app's defaults if needed) and flushes. */
    CompletableFuture<RecordMetadata> sendRaw(String topic, byte[] key, byte[] value, Integer partition);
}
