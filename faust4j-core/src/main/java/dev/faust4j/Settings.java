package dev.faust4j;

import dev.faust4j.time.Ticker;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * An app's settings, with Faust's names and defaults. Built by {@link App.Builder}; immutable and thread-safe.
 *
 * <table>
 * <caption>Settings, their Faust defaults, and the keys read by {@link App.Builder#properties(Properties)}
 * and the environment variables read by {@link App.Builder#environment(Map)}</caption>
 * <tr><th>setting</th><th>default</th><th>property</th><th>environment</th></tr>
 * <tr><td>broker URL</td><td>{@code memory://}</td><td>{@code broker}</td><td>{@code BROKER_URL}</td></tr>
 * <tr><td>commit interval</td><td>2.8 s</td><td>{@code broker_commit_interval} (seconds)</td><td>{@code BROKER_COMMIT_INTERVAL}</td></tr>
 * <tr><td>commit every N acks</td><td>10,000</td><td>{@code broker_commit_every}</td><td>{@code BROKER_COMMIT_EVERY}</td></tr>
 * <tr><td>stream buffer</td><td>4,096</td><td>{@code stream_buffer_maxsize}</td><td>{@code STREAM_BUFFER_MAXSIZE}</td></tr>
 * <tr><td>topic partitions</td><td>8</td><td>{@code topic_partitions}</td><td>{@code TOPIC_PARTITIONS}</td></tr>
 * <tr><td>replication factor</td><td>1</td><td>{@code topic_replication_factor}</td><td>{@code TOPIC_REPLICATION_FACTOR}</td></tr>
 * <tr><td>key codec</td><td>{@code raw}</td><td>{@code key_serializer}</td><td>{@code APP_KEY_SERIALIZER}</td></tr>
 * <tr><td>value codec</td><td>{@code json}</td><td>{@code value_serializer}</td><td>{@code APP_VALUE_SERIALIZER}</td></tr>
 * <tr><td>auto offset reset</td><td>{@code earliest}</td><td>{@code consumer_auto_offset_reset}</td><td>{@code CONSUMER_AUTO_OFFSET_RESET}</td></tr>
 * <tr><td>max poll records</td><td>500</td><td>{@code broker_max_poll_records}</td><td>{@code BROKER_MAX_POLL_RECORDS}</td></tr>
 * <tr><td>shutdown grace</td><td>30 s</td><td>{@code shutdown_grace_period} (seconds)</td><td>{@code SHUTDOWN_GRACE_PERIOD}</td></tr>
 * </table>
 *
 * <p>Every property that is not one of these keys is a client property and passes through untouched to the
 * transport (on Kafka: {@code bootstrap.servers}, {@code security.protocol}, {@code ssl.*}, {@code sasl.*},
 * and {@code consumer.}/{@code producer.}/{@code admin.} prefixed keys). Secrets among them are masked by
 * {@link #toString()}.
 */
public final class Settings {

    /** Default commit interval: 2.8 seconds, as Faust. */
    public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofMillis(2800);
    /** Default: also commit after this many acks, as Faust. */
    public static final int DEFAULT_COMMIT_EVERY = 10_000;
    /** Default per-subscriber stream buffer, as Faust. */
    public static final int DEFAULT_STREAM_BUFFER_MAXSIZE = 4096;
    /** Default partition count of topics faust4j creates, as Faust. */
    public static final int DEFAULT_TOPIC_PARTITIONS = 8;
    /** Default grace period for in-flight events on stop. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private final String id;
    private final String broker;
    private final Duration commitInterval;
    private final int commitEvery;
    private final int streamBufferMaxsize;
    private final int topicPartitions;
    private final short topicReplicationFactor;
    private final String keySerializer;
    private final String valueSerializer;
    private final String autoOffsetReset;
    private final int maxPollRecords;
    private final Duration shutdownGracePeriod;
    private final int agentMaxRestartsPerSecond;
    private final ErrorPolicy decodeErrorPolicy;
    private final ErrorPolicy agentErrorPolicy;
    private final int maxRecordBytes;
    private final Ticker ticker;
    private final Map<String, String> clientProperties;

    Settings(App.Builder b) {
        this.id = b.id;
        this.broker = b.broker;
        this.commitInterval = b.commitInterval;
        this.commitEvery = b.commitEvery;
        this.streamBufferMaxsize = b.streamBufferMaxsize;
        this.topicPartitions = b.topicPartitions;
        this.topicReplicationFactor = b.topicReplicationFactor;
        this.keySerializer = b.keySerializer;
        this.valueSerializer = b.valueSerializer;
        this.autoOffsetReset = b.autoOffsetReset;
        this.maxPollRecords = b.maxPollRecords;
        this.shutdownGracePeriod = b.shutdownGracePeriod;
        this.agentMaxRestartsPerSecond = b.agentMaxRestartsPerSecond;
        this.decodeErrorPolicy = b.decodeErrorPolicy;
        this.agentErrorPolicy = b.agentErrorPolicy;
        this.maxRecordBytes = b.maxRecordBytes;
        this.ticker = b.ticker;
        this.clientProperties = Collections.unmodifiableMap(new LinkedHashMap<>(b.clientProperties));
    }

    /** App id: consumer group id, client id prefix and prefix of the topics faust4j names. */
    public String id() { return id; }

    /** Broker URL: {@code memory://}, {@code memory://name}, or {@code kafka://host:port[;host2:port]}. */
    public String broker() { return broker; }

    /** The URL scheme of {@link #broker()}, such as {@code memory} or {@code kafka}. */
    public String brokerScheme() {
        int i = broker.indexOf("://");
        return (i < 0 ? broker : broker.substring(0, i)).toLowerCase(Locale.ROOT);
    }

    /** The part of {@link #broker()} after {@code scheme://}. */
    public String brokerAddress() {
        int i = broker.indexOf("://");
        return i < 0 ? "" : broker.substring(i + 3);
    }

    public Duration commitInterval() { return commitInterval; }
    public int commitEvery() { return commitEvery; }
    public int streamBufferMaxsize() { return streamBufferMaxsize; }
    public int topicPartitions() { return topicPartitions; }
    public short topicReplicationFactor() { return topicReplicationFactor; }
    /** Name of the default key codec ({@code raw}). */
    public String keySerializer() { return keySerializer; }
    /** Name of the default value codec ({@code json}). */
    public String valueSerializer() { return valueSerializer; }
    public String autoOffsetReset() { return autoOffsetReset; }
    public int maxPollRecords() { return maxPollRecords; }
    public Duration shutdownGracePeriod() { return shutdownGracePeriod; }
    /** Agent restarts allowed per second before the worker stops with a non-zero exit (Faust: 100). */
    public int agentMaxRestartsPerSecond() { return agentMaxRestartsPerSecond; }
    /** What happens to a record that cannot be decoded (default: skip, logged). */
    public ErrorPolicy decodeErrorPolicy() { return decodeErrorPolicy; }
    /** What happens to an event whose agent threw (default: skip, logged, as Faust). */
    public ErrorPolicy agentErrorPolicy() { return agentErrorPolicy; }
    /** Largest key plus value a record may have to be decoded; larger ones are decode errors. */
    public int maxRecordBytes() { return maxRecordBytes; }
    /** The clock for commit intervals, {@code take(within)} and timers. */
    public Ticker ticker() { return ticker; }
    /** Client properties passed through to the transport untouched. */
    public Map<String, String> clientProperties() { return clientProperties; }

    private static final Set<String> SECRET_HINTS = Set.of("password", "secret", "jaas", "token", "credential", "key.pem", "keystore.key");

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

    /** Renders the settings with every secret-looking client property masked as {@code [hidden]}. */
    @Override
    public String toString() {
        Map<String, String> masked = new TreeMap<>();
        clientProperties.forEach((k, v) -> masked.put(k, isSecret(k) ? "[hidden]" : v));
        return "Settings{id=" + id + ", broker=" + broker + ", commitInterval=" + commitInterval
                + ", commitEvery=" + commitEvery + ", streamBufferMaxsize=" + streamBufferMaxsize
                + ", topicPartitions=" + topicPartitions + ", keySerializer=" + keySerializer
                + ", valueSerializer=" + valueSerializer + ", clientProperties=" + masked + "}";
    }

    static String requireNonBlank(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
        return value;
    }
}
