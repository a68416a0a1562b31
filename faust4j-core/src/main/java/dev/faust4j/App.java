package dev.faust4j;

import dev.faust4j.internal.app.AppRuntime;
import dev.faust4j.time.Ticker;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** Kafka Streams' commit interval under exactly-once: each commit is a transaction. */
    private static final Duration EXACTLY_ONCE_COMMIT_INTERVAL = Duration.ofMillis(100);

    private final AppRuntime runtime;

    private App(Settings settings) {
        this.runtime = new AppRuntime(settings);
    }

    /** A builder for an app with this id (the consumer group id). */
    public static Builder builder(String id) {
        return new Builder(id);
    }

    /** The app's settings. */
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

    /**
     * A table with keys and values of these types, encoded as Faust encodes tables (JSON): see {@link Table}.
     * Declare it before the app starts; its changelog topic has the app's {@code topicPartitions}.
     *
     * @throws IllegalArgumentException when a table of this name exists already
     */
    public <K, V> Table<K, V> table(String name, Class<K> keyType, Class<V> valueType) {
        return runtime.table(name, dev.faust4j.codec.Codecs.json(keyType), dev.faust4j.codec.Codecs.json(valueType));
    }

    /** A table whose changelog keys and values use these codecs: see {@link Table}. */
    public <K, V> Table<K, V> table(String name, dev.faust4j.codec.Codec<K> keyCodec,
                                    dev.faust4j.codec.Codec<V> valueCodec) {
        return runtime.table(name, keyCodec, valueCodec);
    }

    /**
     * A global table (Faust's {@code app.GlobalTable}): every worker holds every partition of it, restored before
     * the app reads its first record and kept up to date by following the changelog, so any key can be read on any
     * worker (reference data, say). It is written like a {@link Table}, by the agent processing a record of the
     * key, on the worker that owns that record's partition; the other workers see the write once they have read it
     * from the changelog (typically milliseconds later). It cannot be windowed.
     *
     * @throws IllegalArgumentException when a table of this name exists already
     */
    public <K, V> Table<K, V> globalTable(String name, Class<K> keyType, Class<V> valueType) {
        return runtime.globalTable(name, dev.faust4j.codec.Codecs.json(keyType),
                dev.faust4j.codec.Codecs.json(valueType));
    }

    /**
     * A table of sets with keys and members of these types, encoded as JSON in Faust's set-table format: see
     * {@link SetTable}. Declare it before the app starts.
     *
     * @throws IllegalArgumentException when a table of this name exists already
     */
    public <K, E> SetTable<K, E> setTable(String name, Class<K> keyType, Class<E> memberType) {
        return runtime.setTable(name, dev.faust4j.codec.Codecs.json(keyType),
                dev.faust4j.codec.Codecs.json(memberType));
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
     * Registers an agent that emits results (Faust's agent that yields): each goes to the caller that
     * {@linkplain AgentClient#ask asked}, when the event is a request, then to the agent's sinks.
     * <pre>{@code
     * ReplyingAgent<String, Add, Integer> adder = app.agent(adds, Integer.class, (stream, out) -> {
     *     for (Add add : stream) {
     *         out.emit(add.a() + add.b());
     *     }
     * });
     * app.start();
     * int three = adder.ask(null, new Add(1, 2));
     * }</pre>
     *
     * @param resultType the type of the results; they are written as JSON in replies (Faust's wire format)
     */
    public <K, V, R> ReplyingAgent<K, V, R> agent(Source<K, V> source, Class<R> resultType,
                                                  ReplyingAgentFunction<K, V, R> function) {
        return runtime.agent(source, resultType, function);
    }

    /**
     * A client of an agent that may run elsewhere (another worker, another app, a Python Faust app) and reads
     * {@code topic}: to cast to it and ask it, its replies decoded as {@code replyType} from Faust's JSON. This worker
     * then has a reply topic ({@code replyTo}), created when it starts.
     * <pre>{@code
     * AgentClient<String, Tx, Tx> adder = app.agentClient(app.topic("interop-py-app-interop_app.adder",
     *         String.class, Tx.class), Tx.class);
     * app.start();
     * Tx sum = adder.ask("k1", new Tx("k1", 41.0));
     * }</pre>
     */
    public <K, V, R> AgentClient<K, V, R> agentClient(Topic<K, V> topic, Class<R> replyType) {
        return runtime.agentClient(topic, replyType);
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
        Objects.requireNonNull(task, "task");
        runtime.task(task::run);
    }

    /** Runs {@code task} every {@code interval} (by the app's ticker) while the worker runs. */
    public void timer(Duration interval, Task task) {
        Objects.requireNonNull(task, "task");
        runtime.timer(interval, task::run);
    }

    /**
     * Adds a sensor, told of what the worker does: records in and out of agents, commits, sends, rebalances,
     * pauses, agent crashes, table reads and writes, state changes (Faust's {@code app.sensors.add}). Only before
     * {@link #start()}. {@code faust4j-micrometer} adds one that records metrics.
     *
     * @throws IllegalStateException when the app was already started
     */
    public void sensor(Sensor sensor) {
        runtime.sensor(sensor);
    }

    /**
     * Where the worker is in its life: {@link AppState#RUNNING} once it processes all its partitions, with their
     * tables whole. Health checks read it ({@link AppState#ready()}, {@link AppState#live()}).
     */
    public AppState state() {
        return runtime.state();
    }

    /**
     * The records of each partition this worker holds that are not committed yet: the end of the partition, as the
     * consumer last saw it, minus the committed offset. Updated about once a second while the worker runs; empty
     * before its first assignment and after it stopped; a partition whose end is not known yet is absent.
     * <pre>{@code
     * long behind = app.lag().values().stream().mapToLong(Long::longValue).sum();
     * }</pre>
     */
    public Map<Partition, Long> lag() {
        return runtime.lag();
    }

    /**
     * Adds a page to the app's web server (Faust's {@code @app.page}): a GET of {@code path} answers 200 with
     * {@code body.get()} as UTF-8 text of this content type. Add pages before {@link #start()}; they are served only
     * while the web server runs ({@link Builder#webEnabled}). The body is made on one of the server's threads for
     * each request: it must be thread-safe, and should be quick. A body that throws answers 500 (logged once per
     * page, with the exception's class only). {@code faust4j-micrometer}'s {@code FaustMetrics.prometheus(app)}
     * adds {@code /metrics} this way:
     * <pre>{@code
     * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
     * FaustMetrics.bind(app, registry);
     * app.page("/metrics", "text/plain; version=0.0.4; charset=utf-8", registry::scrape);
     * }</pre>
     *
     * @param path        starts with {@code /}; letters, digits and {@code / . _ - ~}; not one of the server's own
     *                    ({@code /}, {@code /health/live}, {@code /health/ready}, {@code /api/status}) nor a page added
     *                    already
     * @param contentType the {@code Content-Type} of the answer, such as {@code text/plain; charset=utf-8}
     * @param body        makes the page's text
     * @throws IllegalArgumentException naming what is wrong with the path or the content type
     * @throws IllegalStateException    when the app was already started
     */
    public void page(String path, String contentType, java.util.function.Supplier<String> body) {
        runtime.page(path, contentType, body);
    }

    /**
     * The port the web server listens on, while it runs ({@link Builder#webEnabled}): with {@code webPort(0)}, the
     * one the system picked. Empty when the web server is off, or before {@link #start()} and after the worker
     * stopped.
     * <pre>{@code
     * App app = App.builder("orders").webEnabled(true).webPort(0).build();
     * app.start();
     * URI health = URI.create("http://127.0.0.1:" + app.webPort().orElseThrow() + "/health/ready");
     * }</pre>
     */
    public java.util.OptionalInt webPort() {
        return runtime.webPort();
    }

    /**
     * Starts the worker in this process and returns once it runs. When it cannot start, for example because a
     * topic cannot be declared (the broker is unreachable, or refuses the credentials), it throws; the app is then
     * stopped, with exit code 1, and its transport's clients are closed, so they do not keep retrying.
     */
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
     * Adds a command to the app's command line, Faust's {@code @app.command}: {@code <app> name [args...]} runs
     * {@code command} with the words after the name, and {@code --help} lists it with {@code description}. The
     * command runs on the calling thread in a worker that is not started: it can send to the app's topics, or
     * {@link #start()} the app and wait; when it returns, the app is stopped (gracefully, if it started it) and its
     * return value is the exit code. A command that throws prints the error and exits with 1.
     *
     * <pre>{@code
     * Topic<String, Order> orders = app.topic("orders", Order.class);
     * app.command("produce", "Sends N test orders (default 10)", args -> {
     *     int n = args.isEmpty() ? 10 : Integer.parseInt(args.getFirst());
     *     for (int i = 0; i < n; i++) {
     *         orders.send("order-" + i, new Order("order-" + i, i)).join();
     *     }
     *     return 0;
     * });
     * app.main(args);   // java -jar app.jar produce 100
     * }</pre>
     *
     * <p>Words that look like options ({@code --count 5}) are passed to the command as they are; only
     * {@code -h}/{@code --help} and {@code -V}/{@code --version} are the command line's own.
     *
     * <p>Thread-safety: add commands from one thread before the app starts, as topics and agents.
     *
     * @param name        one word of letters, digits, {@code .}, {@code _} and {@code -}, starting with a letter or
     *                    digit; not a built-in command ({@code worker}, {@code send}, {@code agents}, {@code topics},
     *                    {@code tables}, {@code models}, {@code model}, {@code reset}) and not taken by another command
     * @param description its line in {@code --help}; not blank
     * @param command     what it runs
     * @throws IllegalArgumentException naming what is wrong with the name or the description
     * @throws IllegalStateException    when the app has started
     */
    public void command(String name, String description, Command command) {
        Objects.requireNonNull(command, "command");
        runtime.command(name, description, command::run);
    }

    /**
     * The command line of the app (Faust's {@code faust -A app ...}); returns the exit code:
     * <ul>
     *   <li>{@code worker [--broker <url>] [-l <level>] [--web-port <n>] [--web-bind <addr>]}: runs the worker until
     *       SIGTERM or Ctrl-C, then stops gracefully. {@code --broker} runs it on another broker than the app's
     *       ({@code kafka://host:9092}). {@code --web-port} and {@code --web-bind} turn the web server on for this run
     *       (see {@link Builder#webEnabled}).
     *       {@code -l}/{@code --loglevel} ({@code error}, {@code warn}, {@code info}, {@code debug}, {@code trace})
     *       sets the level of faust4j's loggers where the logging backend allows it: with slf4j-simple for the
     *       loggers made from then on (start the JVM with {@code -Dorg.slf4j.simpleLogger.log.dev.faust4j=debug}
     *       for all of them); with another backend, set it in that backend's configuration (a note says so).</li>
     *   <li>{@code send <topic|@agent> <value> [--key K] [--partition N] [--repeat N] [--create]}.</li>
     *   <li>{@code agents}, {@code topics}, {@code tables}, {@code models} (the record types the app's topics,
     *       channels and tables carry), {@code model <name>} (its fields and their Java types).</li>
     *   <li>{@code reset}: deletes the local table state (RocksDB stores) of an app that does not run.</li>
     *   <li>the app's own commands ({@link #command}), {@code --help} and {@code --version}.</li>
     * </ul>
     */
    public int run(String... args) {
        return runtime.commandLine(args);
    }

    /** {@link #run} then exit the JVM with its exit code: the one-line {@code main} of an app. */
    @SuppressWarnings("IncorrectMainMethod") // Faust's app.main(), an instance method by design (see below)
    public void main(String... args) {
        // The Java 25 launcher (JEP 512) never starts this one: App has no non-private no-argument constructor.
        System.exit(run(args));
    }

    /** A task or timer body. */
    @FunctionalInterface
    public interface Task {
        void run() throws Exception;
    }

    /**
     * What a command added with {@link App#command} runs: given the words after the command's name, it returns the
     * exit code (0 for success). It may throw: the error is printed and the exit code is 1.
     *
     * <pre>{@code
     * app.command("hello", "Says hello", args -> {
     *     System.out.println("hello " + String.join(" ", args));
     *     return 0;
     * });
     * }</pre>
     *
     * <p>Thread-safety: runs on the thread that runs the command line, once per run.
     */
    @FunctionalInterface
    public interface Command {
        /**
         * Runs the command.
         *
         * @param args the words after the command's name, unmodifiable
         * @return the exit code
         */
        int run(List<String> args) throws Exception;
    }

    /**
     * Builds an {@link App}, validating each setting at once with a message that names it. Defaults are Faust's
     * (see the table in {@link Settings}); every setting can also come from properties or environment variables.
     *
     * <pre>{@code
     * App app = App.builder("orders").broker("kafka://localhost:9092").topicPartitions(12).build();
     * }</pre>
     *
     * <p>Not thread-safe.
     */
    public static final class Builder {
        private final String id;
        private final Object[] values;
        private final boolean[] explicit;
        private Ticker ticker = Ticker.system();
        private final Map<String, String> clientProperties = new LinkedHashMap<>();

        Builder(String id) {
            this.id = Setting.requireNonBlank(id, "app id");
            this.values = new Object[Setting.all().size()];
            this.explicit = new boolean[values.length];
            for (Setting<?> s : Setting.all()) {
                values[s.index()] = s.defaultValue();
            }
        }

        private <T> Builder set(Setting<T> setting, T value) {
            values[setting.index()] = setting.validate(value);
            explicit[setting.index()] = true;
            return this;
        }

        private <T> void setText(Setting<T> setting, String text, String source) {
            values[setting.index()] = setting.parse(text, source);
            explicit[setting.index()] = true;
        }

        /** {@code memory://} (default), {@code memory://<name>} or {@code kafka://host:port[;host:port]}. */
        public Builder broker(String url) {
            return set(Setting.BROKER, url);
        }

        /** How often acked offsets are committed (default 2.8 s; under exactly-once 100 ms, a transaction each). */
        public Builder commitInterval(Duration interval) {
            return set(Setting.COMMIT_INTERVAL, interval);
        }

        /** Also commit after this many acks (default 10,000). */
        public Builder commitEvery(int acks) {
            return set(Setting.COMMIT_EVERY, acks);
        }

        /** Events buffered per subscription (default 4,096); at 80 % its partitions pause. */
        public Builder streamBufferMaxsize(int maxsize) {
            return set(Setting.STREAM_BUFFER_MAXSIZE, maxsize);
        }

        /** Partitions of the topics faust4j creates without an explicit count (default 8). */
        public Builder topicPartitions(int partitions) {
            return set(Setting.TOPIC_PARTITIONS, partitions);
        }

        /** Replication factor of the topics faust4j creates (default 1). */
        public Builder topicReplicationFactor(int replicas) {
            return set(Setting.TOPIC_REPLICATION_FACTOR, replicas);
        }

        /** Default key codec name: {@code raw} (default), {@code string} or {@code json}. */
        public Builder keySerializer(String name) {
            return set(Setting.KEY_SERIALIZER, name);
        }

        /** Default value codec name: {@code json} (default), {@code raw} or {@code string}. */
        public Builder valueSerializer(String name) {
            return set(Setting.VALUE_SERIALIZER, name);
        }

        /** Where to start without a committed offset: {@code earliest} (default) or {@code latest}. */
        public Builder autoOffsetReset(String reset) {
            return set(Setting.AUTO_OFFSET_RESET,
                    Setting.requireNonBlank(reset, "autoOffsetReset").toLowerCase(Locale.ROOT));
        }

        /** Most records one poll returns (default 500). */
        public Builder maxPollRecords(int records) {
            return set(Setting.MAX_POLL_RECORDS, records);
        }

        /**
         * How often the worker logs a progress line while records flow: records fetched, rate, lag and paused
         * partitions (default 10 s; {@link Duration#ZERO} turns it off).
         */
        public Builder progressInterval(Duration interval) {
            return set(Setting.PROGRESS_INTERVAL, interval);
        }

        /** How long {@code ask} waits for an agent's reply before its future fails (default 30 s). */
        public Builder askTimeout(Duration timeout) {
            return set(Setting.ASK_TIMEOUT, timeout);
        }

        /**
         * The topic this worker reads agents' replies from (Faust's {@code reply_to}; default a new
         * {@code f-reply-<uuid4>} per process). Two live workers must never share it.
         */
        public Builder replyTo(String topic) {
            return set(Setting.REPLY_TO, topic);
        }

        /** How long a stop or a revoke waits for the events being processed (default 30 s). */
        public Builder shutdownGracePeriod(Duration grace) {
            return set(Setting.SHUTDOWN_GRACE_PERIOD, grace);
        }

        /** What happens to a record that cannot be decoded (default {@link ErrorPolicy#skip()}). */
        public Builder decodeErrorPolicy(ErrorPolicy policy) {
            return set(Setting.DECODE_ERROR_POLICY, policy);
        }

        /** What happens to an event whose agent threw or whose outputs failed (default {@link ErrorPolicy#skip()}). */
        public Builder agentErrorPolicy(ErrorPolicy policy) {
            return set(Setting.AGENT_ERROR_POLICY, policy);
        }

        /** Largest key plus value that is decoded (default 16 MiB); a larger record is a decode error. */
        public Builder maxRecordBytes(int bytes) {
            return set(Setting.MAX_RECORD_BYTES, bytes);
        }

        /** Wait before restarting an agent instance that threw (default 100 ms); doubled while it keeps failing. */
        public Builder agentRestartBackoff(Duration backoff) {
            return set(Setting.AGENT_RESTART_BACKOFF, backoff);
        }

        /** The longest restart backoff (default 10 s). */
        public Builder agentRestartBackoffMax(Duration max) {
            return set(Setting.AGENT_RESTART_BACKOFF_MAX, max);
        }

        /** Failures in a row, without getting past an event, after which an agent gives up (default 10). */
        public Builder agentMaxRestarts(int restarts) {
            return set(Setting.AGENT_MAX_RESTARTS, restarts);
        }

        /** Whether an agent that gives up, or misuses the API, stops the whole worker (default false). */
        public Builder agentFailureStopsWorker(boolean stop) {
            return set(Setting.AGENT_FAILURE_STOPS_WORKER, stop);
        }

        /**
         * How long a send caused by a record is retried while it fails with a retriable error (the broker is
         * unreachable) before the record's error policy applies (default: forever, the worker rides out an outage).
         */
        public Builder sendRetryTimeout(Duration timeout) {
            return set(Setting.SEND_RETRY_TIMEOUT, timeout);
        }

        /**
         * {@link ProcessingGuarantee#AT_LEAST_ONCE} (the default) or {@link ProcessingGuarantee#EXACTLY_ONCE}: a
         * record's outputs and its offset commit in one Kafka transaction, read back {@code read_committed}.
         */
        public Builder processingGuarantee(ProcessingGuarantee guarantee) {
            return set(Setting.PROCESSING_GUARANTEE, guarantee);
        }

        /**
         * This worker's name, stable across its restarts (a StatefulSet pod name, say): under exactly-once the
         * transactional id is {@code <app id>-<worker id>}, so a restarted worker fences its old instance at once.
         * Unset, each process takes a random one. Two live workers of one app must never share a worker id.
         */
        public Builder workerId(String id) {
            return set(Setting.WORKER_ID, id);
        }

        /**
         * Where table partitions are kept: {@code memory://} (the default: in memory, restored from the changelog's
         * beginning on every assignment) or {@code rocksdb://} (RocksDB under {@link #dataDir}: a restart replays
         * only the changelog records written after the store's last commit). See {@link Table}.
         */
        public Builder tableStore(String url) {
            return set(Setting.TABLE_STORE, url);
        }

        /** The directory of the worker's local state (default {@code {app id}-data}, relative to the working directory). */
        public Builder dataDir(java.nio.file.Path dir) {
            return set(Setting.DATA_DIR, Objects.requireNonNull(dir, "dataDir").toString());
        }

        /** The memory all RocksDB table stores of a worker share, in bytes (default 64 MiB; at least 1 MiB). */
        public Builder tableRocksdbMemory(long bytes) {
            return set(Setting.TABLE_ROCKSDB_MEMORY, bytes);
        }

        /**
         * Whether a table holds its changelog records back until the commit and then sends one per key updated, with
         * the key's value at that moment ({@code true}, the default: Kafka Streams' cache, so a key counted 10,000
         * times in a commit interval writes one record), or sends one per update ({@code false}: as Faust). Either way
         * a record's offset is committed only once the changelog records of its updates are durable (under
         * exactly-once: in the same transaction). Windowed, set and global tables send one record per update.
         */
        public Builder tableWriteCache(boolean cache) {
            return set(Setting.TABLE_WRITE_CACHE, cache);
        }

        /**
         * Whether a RocksDB table store whose stored offset lies outside its changelog (the topic was deleted and
         * recreated, or its records deleted) is wiped and restored from the changelog ({@code true}), or stops the
         * worker with an error naming the table, the partition and both offsets ({@code false}, the default).
         */
        public Builder tableWipeOnInconsistentOffset(boolean wipe) {
            return set(Setting.TABLE_WIPE_ON_INCONSISTENT_OFFSET, wipe);
        }

        /**
         * How many other workers keep a standby copy of each table partition (default 1, as Faust; 0 for none, as
         * Kafka Streams). A standby follows the partition's changelog without processing its records, so the worker
         * that takes the partition over (the assignor prefers a standby) replays only the changelog's tail instead
         * of all of it. Capped at the number of workers minus one. Costs the changelog reads and the copy's memory
         * (or disk with RocksDB) on each standby. Needs Kafka's classic group protocol, the default.
         */
        public Builder tableStandbyReplicas(int replicas) {
            return set(Setting.TABLE_STANDBY_REPLICAS, replicas);
        }

        /**
         * How many keys updated since the last commit a worker holds on the heap waiting for the commit (default
         * 100,000): a RocksDB store keeps each update in memory until a commit writes it with its changelog offset,
         * and the write cache keeps each dirty key until the commit sends it. At this many a commit is requested; at
         * twice as many the worker stops fetching until a commit has written them (a slow broker then slows the
         * worker down instead of filling its heap). Size it to the heap: an update costs its key and value plus about
         * 200 bytes.
         */
        public Builder tableMaxPendingKeys(int keys) {
            return set(Setting.TABLE_MAX_PENDING_KEYS, keys);
        }

        /**
         * Whether the worker serves its web pages over HTTP while it runs (default {@code false}; Faust's
         * {@code web_enabled}, env {@code WEB_ENABLED}): {@code /health/live} and {@code /health/ready} (200 or 503,
         * from {@link AppState#live()} and {@link AppState#ready()}), {@code /api/status} (JSON: state, agents with
         * their rates, partitions with their lag, tables), a live status page at {@code /}, and the pages added with
         * {@link App#page} ({@code /metrics} with faust4j-micrometer). Off by default, unlike Faust, because faust4j
         * is a library: an app embedded in a service or a test must not take a port nobody asked for. The server
         * listens from {@link App#start()} until the worker stopped; read-only, GET and HEAD only.
         */
        public Builder webEnabled(boolean enabled) {
            return set(Setting.WEB_ENABLED, enabled);
        }

        /**
         * The web server's port (default 6066, as Faust; 0 takes any free port, which {@link App#webPort()} tells).
         * Setting it does not enable the server: see {@link #webEnabled}.
         */
        public Builder webPort(int port) {
            return set(Setting.WEB_PORT, port);
        }

        /**
         * The address the web server listens on (default {@code 127.0.0.1}, so only this machine can connect; Faust's
         * {@code web_bind}). {@code 0.0.0.0} listens on every interface, for probes coming from outside a container:
         * the pages are read-only but show the app's topics, agents and tables.
         */
        public Builder webBind(String address) {
            return set(Setting.WEB_BIND, address);
        }

        /** The clock for commit intervals, take(within), timers and backoffs; tests pass a {@code ManualTicker}. */
        public Builder ticker(Ticker ticker) {
            this.ticker = Objects.requireNonNull(ticker, "ticker");
            return this;
        }

        /** A client property passed through to the transport untouched (for example {@code security.protocol}). */
        public Builder clientProperty(String key, String value) {
            clientProperties.put(Setting.requireNonBlank(key, "client property key"),
                    Objects.requireNonNull(value, key));
            return this;
        }

        /**
         * Reads settings from properties: the keys of the settings table ({@code broker}, {@code broker_commit_interval},
         * {@code topic_partitions}, ...; dots and dashes may replace underscores) set those settings; every other key
         * is a client property passed through untouched.
         */
        public Builder properties(Properties properties) {
            for (String key : properties.stringPropertyNames()) {
                String value = properties.getProperty(key);
                Setting<?> s = Setting.byKey(key);
                if (s != null) {
                    setText(s, value, key);
                } else {
                    clientProperty(key, value);
                }
            }
            return this;
        }

        /**
         * Reads Faust's environment variables ({@code BROKER_URL}, {@code TOPIC_PARTITIONS}, ...: the table in
         * {@link Settings}); other variables are ignored.
         */
        public Builder environment(Map<String, String> env) {
            env.forEach((name, value) -> {
                Setting<?> s = Setting.byEnv(name);
                if (s != null) {
                    setText(s, value, name);
                }
            });
            return this;
        }

        /**
         * Builds the app (it is not started).
         *
         * @throws IllegalArgumentException when settings contradict each other (the restart backoff above its maximum)
         */
        public App build() {
            Duration backoff = (Duration) values[Setting.AGENT_RESTART_BACKOFF.index()];
            Duration max = (Duration) values[Setting.AGENT_RESTART_BACKOFF_MAX.index()];
            if (backoff.compareTo(max) > 0) {
                throw new IllegalArgumentException(
                        "agentRestartBackoff (" + backoff + ") must not exceed agentRestartBackoffMax (" + max + ")");
            }
            Object[] resolved = values.clone();
            if (resolved[Setting.PROCESSING_GUARANTEE.index()] == ProcessingGuarantee.EXACTLY_ONCE
                    && !explicit[Setting.COMMIT_INTERVAL.index()]) {
                resolved[Setting.COMMIT_INTERVAL.index()] = EXACTLY_ONCE_COMMIT_INTERVAL;
            }
            return new App(new Settings(id, resolved, ticker, clientProperties));
        }
    }
}
