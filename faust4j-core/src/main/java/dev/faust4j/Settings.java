package dev.faust4j;

import dev.faust4j.time.Ticker;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * An app's settings, with Faust's names and defaults. Built by {@link App.Builder}, in code, from properties
 * ({@link App.Builder#properties(Properties)}) or from Faust's environment variables
 * ({@link App.Builder#environment(Map)}):
 *
 * <pre>{@code
 * App app = App.builder("orders")
 *     .broker("kafka://broker1:9092")
 *     .commitInterval(Duration.ofSeconds(1))
 *     .properties(propertiesFromFile)        // broker_commit_interval=1.0, security.protocol=SASL_SSL, ...
 *     .environment(System.getenv())          // BROKER_URL, TOPIC_PARTITIONS, ...
 *     .build();
 * }</pre>
 *
 * <!-- settings-table:begin (generated from the settings table by SettingsDocumentationTest; do not edit) -->
 * <table>
 * <caption>Settings: the builder method, the property key, the environment variable, the default</caption>
 * <tr><th>builder method</th><th>property</th><th>environment</th><th>default</th><th>meaning</th></tr>
 * <tr><td>{@code broker}</td><td>{@code broker}</td><td>{@code BROKER_URL}</td><td>{@code memory://}</td><td>Broker URL: {@code memory://} (embedded, the default), {@code memory://name} (an isolated embedded broker) or {@code kafka://host:port[;host:port]}.</td></tr>
 * <tr><td>{@code commitInterval}</td><td>{@code broker_commit_interval}</td><td>{@code BROKER_COMMIT_INTERVAL}</td><td>{@code 2.8 s}</td><td>How often acked offsets are committed; under exactly-once, unless set, 100 ms (a transaction each).</td></tr>
 * <tr><td>{@code commitEvery}</td><td>{@code broker_commit_every}</td><td>{@code BROKER_COMMIT_EVERY}</td><td>{@code 10000}</td><td>Also commit after this many acks.</td></tr>
 * <tr><td>{@code streamBufferMaxsize}</td><td>{@code stream_buffer_maxsize}</td><td>{@code STREAM_BUFFER_MAXSIZE}</td><td>{@code 4096}</td><td>Events buffered per subscription; at 80 % its partitions pause, at 40 % they resume.</td></tr>
 * <tr><td>{@code topicPartitions}</td><td>{@code topic_partitions}</td><td>{@code TOPIC_PARTITIONS}</td><td>{@code 8}</td><td>Partitions of the topics faust4j creates without an explicit count.</td></tr>
 * <tr><td>{@code topicReplicationFactor}</td><td>{@code topic_replication_factor}</td><td>{@code TOPIC_REPLICATION_FACTOR}</td><td>{@code 1}</td><td>Replication factor of the topics faust4j creates.</td></tr>
 * <tr><td>{@code keySerializer}</td><td>{@code key_serializer}</td><td>{@code APP_KEY_SERIALIZER}</td><td>{@code raw}</td><td>Default key codec: {@code raw}, {@code string} or {@code json}.</td></tr>
 * <tr><td>{@code valueSerializer}</td><td>{@code value_serializer}</td><td>{@code APP_VALUE_SERIALIZER}</td><td>{@code json}</td><td>Default value codec: {@code json}, {@code raw} or {@code string}.</td></tr>
 * <tr><td>{@code autoOffsetReset}</td><td>{@code consumer_auto_offset_reset}</td><td>{@code CONSUMER_AUTO_OFFSET_RESET}</td><td>{@code earliest}</td><td>Where to start without a committed offset: {@code earliest} or {@code latest}.</td></tr>
 * <tr><td>{@code maxPollRecords}</td><td>{@code broker_max_poll_records}</td><td>{@code BROKER_MAX_POLL_RECORDS}</td><td>{@code 500}</td><td>Most records one poll returns.</td></tr>
 * <tr><td>{@code shutdownGracePeriod}</td><td>{@code shutdown_grace_period}</td><td>{@code SHUTDOWN_GRACE_PERIOD}</td><td>{@code 30 s}</td><td>How long a stop or a revoke waits for the events being processed.</td></tr>
 * <tr><td>{@code decodeErrorPolicy}</td><td>{@code decode_error_policy}</td><td>{@code DECODE_ERROR_POLICY}</td><td>{@code skip}</td><td>What happens to a record that cannot be decoded ({@link ErrorPolicy}).</td></tr>
 * <tr><td>{@code agentErrorPolicy}</td><td>{@code agent_error_policy}</td><td>{@code AGENT_ERROR_POLICY}</td><td>{@code skip}</td><td>What happens to an event whose agent threw, or whose outputs could not be sent.</td></tr>
 * <tr><td>{@code maxRecordBytes}</td><td>{@code max_record_bytes}</td><td>{@code MAX_RECORD_BYTES}</td><td>{@code 16777216}</td><td>Largest key plus value that is decoded; a larger record is a decode error.</td></tr>
 * <tr><td>{@code agentRestartBackoff}</td><td>{@code agent_restart_backoff}</td><td>{@code AGENT_RESTART_BACKOFF}</td><td>{@code 100 ms}</td><td>Wait before restarting an agent instance that threw; doubled (with jitter) while it keeps failing without getting past an event.</td></tr>
 * <tr><td>{@code agentRestartBackoffMax}</td><td>{@code agent_restart_backoff_max}</td><td>{@code AGENT_RESTART_BACKOFF_MAX}</td><td>{@code 10 s}</td><td>The longest restart backoff.</td></tr>
 * <tr><td>{@code agentMaxRestarts}</td><td>{@code agent_max_restarts}</td><td>{@code AGENT_MAX_RESTARTS}</td><td>{@code 10}</td><td>Failures in a row (without getting past an event) after which an agent gives up and stops.</td></tr>
 * <tr><td>{@code agentFailureStopsWorker}</td><td>{@code agent_failure_stops_worker}</td><td>{@code AGENT_FAILURE_STOPS_WORKER}</td><td>{@code false}</td><td>Whether an agent that gives up (or misuses the API) stops the whole worker with exit code 1.</td></tr>
 * <tr><td>{@code sendRetryTimeout}</td><td>{@code send_retry_timeout}</td><td>{@code SEND_RETRY_TIMEOUT}</td><td>{@code forever}</td><td>How long a send caused by a record is retried while it fails with a retriable error (the broker is unreachable) before the record's error policy applies; {@code forever} by default, so a worker rides out an outage.</td></tr>
 * <tr><td>{@code processingGuarantee}</td><td>{@code processing_guarantee}</td><td>{@code PROCESSING_GUARANTEE}</td><td>{@code at_least_once}</td><td>{@code at_least_once} or {@code exactly_once} ({@link ProcessingGuarantee}): under exactly-once the outputs of a record and its offset commit are one Kafka transaction, and readers see only committed records.</td></tr>
 * <tr><td>{@code workerId}</td><td>{@code worker_id}</td><td>{@code WORKER_ID}</td><td>{@code (random)}</td><td>This worker's name, stable across its restarts (a pod name): under exactly-once its transactional id is {@code <app id>-<worker id>}, so a restarted worker fences its old instance at once. Unset, each process takes a random one, and an old instance is fenced through the consumer group instead. Two live workers of one app must never share it.</td></tr>
 * <tr><td>{@code tableStore}</td><td>{@code store}</td><td>{@code APP_STORE}</td><td>{@code memory://}</td><td>Where table partitions are kept: {@code memory://} (in memory, restored from the changelog's beginning on every assignment) or {@code rocksdb://} (RocksDB under {@code dataDir}: a restart replays only the changelog's tail).</td></tr>
 * <tr><td>{@code dataDir}</td><td>{@code datadir}</td><td>{@code APP_DATADIR}</td><td>{@code {app id}-data}</td><td>Directory of the worker's local state (RocksDB tables under {@code tables/}), relative to the working directory unless absolute.</td></tr>
 * <tr><td>{@code tableRocksdbMemory}</td><td>{@code table_rocksdb_memory}</td><td>{@code TABLE_ROCKSDB_MEMORY}</td><td>{@code 64MiB}</td><td>Memory all RocksDB table stores of a worker share (block cache, memtables charged to it): bytes, or with a unit ({@code 64MiB}, {@code 1GiB}).</td></tr>
 * <tr><td>{@code tableWriteCache}</td><td>{@code table_write_cache}</td><td>{@code TABLE_WRITE_CACHE}</td><td>{@code true}</td><td>Whether a table sends one changelog record per key updated at each commit, with its value then ({@code true}: Kafka Streams' cache), or one per update ({@code false}: as Faust). Windowed, set and global tables send one per update.</td></tr>
 * <tr><td>{@code tableWipeOnInconsistentOffset}</td><td>{@code table_wipe_on_inconsistent_offset}</td><td>{@code TABLE_WIPE_ON_INCONSISTENT_OFFSET}</td><td>{@code false}</td><td>When a RocksDB table store's offset lies outside its changelog (the topic was recreated, or its records deleted): {@code false} stops the worker with an error, {@code true} deletes the store and restores it from the changelog.</td></tr>
 * <tr><td>{@code tableStandbyReplicas}</td><td>{@code table_standby_replicas}</td><td>{@code TABLE_STANDBY_REPLICAS}</td><td>{@code 1}</td><td>How many other workers keep a warm copy of each table partition, following its changelog, so that the worker taking a partition over replays only the tail (Faust's default 1; {@code 0}: none, Kafka Streams' default). Capped at the number of workers minus one; needs Kafka's classic group protocol (the default).</td></tr>
 * <tr><td>{@code tableMaxPendingKeys}</td><td>{@code table_max_pending_keys}</td><td>{@code TABLE_MAX_PENDING_KEYS}</td><td>{@code 100000}</td><td>How many keys updated since the last commit a worker holds on the heap, waiting for the commit (RocksDB stores' pending updates, each partition's write cache): at this many a commit is requested, at twice as many the worker stops fetching until a commit has written them.</td></tr>
 * <tr><td>{@code progressInterval}</td><td>{@code progress_interval}</td><td>{@code PROGRESS_INTERVAL}</td><td>{@code 10 s}</td><td>How often a worker logs a progress line while records flow (records, rate, lag, paused partitions); 0 turns it off.</td></tr>
 * <tr><td>{@code askTimeout}</td><td>{@code ask_timeout}</td><td>{@code ASK_TIMEOUT}</td><td>{@code 30 s}</td><td>How long {@code ask} waits for an agent's reply before its future fails with a {@code TimeoutException} (Faust waits forever); a reply that comes later is dropped.</td></tr>
 * <tr><td>{@code replyTo}</td><td>{@code reply_to}</td><td>{@code REPLY_TO}</td><td>{@code (f-reply-<random uuid>)}</td><td>The topic this worker reads agents' replies from (Faust's): one partition, created at start when the app can ask. Unset, each process takes Faust's {@code f-reply-<uuid4>}. Two live workers must never share it.</td></tr>
 * <tr><td>{@code replyExpires}</td><td>{@code reply_expires}</td><td>{@code REPLY_EXPIRES}</td><td>{@code 86400 s}</td><td>The retention of the reply topic (Faust's): replies older than this are deleted by the broker.</td></tr>
 * <tr><td>{@code webEnabled}</td><td>{@code web_enabled}</td><td>{@code WEB_ENABLED}</td><td>{@code false}</td><td>Whether the worker serves its web pages over HTTP while it runs: {@code /health/live}, {@code /health/ready}, {@code /api/status}, a status page at {@code /} and the app's own pages ({@code /metrics} with faust4j-micrometer). Off by default, unlike Faust: a library embedded in a service or a test must not take a port nobody asked for.</td></tr>
 * <tr><td>{@code webPort}</td><td>{@code web_port}</td><td>{@code WEB_PORT}</td><td>{@code 6066}</td><td>The web server's port (Faust's); 0 takes any free port ({@code App.webPort()} says which).</td></tr>
 * <tr><td>{@code webBind}</td><td>{@code web_bind}</td><td>{@code WEB_BIND}</td><td>{@code 127.0.0.1}</td><td>The address the web server listens on: the loopback address by default, so only this machine can connect; {@code 0.0.0.0} for every interface (a container whose probes come from outside).</td></tr>
 * </table>
 * <!-- settings-table:end -->
 *
 * <p>Durations read from text are seconds, as Faust writes them ({@code 2.8}), or carry a unit ({@code 250ms},
 * {@code 3s}). In property keys, dots and dashes may replace underscores ({@code broker.commit.interval}). Two
 * settings are set in code only: the {@link App.Builder#ticker ticker} (the clock; tests pass a
 * {@link dev.faust4j.time.ManualTicker}) and {@link App.Builder#clientProperty client properties}.
 *
 * <p>Every property that is not one of the keys above is a client property and passes through untouched to the
 * transport (on Kafka: {@code bootstrap.servers}, {@code security.protocol}, {@code ssl.*}, {@code sasl.*}, and
 * {@code consumer.}/{@code producer.}/{@code admin.} prefixed keys). Secrets among them are masked by
 * {@link #toString()}.
 *
 * <p><b>Thread-safety:</b> immutable and thread-safe.
 */
public final class Settings {

    private static final Set<String> SECRET_HINTS = Set.of("password", "secret", "jaas", "token", "credential",
            "key.pem", "keystore.key");

    private final String id;
    private final Object[] values;
    private final Ticker ticker;
    private final Map<String, String> clientProperties;

    Settings(String id, Object[] values, Ticker ticker, Map<String, String> clientProperties) {
        this.id = id;
        this.values = values.clone();
        this.ticker = ticker;
        this.clientProperties = Collections.unmodifiableMap(new LinkedHashMap<>(clientProperties));
    }

    private <T> T get(Setting<T> setting) {
        @SuppressWarnings("unchecked") T v = (T) values[setting.index()];
        return v;
    }

    /** App id: consumer group id, client id prefix and prefix of the topics faust4j names. */
    public String id() {
        return id;
    }

    /** Broker URL: {@code memory://}, {@code memory://name}, or {@code kafka://host:port[;host2:port]}. */
    public String broker() {
        return get(Setting.BROKER);
    }

    /**
     * These settings with another broker URL, validated as {@link App.Builder#broker} validates it: what the
     * command line's {@code worker --broker <url>} runs with.
     *
     * <pre>{@code
     * Settings onKafka = app.settings().withBroker("kafka://127.0.0.1:9092");
     * }</pre>
     *
     * @throws IllegalArgumentException naming {@code broker} when the URL is blank or has no scheme
     */
    public Settings withBroker(String url) {
        Object[] copy = values.clone();
        copy[Setting.BROKER.index()] = Setting.BROKER.validate(url);
        return new Settings(id, copy, ticker, clientProperties);
    }

    /** The URL scheme of {@link #broker()}, such as {@code memory} or {@code kafka}. */
    public String brokerScheme() {
        String broker = broker();
        int i = broker.indexOf("://");
        return (i < 0 ? broker : broker.substring(0, i)).toLowerCase(Locale.ROOT);
    }

    /** The part of {@link #broker()} after {@code scheme://}. */
    public String brokerAddress() {
        String broker = broker();
        int i = broker.indexOf("://");
        return i < 0 ? "" : broker.substring(i + 3);
    }

    /** How often acked offsets are committed (default 2.8 s). */
    public Duration commitInterval() {
        return get(Setting.COMMIT_INTERVAL);
    }

    /** Also commit after this many acks (default 10,000). */
    public int commitEvery() {
        return get(Setting.COMMIT_EVERY);
    }

    /** Events buffered per subscription (default 4,096). */
    public int streamBufferMaxsize() {
        return get(Setting.STREAM_BUFFER_MAXSIZE);
    }

    /** Partitions of the topics faust4j creates without an explicit count (default 8). */
    public int topicPartitions() {
        return get(Setting.TOPIC_PARTITIONS);
    }

    /** Replication factor of the topics faust4j creates (default 1). */
    public short topicReplicationFactor() {
        return get(Setting.TOPIC_REPLICATION_FACTOR).shortValue();
    }

    /** Name of the default key codec ({@code raw}). */
    public String keySerializer() {
        return get(Setting.KEY_SERIALIZER);
    }

    /** Name of the default value codec ({@code json}). */
    public String valueSerializer() {
        return get(Setting.VALUE_SERIALIZER);
    }

    /** Where to start without a committed offset: {@code earliest} (default) or {@code latest}. */
    public String autoOffsetReset() {
        return get(Setting.AUTO_OFFSET_RESET);
    }

    /** Most records one poll returns (default 500). */
    public int maxPollRecords() {
        return get(Setting.MAX_POLL_RECORDS);
    }

    /** How long a stop or a revoke waits for the events being processed (default 30 s). */
    public Duration shutdownGracePeriod() {
        return get(Setting.SHUTDOWN_GRACE_PERIOD);
    }

    /** What happens to a record that cannot be decoded (default: skip, logged). */
    public ErrorPolicy decodeErrorPolicy() {
        return get(Setting.DECODE_ERROR_POLICY);
    }

    /** What happens to an event whose agent threw or whose outputs failed (default: skip, logged, as Faust). */
    public ErrorPolicy agentErrorPolicy() {
        return get(Setting.AGENT_ERROR_POLICY);
    }

    /** Largest key plus value a record may have to be decoded; larger ones are decode errors. */
    public int maxRecordBytes() {
        return get(Setting.MAX_RECORD_BYTES);
    }

    /** Wait before restarting an agent instance that threw (default 100 ms), doubled while it keeps failing. */
    public Duration agentRestartBackoff() {
        return get(Setting.AGENT_RESTART_BACKOFF);
    }

    /** The longest restart backoff (default 10 s). */
    public Duration agentRestartBackoffMax() {
        return get(Setting.AGENT_RESTART_BACKOFF_MAX);
    }

    /** Failures in a row after which an agent gives up and stops (default 10). */
    public int agentMaxRestarts() {
        return get(Setting.AGENT_MAX_RESTARTS);
    }

    /** Whether an agent that gives up stops the whole worker (default false: it stops alone). */
    public boolean agentFailureStopsWorker() {
        return get(Setting.AGENT_FAILURE_STOPS_WORKER);
    }

    /** How long a send caused by a record is retried on retriable errors (default: forever). */
    public Duration sendRetryTimeout() {
        return get(Setting.SEND_RETRY_TIMEOUT);
    }

    /** At-least-once (default) or exactly-once. */
    public ProcessingGuarantee processingGuarantee() {
        return get(Setting.PROCESSING_GUARANTEE);
    }

    /** This worker's name, stable across its restarts, or empty when unset (a random one is used). */
    public String workerId() {
        return get(Setting.WORKER_ID);
    }

    /** Where table partitions are kept: {@code memory://} (default) or {@code rocksdb://}. */
    public String tableStore() {
        return get(Setting.TABLE_STORE);
    }

    /** The directory of the worker's local state: {@code dataDir} as set, or {@code {app id}-data}. */
    public java.nio.file.Path dataDir() {
        String dir = get(Setting.DATA_DIR);
        return java.nio.file.Path.of(dir.isEmpty() ? id + "-data" : dir);
    }

    /** Memory the RocksDB table stores of a worker share, in bytes (default 64 MiB). */
    public long tableRocksdbMemory() {
        return get(Setting.TABLE_ROCKSDB_MEMORY);
    }

    /** Whether tables send their changelog records at commits, one per key updated (default true). */
    public boolean tableWriteCache() {
        return get(Setting.TABLE_WRITE_CACHE);
    }

    /** How many other workers keep a standby copy of each table partition (default 1). */
    public int tableStandbyReplicas() {
        return get(Setting.TABLE_STANDBY_REPLICAS);
    }

    /** Keys updated since the last commit a worker holds before it commits, and stops fetching at twice as many. */
    public int tableMaxPendingKeys() {
        return get(Setting.TABLE_MAX_PENDING_KEYS);
    }

    /** Whether a RocksDB table store whose offset lies outside its changelog is wiped and restored (default false). */
    public boolean tableWipeOnInconsistentOffset() {
        return get(Setting.TABLE_WIPE_ON_INCONSISTENT_OFFSET);
    }

    /** How often a worker logs a progress line while records flow (default 10 s; zero: never). */
    public Duration progressInterval() {
        return get(Setting.PROGRESS_INTERVAL);
    }

    /** How long {@code ask} waits for an agent's reply (default 30 s). */
    public Duration askTimeout() {
        return get(Setting.ASK_TIMEOUT);
    }

    /** The topic this worker reads agents' replies from, or empty for Faust's {@code f-reply-<uuid4>}. */
    public String replyTo() {
        return get(Setting.REPLY_TO);
    }

    /** The retention of the reply topic (default 1 day). */
    public Duration replyExpires() {
        return get(Setting.REPLY_EXPIRES);
    }

    /** Whether the worker serves its web pages (health, status, the app's pages) while it runs (default false). */
    public boolean webEnabled() {
        return get(Setting.WEB_ENABLED);
    }

    /** The web server's port (default 6066; 0: any free port). */
    public int webPort() {
        return get(Setting.WEB_PORT);
    }

    /** The address the web server listens on (default {@code 127.0.0.1}). */
    public String webBind() {
        return get(Setting.WEB_BIND);
    }

    /**
     * These settings with the web server enabled on this port and address, validated as {@link App.Builder#webPort}
     * and {@link App.Builder#webBind} validate them: what the command line's {@code worker --web-port <n>} runs with.
     *
     * <pre>{@code
     * Settings withWeb = app.settings().withWeb(0, "127.0.0.1"); // any free port, this machine only
     * }</pre>
     *
     * @throws IllegalArgumentException naming {@code webPort} or {@code webBind} when a value is invalid
     */
    public Settings withWeb(int port, String bind) {
        Object[] copy = values.clone();
        copy[Setting.WEB_PORT.index()] = Setting.WEB_PORT.validate(port);
        copy[Setting.WEB_BIND.index()] = Setting.WEB_BIND.validate(bind);
        copy[Setting.WEB_ENABLED.index()] = true;
        return new Settings(id, copy, ticker, clientProperties);
    }

    /** The clock for commit intervals, {@code take(within)}, timers and backoffs. */
    public Ticker ticker() {
        return ticker;
    }

    /** Client properties passed through to the transport untouched. */
    public Map<String, String> clientProperties() {
        return clientProperties;
    }

    /** True when a client property name looks like it holds a secret; its value is never logged. */
    public static boolean isSecret(String propertyName) {
        String n = propertyName.toLowerCase(Locale.ROOT);
        for (String hint : SECRET_HINTS) {
            if (n.contains(hint)) {
                return true;
            }
        }
        return false;
    }

    /** Every setting with its value, and the client properties with every secret-looking value masked as {@code [hidden]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Settings{id=").append(id);
        for (Setting<?> s : Setting.all()) {
            sb.append(", ").append(s.name()).append('=').append(s.format(values[s.index()]));
        }
        Map<String, String> masked = new TreeMap<>();
        clientProperties.forEach((k, v) -> masked.put(k, isSecret(k) ? "[hidden]" : v));
        return sb.append(", clientProperties=").append(masked).append('}').toString();
    }
}
