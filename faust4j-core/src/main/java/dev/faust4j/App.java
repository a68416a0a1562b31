package dev.faust4j;

import dev.faust4j.internal.AppRuntime;
import dev.faust4j.time.Ticker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * A faust4j application: its settings, topics, channels, agents, tasks and timers, and the worker that runs
 * them. The Java form of Faust's {@code faust.App}.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     App app = App.builder("withdrawals").build();              // memory:// unless told otherwise
 *     Topic<String, Withdrawal> topic = app.topic("withdrawals", Withdrawal.class);
 *     app.agent(topic, stream -> {
 *         for (Withdrawal w : stream) {
 *             System.out.println(w.account() + " withdrew " + w.amount());
 *         }
 *     }).name("print-withdrawals");
 *     app.main(args);                                             // `worker`, `send <topic> <value>`
 * }
 * }</pre>
 *
 * <h2>Running</h2>
 * {@link #start()} starts a worker in this process: one consumer and its Conductor on a poll thread, and every
 * agent instance, task and timer on its own virtual thread. {@link #stop()} (also run by {@link #close()} and
 * on SIGTERM under {@link #main}) stops fetching, lets in-flight events finish within the grace period,
 * commits and closes. Several apps with the same id, in one process on {@code memory://} or in several
 * processes on Kafka, share the partitions of their topics.
 *
 * <p><b>Thread-safety:</b> declare topics, agents, tasks and timers from one thread before {@link #start()};
 * after that, {@code start}, {@code stop} and sending are thread-safe.
 */
public final class App implements AutoCloseable {

    private final AppRuntime runtime;

    private App(Settings settings) {
        this.runtime = new AppRuntime(settings);
    }

    /** A builder for an app with this id (the consumer group id). */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    public Settings settings() {
        return runtime.settings();
    }

    /** A topic with string keys (the {@code raw} key codec) and values of this type. */
    public <V> Topic<String, V> topic(String name, Class<V> valueType) {
        return runtime.topic(name, String.class, valueType);
    }

    /** A topic with keys and values of these types, using the app's default codecs for them. */
    public <K, V> Topic<K, V> topic(String name, Class<K> keyType, Class<V> valueType) {
        return runtime.topic(name, keyType, valueType);
    }

    /** A topic described in full (several names, codecs, partitions, internal, decode error policy). */
    public <K, V> Topic<K, V> topic(TopicOptions<K, V> options) {
        return runtime.topic(options);
    }

    /** An in-memory channel of this value type with the default buffer size. */
    public <V> Channel<V> channel(Class<V> valueType) {
        return runtime.channel(valueType, settings().streamBufferMaxsize());
    }

    /** An in-memory channel with an explicit per-subscriber buffer size. */
    public <V> Channel<V> channel(Class<V> valueType, int maxsize) {
        return runtime.channel(valueType, maxsize);
    }

    /** Registers an agent reading a topic or channel. */
    public <K, V> Agent<K, V> agent(Source<K, V> source, AgentFunction<K, V> function) {
        return runtime.agent(source, function);
    }

    /**
     * Registers an agent with a topic of its own, named {@code "{appId}-{name}"} and created by faust4j with the
     * app's default partition count (Faust's agent with no channel).
     */
    public <V> Agent<String, V> agent(String name, Class<V> valueType, AgentFunction<String, V> function) {
        return runtime.agent(name, valueType, function);
    }

    /** A stream over a topic or channel, to iterate in a task (agents get theirs as argument). */
    public <K, V> EventStream<K, V> stream(Source<K, V> source) {
        return source.stream();
    }

    /** Runs {@code task} once, on a virtual thread, when the worker starts. */
    public void task(Task task) {
        runtime.task(task);
    }

    /** Runs {@code task} every {@code interval} (by the app's ticker) while the worker runs. */
    public void timer(Duration interval, Task task) {
        runtime.timer(interval, task);
    }

    /** Starts the worker in this process and returns once it runs. */
    public void start() {
        runtime.start();
    }

    /** Stops the worker gracefully (idempotent). */
    public void stop() {
        runtime.stop();
    }

    /** Blocks until the worker has stopped; returns its exit code (0 for a clean stop). */
    public int awaitTermination() throws InterruptedException {
        return runtime.awaitTermination();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * The command line of the app: {@code worker} (run until SIGTERM or Ctrl-C), {@code send <topic> <value>
     * [--key K]}, {@code --help}. Returns the exit code.
     */
    public int run(String... args) {
        return runtime.commandLine(this, args);
    }

    /** {@link #run} then exit the JVM with its exit code: the one-line {@code main} of an app. */
    public void main(String... args) {
        System.exit(run(args));
    }

    /** A task or timer body. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /**
     * Builds an {@link App}, validating each setting at once. Defaults are Faust's ({@link Settings}).
     * Not thread-safe.
     */
    public static final class Builder {
        final String id;
        String broker = "memory://";
        Duration commitInterval = Settings.DEFAULT_COMMIT_INTERVAL;
        int commitEvery = Settings.DEFAULT_COMMIT_EVERY;
        int streamBufferMaxsize = Settings.DEFAULT_STREAM_BUFFER_MAXSIZE;
        int topicPartitions = Settings.DEFAULT_TOPIC_PARTITIONS;
        short topicReplicationFactor = 1;
        String keySerializer = "raw";
        String valueSerializer = "json";
        String autoOffsetReset = "earliest";
        int maxPollRecords = 500;
        Duration shutdownGracePeriod = Settings.DEFAULT_SHUTDOWN_GRACE;
        int agentMaxRestartsPerSecond = 100;
        ErrorPolicy decodeErrorPolicy = ErrorPolicy.skip();
        ErrorPolicy agentErrorPolicy = ErrorPolicy.skip();
        int maxRecordBytes = 16 * 1024 * 1024;
        Ticker ticker = Ticker.system();
        final Map<String, String> clientProperties = new LinkedHashMap<>();

        Builder(String id) {
            this.id = Settings.requireNonBlank(id, "app id");
        }

        /** {@code memory://} (default), {@code memory://<name>} or {@code kafka://host:port[;host:port]}. */
        public Builder broker(String url) {
            Settings.requireNonBlank(url, "broker");
            if (!url.contains("://")) {
                throw new IllegalArgumentException("broker must be a URL such as memory:// or kafka://localhost:9092, got '" + url + "'");
            }
            this.broker = url;
            return this;
        }

        public Builder commitInterval(Duration interval) {
            this.commitInterval = positive(interval, "commitInterval");
            return this;
        }

        public Builder commitEvery(int acks) {
            this.commitEvery = atLeast(acks, 1, "commitEvery");
            return this;
        }

        public Builder streamBufferMaxsize(int maxsize) {
            this.streamBufferMaxsize = atLeast(maxsize, 1, "streamBufferMaxsize");
            return this;
        }

        public Builder topicPartitions(int partitions) {
            this.topicPartitions = atLeast(partitions, 1, "topicPartitions");
            return this;
        }

        public Builder topicReplicationFactor(int replicas) {
            this.topicReplicationFactor = (short) atLeast(replicas, 1, "topicReplicationFactor");
            return this;
        }

        /** Default key codec name: {@code raw} (default), {@code string} or {@code json}. */
        public Builder keySerializer(String name) {
            this.keySerializer = codecName(name, "keySerializer");
            return this;
        }

        /** Default value codec name: {@code json} (default), {@code raw} or {@code string}. */
        public Builder valueSerializer(String name) {
            this.valueSerializer = codecName(name, "valueSerializer");
            return this;
        }

        /** Where to start without a committed offset: {@code earliest} (default) or {@code latest}. */
        public Builder autoOffsetReset(String reset) {
            String r = reset.toLowerCase(Locale.ROOT);
            if (!r.equals("earliest") && !r.equals("latest")) {
                throw new IllegalArgumentException("autoOffsetReset must be earliest or latest, got '" + reset + "'");
            }
            this.autoOffsetReset = r;
            return this;
        }

        public Builder maxPollRecords(int records) {
            this.maxPollRecords = atLeast(records, 1, "maxPollRecords");
            return this;
        }

        public Builder shutdownGracePeriod(Duration grace) {
            Objects.requireNonNull(grace, "shutdownGracePeriod");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("shutdownGracePeriod must not be negative, got " + grace);
            }
            this.shutdownGracePeriod = grace;
            return this;
        }

        public Builder agentMaxRestartsPerSecond(int restarts) {
            this.agentMaxRestartsPerSecond = atLeast(restarts, 1, "agentMaxRestartsPerSecond");
            return this;
        }

        public Builder decodeErrorPolicy(ErrorPolicy policy) {
            this.decodeErrorPolicy = Objects.requireNonNull(policy, "decodeErrorPolicy");
            return this;
        }

        public Builder agentErrorPolicy(ErrorPolicy policy) {
            this.agentErrorPolicy = Objects.requireNonNull(policy, "agentErrorPolicy");
            return this;
        }

        public Builder maxRecordBytes(int bytes) {
            this.maxRecordBytes = atLeast(bytes, 1, "maxRecordBytes");
            return this;
        }

        /** The clock for commit intervals, take(within) and timers; tests pass a {@code ManualTicker}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** A client property passed through to the transport untouched (for example {@code security.protocol}). */
        public Builder clientProperty(String key, String value) {
            clientProperties.put(Settings.requireNonBlank(key, "client property key"), Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * Reads settings from properties: Faust's setting names ({@code broker}, {@code broker_commit_interval},
         * {@code topic_partitions}, ...; dots and dashes may replace underscores) set faust4j settings; every
         * other key is a client property passed through untouched.
         */
        public Builder properties(Properties properties) {
            for (String key : properties.stringPropertyNames()) {
                String value = properties.getProperty(key);
                if (!applyNamed(key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_'), value, key)) {
                    clientProperty(key, value);
                }
            }
            return this;
        }

        /** Reads Faust's environment variables ({@code BROKER_URL}, {@code TOPIC_PARTITIONS}, ...; see {@link Settings}). */
        public Builder environment(Map<String, String> env) {
            env.forEach((k, v) -> {
                String name = switch (k) {
                    case "BROKER_URL" -> "broker";
                    case "APP_KEY_SERIALIZER" -> "key_serializer";
                    case "APP_VALUE_SERIALIZER" -> "value_serializer";
                    default -> k.toLowerCase(Locale.ROOT);
                };
                if (!name.equals("broker_url") && !name.equals("id")) {
                    applyNamed(name, v, k);
                }
            });
            return this;
        }

        private boolean applyNamed(String name, String value, String originalKey) {
            try {
                switch (name) {
                    case "broker" -> broker(value);
                    case "broker_commit_interval" -> commitInterval(seconds(value));
                    case "broker_commit_every" -> commitEvery(Integer.parseInt(value.trim()));
                    case "stream_buffer_maxsize" -> streamBufferMaxsize(Integer.parseInt(value.trim()));
                    case "topic_partitions" -> topicPartitions(Integer.parseInt(value.trim()));
                    case "topic_replication_factor" -> topicReplicationFactor(Integer.parseInt(value.trim()));
                    case "key_serializer" -> keySerializer(value.trim());
                    case "value_serializer" -> valueSerializer(value.trim());
                    case "consumer_auto_offset_reset" -> autoOffsetReset(value.trim());
                    case "broker_max_poll_records" -> maxPollRecords(Integer.parseInt(value.trim()));
                    case "shutdown_grace_period" -> shutdownGracePeriod(seconds(value));
                    case "decode_error_policy" -> decodeErrorPolicy(ErrorPolicy.parse(value));
                    case "agent_error_policy" -> agentErrorPolicy(ErrorPolicy.parse(value));
                    case "max_record_bytes" -> maxRecordBytes(Integer.parseInt(value.trim()));
                    default -> {
                        return false;
                    }
                }
                return true;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("setting " + originalKey + " needs a number, got '" + value + "'", e);
            }
        }

        private static Duration seconds(String value) {
            double s = Double.parseDouble(value.trim());
            return Duration.ofNanos((long) (s * 1_000_000_000L));
        }

        private static String codecName(String name, String setting) {
            String n = Settings.requireNonBlank(name, setting).toLowerCase(Locale.ROOT);
            if (!n.equals("raw") && !n.equals("json") && !n.equals("string")) {
                throw new IllegalArgumentException(setting + " must be raw, string or json, got '" + name + "'");
            }
            return n;
        }

        private static Duration positive(Duration d, String name) {
            Objects.requireNonNull(d, name);
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(name + " must be positive, got " + d);
            }
            return d;
        }

        private static int atLeast(int value, int min, String name) {
            if (value < min) {
                throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
            }
            return value;
        }

        /** Builds the app (it is not started). */
        public App build() {
            return new App(new Settings(this));
        }
    }
}
