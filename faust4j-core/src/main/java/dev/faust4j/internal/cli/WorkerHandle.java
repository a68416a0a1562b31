package dev.faust4j.internal.cli;

import dev.faust4j.RecordMetadata;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** What the command line needs of an app. Implemented by the app's runtime; thread-safe. */
public interface WorkerHandle {

    /** The app id. */
    String appId();

    /**
     * Makes the app run on another broker ({@code worker --broker}).
     *
     * @throws IllegalStateException    when the app started, or is already connected to its broker
     * @throws IllegalArgumentException when the URL is not a broker URL
     */
    void useBroker(String url);

    /**
     * Turns the app's web server on for this run ({@code worker --web-port/--web-bind}); a value not given (null)
     * keeps the app's setting.
     *
     * @throws IllegalStateException    when the app started
     * @throws IllegalArgumentException naming {@code webPort} or {@code webBind} when a value is invalid
     */
    void useWeb(@Nullable Integer port, @Nullable String bind);

    /** The commands the app added to its command line, in the order added. */
    List<UserCommand> userCommands();

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

    /** The agents, topics, tables and models the app declares. */
    Listing listing();

    /**
     * The topic the agent of this name reads ({@code send @agent}).
     *
     * @throws IllegalArgumentException naming the app's agents when there is none so named, or when it reads a
     *                                  channel
     */
    String agentTopic(String agent);

    /**
     * Checks a key and value with the codecs of the topic, when the app declares it.
     *
     * @throws IllegalArgumentException saying which does not decode, and why
     */
    void check(String topic, byte @Nullable [] key, byte[] value);

    /** The topic's partition count on the broker, or empty when it does not exist there. */
    OptionalInt partitionsOnBroker(String topic);

    /** True when the app's broker lives in this process ({@code memory://}). */
    boolean inProcessBroker();

    /** The app's broker URL. */
    String broker();

    /** Sends raw bytes to a topic (created with the app's defaults first when {@code create}) and flushes. */
    CompletableFuture<RecordMetadata> send(String topic, byte @Nullable [] key, byte[] value,
                                           @Nullable Integer partition, boolean create);
}
