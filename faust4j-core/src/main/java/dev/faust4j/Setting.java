package dev.faust4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

/**
 * The settings table: each setting declared once, with its Java name (the {@link App.Builder} method), its
 * property key (Faust's setting name), its Faust environment variable, its default, how it is read from text,
 * how it is validated, and its documentation. The builder, the properties and environment readers,
 * {@link Settings#toString()} and the table in the {@link Settings} Javadoc (checked by a test) all come from here.
 *
 * <p>Thread-safety: immutable; the table is built once.
 *
 * @param <T> the value type
 */
final class Setting<T> {
    private static final List<Setting<?>> ALL = new ArrayList<>();
    private static final Map<String, Setting<?>> BY_KEY = new HashMap<>();
    private static final Map<String, Setting<?>> BY_ENV = new HashMap<>();
    /** A duration meaning "no limit". */
    static final Duration FOREVER = Duration.ofSeconds(Long.MAX_VALUE, 999_999_999);

    static final Setting<String> BROKER = add("broker", "broker", "BROKER_URL", "memory://", Setting::text,
            Setting::brokerUrl, s -> s,
            "Broker URL: {@code memory://} (embedded, the default), {@code memory://name} (an isolated embedded broker) or "
                    + "{@code kafka://host:port[;host:port]}.");
    static final Setting<Duration> COMMIT_INTERVAL = add("commitInterval", "broker_commit_interval",
            "BROKER_COMMIT_INTERVAL",
            Duration.ofMillis(2800), Setting::seconds, d -> positive(d, "commitInterval"), Setting::formatDuration,
            "How often acked offsets are committed; under exactly-once, unless set, 100 ms (a transaction each).");
    static final Setting<Integer> COMMIT_EVERY = add("commitEvery", "broker_commit_every", "BROKER_COMMIT_EVERY",
            10_000, Setting::integer, n -> atLeast(n, 1, "commitEvery"), String::valueOf,
            "Also commit after this many acks.");
    static final Setting<Integer> STREAM_BUFFER_MAXSIZE = add("streamBufferMaxsize", "stream_buffer_maxsize",
            "STREAM_BUFFER_MAXSIZE", 4096, Setting::integer, n -> atLeast(n, 1, "streamBufferMaxsize"), String::valueOf,
            "Events buffered per subscription; at 80 % its partitions pause, at 40 % they resume.");
    static final Setting<Integer> TOPIC_PARTITIONS = add("topicPartitions", "topic_partitions", "TOPIC_PARTITIONS",
            8, Setting::integer, n -> atLeast(n, 1, "topicPartitions"), String::valueOf,
            "Partitions of the topics faust4j creates without an explicit count.");
    static final Setting<Integer> TOPIC_REPLICATION_FACTOR = add("topicReplicationFactor", "topic_replication_factor",
            "TOPIC_REPLICATION_FACTOR", 1, Setting::integer,
            n -> between(n, 1, Short.MAX_VALUE, "topicReplicationFactor"),
            String::valueOf, "Replication factor of the topics faust4j creates.");
    static final Setting<String> KEY_SERIALIZER = add("keySerializer", "key_serializer", "APP_KEY_SERIALIZER", "raw",
            Setting::text, s -> codecName(s, "keySerializer"), s -> s,
            "Default key codec: {@code raw}, {@code string} or {@code json}.");
    static final Setting<String> VALUE_SERIALIZER = add("valueSerializer", "value_serializer", "APP_VALUE_SERIALIZER",
            "json", Setting::text, s -> codecName(s, "valueSerializer"), s -> s,
            "Default value codec: {@code json}, {@code raw} or {@code string}.");
    static final Setting<String> AUTO_OFFSET_RESET = add("autoOffsetReset", "consumer_auto_offset_reset",
            "CONSUMER_AUTO_OFFSET_RESET", "earliest", Setting::text, Setting::offsetReset, s -> s,
            "Where to start without a committed offset: {@code earliest} or {@code latest}.");
    static final Setting<Integer> MAX_POLL_RECORDS = add("maxPollRecords", "broker_max_poll_records",
            "BROKER_MAX_POLL_RECORDS", 500, Setting::integer, n -> atLeast(n, 1, "maxPollRecords"), String::valueOf,
            "Most records one poll returns.");
    static final Setting<Duration> SHUTDOWN_GRACE_PERIOD = add("shutdownGracePeriod", "shutdown_grace_period",
            "SHUTDOWN_GRACE_PERIOD", Duration.ofSeconds(30), Setting::seconds,
            d -> notNegative(d, "shutdownGracePeriod"),
            Setting::formatDuration, "How long a stop or a revoke waits for the events being processed.");
    static final Setting<ErrorPolicy> DECODE_ERROR_POLICY = add("decodeErrorPolicy", "decode_error_policy",
            "DECODE_ERROR_POLICY", ErrorPolicy.skip(), ErrorPolicy::parse,
            p -> Objects.requireNonNull(p, "decodeErrorPolicy"),
            ErrorPolicy::toString, "What happens to a record that cannot be decoded ({@link ErrorPolicy}).");
    static final Setting<ErrorPolicy> AGENT_ERROR_POLICY = add("agentErrorPolicy", "agent_error_policy",
            "AGENT_ERROR_POLICY", ErrorPolicy.skip(), ErrorPolicy::parse,
            p -> Objects.requireNonNull(p, "agentErrorPolicy"),
            ErrorPolicy::toString, "What happens to an event whose agent threw, or whose outputs could not be sent.");
    static final Setting<Integer> MAX_RECORD_BYTES = add("maxRecordBytes", "max_record_bytes", "MAX_RECORD_BYTES",
            16 * 1024 * 1024, Setting::integer, n -> atLeast(n, 1, "maxRecordBytes"), String::valueOf,
            "Largest key plus value that is decoded; a larger record is a decode error.");
    static final Setting<Duration> AGENT_RESTART_BACKOFF = add("agentRestartBackoff", "agent_restart_backoff",
            "AGENT_RESTART_BACKOFF", Duration.ofMillis(100), Setting::seconds,
            d -> notNegative(d, "agentRestartBackoff"),
            Setting::formatDuration,
            "Wait before restarting an agent instance that threw; doubled (with jitter) while it "
                    + "keeps failing without getting past an event.");
    static final Setting<Duration> AGENT_RESTART_BACKOFF_MAX = add("agentRestartBackoffMax",
            "agent_restart_backoff_max",
            "AGENT_RESTART_BACKOFF_MAX", Duration.ofSeconds(10), Setting::seconds,
            d -> notNegative(d, "agentRestartBackoffMax"), Setting::formatDuration, "The longest restart backoff.");
    static final Setting<Integer> AGENT_MAX_RESTARTS = add("agentMaxRestarts", "agent_max_restarts",
            "AGENT_MAX_RESTARTS",
            10, Setting::integer, n -> atLeast(n, 0, "agentMaxRestarts"), String::valueOf,
            "Failures in a row (without getting past an event) after which an agent gives up and stops.");
    static final Setting<Boolean> AGENT_FAILURE_STOPS_WORKER = add("agentFailureStopsWorker",
            "agent_failure_stops_worker",
            "AGENT_FAILURE_STOPS_WORKER", false, Setting::bool, b -> b, String::valueOf,
            "Whether an agent that gives up (or misuses the API) stops the whole worker with exit code 1.");
    static final Setting<Duration> SEND_RETRY_TIMEOUT = add("sendRetryTimeout", "send_retry_timeout",
            "SEND_RETRY_TIMEOUT",
            FOREVER, Setting::secondsOrForever, d -> positive(d, "sendRetryTimeout"), Setting::formatDuration,
            "How long a send caused by a record is retried while it fails with a retriable error (the broker is "
                    + "unreachable) before the record's error policy applies; {@code forever} by default, so a worker "
                    + "rides out an outage.");

    static final Setting<ProcessingGuarantee> PROCESSING_GUARANTEE = add("processingGuarantee",
            "processing_guarantee", "PROCESSING_GUARANTEE", ProcessingGuarantee.AT_LEAST_ONCE,
            ProcessingGuarantee::parse, g -> g, ProcessingGuarantee::faustName,
            "{@code at_least_once} or {@code exactly_once} ({@link ProcessingGuarantee}): under exactly-once the "
                    + "outputs of a record and its offset commit are one Kafka transaction, and readers see only "
                    + "committed records.");
    static final Setting<String> WORKER_ID = add("workerId", "worker_id", "WORKER_ID", "", Setting::text,
            Setting::workerId, s -> s.isEmpty() ? "(random)" : s,
            "This worker's name, stable across its restarts (a pod name): under exactly-once its transactional id "
                    + "is {@code <app id>-<worker id>}, so a restarted worker fences its old instance at once. "
                    + "Unset, each process takes a random one, and an old instance is fenced through the consumer "
                    + "group instead. Two live workers of one app must never share it.");

    static final Setting<String> TABLE_STORE = add("tableStore", "store", "APP_STORE", "memory://",
            Setting::text, Setting::tableStore, s -> s,
            "Where table partitions are kept: {@code memory://} (in memory, restored from the changelog's beginning "
                    + "on every assignment) or {@code rocksdb://} (RocksDB under {@code dataDir}: a restart replays "
                    + "only the changelog's tail).");
    static final Setting<String> DATA_DIR = add("dataDir", "datadir", "APP_DATADIR", "", Setting::text,
            Setting::dataDir, s -> s.isEmpty() ? "{app id}-data" : s,
            "Directory of the worker's local state (RocksDB tables under {@code tables/}), relative to the working "
                    + "directory unless absolute.");
    static final Setting<Long> TABLE_ROCKSDB_MEMORY = add("tableRocksdbMemory", "table_rocksdb_memory",
            "TABLE_ROCKSDB_MEMORY", 64L * 1024 * 1024, s -> bytes(s, "tableRocksdbMemory"),
            n -> bytesAtLeast(n, 1024 * 1024,
                    "tableRocksdbMemory"),
            Setting::formatBytes,
            "Memory all RocksDB table stores of a worker share (block cache, memtables charged to it): bytes, or "
                    + "with a unit ({@code 64MiB}, {@code 1GiB}).");
    static final Setting<Boolean> TABLE_WRITE_CACHE = add("tableWriteCache", "table_write_cache",
            "TABLE_WRITE_CACHE", true, Setting::bool, b -> b, String::valueOf,
            "Whether a table sends one changelog record per key updated at each commit, with its value then "
                    + "({@code true}: Kafka Streams' cache), or one per update ({@code false}: as Faust). Windowed, "
                    + "set and global tables send one per update.");
    static final Setting<Boolean> TABLE_WIPE_ON_INCONSISTENT_OFFSET = add("tableWipeOnInconsistentOffset",
            "table_wipe_on_inconsistent_offset", "TABLE_WIPE_ON_INCONSISTENT_OFFSET", false, Setting::bool, b -> b,
            String::valueOf,
            "When a RocksDB table store's offset lies outside its changelog (the topic was recreated, or its records "
                    + "deleted): {@code false} stops the worker with an error, {@code true} deletes the store and "
                    + "restores it from the changelog.");

    static final Setting<Integer> TABLE_STANDBY_REPLICAS = add("tableStandbyReplicas", "table_standby_replicas",
            "TABLE_STANDBY_REPLICAS", 1, Setting::integer, n -> atLeast(n, 0, "tableStandbyReplicas"), String::valueOf,
            "How many other workers keep a warm copy of each table partition, following its changelog, so that the "
                    + "worker taking a partition over replays only the tail (Faust's default 1; {@code 0}: none, Kafka "
                    + "Streams' default). Capped at the number of workers minus one; needs Kafka's classic group "
                    + "protocol (the default).");

    static final Setting<Integer> TABLE_MAX_PENDING_KEYS = add("tableMaxPendingKeys", "table_max_pending_keys",
            "TABLE_MAX_PENDING_KEYS", 100_000, Setting::integer, n -> atLeast(n, 1, "tableMaxPendingKeys"),
            String::valueOf,
            "How many keys updated since the last commit a worker holds on the heap, waiting for the commit (RocksDB "
                    + "stores' pending updates, each partition's write cache): at this many a commit is requested, "
                    + "at twice as many the worker stops fetching until a commit has written them.");

    static final Setting<Duration> PROGRESS_INTERVAL = add("progressInterval", "progress_interval",
            "PROGRESS_INTERVAL", Duration.ofSeconds(10), Setting::seconds, d -> notNegative(d, "progressInterval"),
            Setting::formatDuration,
            "How often a worker logs a progress line while records flow (records, rate, lag, paused partitions); "
                    + "0 turns it off.");

    static final Setting<Duration> ASK_TIMEOUT = add("askTimeout", "ask_timeout", "ASK_TIMEOUT",
            Duration.ofSeconds(30), Setting::seconds, d -> positive(d, "askTimeout"), Setting::formatDuration,
            "How long {@code ask} waits for an agent's reply before its future fails with a {@code TimeoutException} "
                    + "(Faust waits forever); a reply that comes later is dropped.");
    static final Setting<String> REPLY_TO = add("replyTo", "reply_to", "REPLY_TO", "", Setting::text,
            Setting::topicName, s -> s.isEmpty() ? "(f-reply-<random uuid>)" : s,
            "The topic this worker reads agents' replies from (Faust's): one partition, created at start when the "
                    + "app can ask. Unset, each process takes Faust's {@code f-reply-<uuid4>}. Two live workers must "
                    + "never share it.");
    static final Setting<Duration> REPLY_EXPIRES = add("replyExpires", "reply_expires", "REPLY_EXPIRES",
            Duration.ofDays(1), Setting::seconds, d -> positive(d, "replyExpires"), Setting::formatDuration,
            "The retention of the reply topic (Faust's): replies older than this are deleted by the broker.");

    static final Setting<Boolean> WEB_ENABLED = add("webEnabled", "web_enabled", "WEB_ENABLED", false,
            Setting::bool, b -> b, String::valueOf,
            "Whether the worker serves its web pages over HTTP while it runs: {@code /health/live}, "
                    + "{@code /health/ready}, {@code /api/status}, a status page at {@code /} and the app's own pages "
                    + "({@code /metrics} with faust4j-micrometer). Off by default, unlike Faust: a library embedded in "
                    + "a service or a test must not take a port nobody asked for.");
    static final Setting<Integer> WEB_PORT = add("webPort", "web_port", "WEB_PORT", 6066, Setting::integer,
            n -> between(n, 0, 65535, "webPort"), String::valueOf,
            "The web server's port (Faust's); 0 takes any free port ({@code App.webPort()} says which).");
    static final Setting<String> WEB_BIND = add("webBind", "web_bind", "WEB_BIND", "127.0.0.1", Setting::text,
            Setting::webBind, s -> s,
            "The address the web server listens on: the loopback address by default, so only this machine can "
                    + "connect; {@code 0.0.0.0} for every interface (a container whose probes come from outside).");

    private final int index;
    private final String name;
    private final String key;
    private final String env;
    private final T defaultValue;
    private final Function<String, T> parser;
    private final Function<T, T> validator;
    private final Function<T, String> formatter;
    private final String doc;

    private Setting(int index, String name, String key, String env, T defaultValue, Function<String, T> parser,
                    Function<T, T> validator, Function<T, String> formatter, String doc) {
        this.index = index;
        this.name = name;
        this.key = key;
        this.env = env;
        this.defaultValue = defaultValue;
        this.parser = parser;
        this.validator = validator;
        this.formatter = formatter;
        this.doc = doc;
    }

    private static <T> Setting<T> add(String name, String key, String env, T defaultValue, Function<String, T> parser,
                                      Function<T, T> validator, Function<T, String> formatter, String doc) {
        Setting<T> s = new Setting<>(ALL.size(), name, key, env, defaultValue, parser, validator, formatter, doc);
        ALL.add(s);
        BY_KEY.put(key, s);
        BY_ENV.put(env, s);
        return s;
    }

    /** Every setting, in table order. */
    static List<Setting<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The setting with this property key (Faust's name; dots and dashes may replace underscores), or null. */
    static @Nullable Setting<?> byKey(String key) {
        return BY_KEY.get(key.toLowerCase(Locale.ROOT).replace('.', '_').replace('-', '_'));
    }

    /** The setting read from this environment variable, or null. */
    static @Nullable Setting<?> byEnv(String variable) {
        return BY_ENV.get(variable);
    }

    int index() {
        return index;
    }

    String name() {
        return name;
    }

    String key() {
        return key;
    }

    String env() {
        return env;
    }

    T defaultValue() {
        return defaultValue;
    }

    String doc() {
        return doc;
    }

    /** Validates a value set in code: the value, or an exception naming the setting. */
    T validate(T value) {
        Objects.requireNonNull(value, name);
        return validator.apply(value);
    }

    /** Reads and validates a value given as text under {@code source} (a property key or variable name). */
    T parse(String text, String source) {
        Objects.requireNonNull(text, source);
        T value;
        try {
            value = parser.apply(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("setting " + source + " needs a number, got '" + text + "'", e);
        }
        return validate(value);
    }

    /** The value as text, as in the documentation and {@code toString}. */
    String format(Object value) {
        @SuppressWarnings("unchecked") T v = (T) value;
        return formatter.apply(v);
    }

    // ---- parsers, validators, formatters ----

    private static String text(String s) {
        return s;
    }

    private static Integer integer(String s) {
        return Integer.parseInt(s);
    }

    private static Boolean bool(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        if (l.equals("true") || l.equals("1") || l.equals("yes")) {
            return true;
        }
        if (l.equals("false") || l.equals("0") || l.equals("no")) {
            return false;
        }
        throw new IllegalArgumentException("expected true or false, got '" + s + "'");
    }

    private static Duration seconds(String s) {
        return DurationText.parse(s);
    }

    private static Duration secondsOrForever(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.equals("forever") || l.equals("inf") || l.equals("infinite") ? FOREVER : seconds(s);
    }

    static String formatDuration(Duration d) {
        if (d.equals(FOREVER)) {
            return "forever";
        }
        if (d.toNanos() % 1_000_000_000L == 0) {
            return d.toSeconds() + " s";
        }
        if (d.toNanos() % 1_000_000L == 0 && d.toMillis() < 1000) {
            return d.toMillis() + " ms";
        }
        return (d.toNanos() / 1e9) + " s";
    }

    private static String brokerUrl(String url) {
        requireNonBlank(url, "broker");
        if (!url.contains("://")) {
            throw new IllegalArgumentException(
                    "broker must be a URL such as memory:// or kafka://localhost:9092, got '" + url + "'");
        }
        return url;
    }

    private static String tableStore(String url) {
        String u = requireNonBlank(url, "tableStore").toLowerCase(Locale.ROOT);
        if (!u.contains("://")) {
            u = u + "://";
        }
        if (!u.equals("memory://") && !u.equals("rocksdb://")) {
            throw new IllegalArgumentException("tableStore must be memory:// or rocksdb://, got '" + url + "'");
        }
        return u;
    }

    private static String dataDir(String dir) {
        if (!dir.isEmpty() && dir.isBlank()) {
            throw new IllegalArgumentException("dataDir must not be blank");
        }
        if (dir.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("dataDir must not contain a NUL character");
        }
        return dir;
    }

    private static final long KIB = 1024;

    /** Bytes: a number, or a number with a unit ({@code 64MiB}, {@code 64MB}, {@code 512k}; all binary). */
    static Long bytes(String s, String name) {
        String t = s.trim().toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
        int i = 0;
        while (i < t.length() && (Character.isDigit(t.charAt(i)) || t.charAt(i) == '.')) {
            i++;
        }
        String unit = t.substring(i);
        long factor = switch (unit) {
            case "", "b" -> 1;
            case "k", "kb", "kib" -> KIB;
            case "m", "mb", "mib" -> KIB * KIB;
            case "g", "gb", "gib" -> KIB * KIB * KIB;
            default -> throw new IllegalArgumentException(name + " must be bytes, or a number with a unit such as 64MiB"
                    + " or 1GiB, got '" + s + "'");
        };
        double n = Double.parseDouble(t.substring(0, i));
        double total = n * factor;
        if (total >= Long.MAX_VALUE) {
            throw new IllegalArgumentException(name + " is too large: '" + s + "'");
        }
        return (long) total;
    }

    static String formatBytes(Long n) {
        for (String unit : List.of("GiB", "MiB", "KiB")) {
            long f = switch (unit) {
                case "GiB" -> KIB * KIB * KIB;
                case "MiB" -> KIB * KIB;
                default -> KIB;
            };
            if (n >= f && n % f == 0) {
                return n / f + unit;
            }
        }
        return String.valueOf(n);
    }

    private static Long bytesAtLeast(long value, long min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + formatBytes(min) + ", got "
                    + formatBytes(value));
        }
        return value;
    }

    private static String topicName(String name) {
        if (!name.isEmpty() && !name.matches("[A-Za-z0-9._-]{1,249}")) {
            throw new IllegalArgumentException(
                    "replyTo must be a topic name: letters, digits, '.', '_' and '-' (at most 249), got '" + name
                            + "'");
        }
        return name;
    }

    private static String workerId(String id) {
        if (!id.isEmpty() && !id.matches("[A-Za-z0-9._-]{1,200}")) {
            throw new IllegalArgumentException(
                    "workerId may hold only letters, digits, '.', '_' and '-' (at most 200), got '" + id + "'");
        }
        return id;
    }

    private static String webBind(String bind) {
        String b = requireNonBlank(bind, "webBind");
        if (!b.matches("[A-Za-z0-9.:_%\\[\\]-]{1,255}")) {
            throw new IllegalArgumentException("webBind must be a host name or an IP address, got '" + bind + "'");
        }
        return b;
    }

    private static String offsetReset(String reset) {
        String r = reset.toLowerCase(Locale.ROOT);
        if (!r.equals("earliest") && !r.equals("latest")) {
            throw new IllegalArgumentException("autoOffsetReset must be earliest or latest, got '" + reset + "'");
        }
        return r;
    }

    private static String codecName(String name, String setting) {
        String n = requireNonBlank(name, setting).toLowerCase(Locale.ROOT);
        if (!n.equals("raw") && !n.equals("json") && !n.equals("string")) {
            throw new IllegalArgumentException(setting + " must be raw, string or json, got '" + name + "'");
        }
        return n;
    }

    private static Duration positive(Duration d, String name) {
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    private static Duration notNegative(Duration d, String name) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
        return d;
    }

    private static Integer atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    private static Integer between(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    static String requireNonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }

    @Override
    public String toString() {
        return name;
    }
}
