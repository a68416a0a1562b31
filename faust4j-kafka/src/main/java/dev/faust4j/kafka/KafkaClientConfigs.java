package dev.faust4j.kafka;

import dev.faust4j.Settings;
import dev.faust4j.kafka.internal.CopartitionedAssignor;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import dev.faust4j.ProcessingGuarantee;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/*
 * Design note. The three client configurations are built in four layers, each overriding the one before:
 *   1. faust4j's defaults (bootstrap servers from the URL, client.id, settings-derived keys);
 *   2. plain client properties (every client);
 *   3. prefixed client properties, prefix stripped (only the matching client);
 *   4. keys the adapters depend on (byte-array serdes, no auto commit, group = app id).
 * A layer-4 key supplied by the user is dropped with a warning that names the key, never the value.
 * The maps returned are unmodifiable and may hold secrets: never log them.
 */
final class KafkaClientConfigs {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientConfigs.class);

    static final String CONSUMER_PREFIX = "consumer.";
    static final String PRODUCER_PREFIX = "producer.";
    static final String ADMIN_PREFIX = "admin.";
    private static final List<String> PREFIXES = List.of(CONSUMER_PREFIX, PRODUCER_PREFIX, ADMIN_PREFIX);

    /** Port used for a host given without one, as Faust does. */
    static final int DEFAULT_PORT = 9092;
    /** Used when {@code default.api.timeout.ms} is not set: Kafka's own default. */
    static final int DEFAULT_TRANSACTION_TIMEOUT_MS = 60_000;
    static final Duration DEFAULT_API_TIMEOUT = Duration.ofSeconds(60);

    private static final AtomicInteger CLIENT_SEQUENCE = new AtomicInteger();

    private KafkaClientConfigs() {
    }

    /**
     * The {@code bootstrap.servers} value for the address part of a {@code kafka://} URL: {@code ;} or {@code ,}
     * separated hosts, each optionally with its own {@code kafka://}, a missing port defaulting to 9092.
     * Returns "" when the address names no host.
     */
    static String bootstrapServers(String address) {
        List<String> hosts = new ArrayList<>();
        for (String part : address.split("[;,]", -1)) { // empty parts are skipped below
            String h = part.trim();
            int scheme = h.indexOf("://");
            if (scheme >= 0) {
                h = h.substring(scheme + 3);
            }
            while (h.endsWith("/")) {
                h = h.substring(0, h.length() - 1);
            }
            if (h.isEmpty()) {
                continue;
            }
            boolean hasPort = h.startsWith("[") ? h.contains("]:") : h.contains(":");
            hosts.add(hasPort ? h : h + ":" + DEFAULT_PORT);
        }
        return String.join(",", hosts);
    }

    static Map<String, Object> consumer(String appId, Settings settings) {
        Map<String, Object> defaults = common(appId, settings, "consumer");
        defaults.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, settings.autoOffsetReset().toLowerCase(Locale.ROOT));
        defaults.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxPollRecords());
        Map<String, Object> config = layered(defaults, settings.clientProperties(), CONSUMER_PREFIX);
        if (isClassicProtocol(config)) {
            // the second keeps a rolling upgrade working: a group uses the first assignor all its members know
            config.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                    CopartitionedAssignor.class.getName() + "," + CooperativeStickyAssignor.class.getName());
            if (usesCopartitionedAssignor(config)) {
                config.put(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, settings.tableStandbyReplicas());
                if (settings.tableStore().equals("rocksdb://")) {
                    config.put(CopartitionedAssignor.STATE_DIR_CONFIG, stateDir(settings));
                }
            }
        } else if (settings.tableStandbyReplicas() > 0) {
            LOG.warn("tableStandbyReplicas={} has no effect with group.protocol=consumer: standby replicas are placed"
                    + " by faust4j's assignor, which needs Kafka's classic group protocol",
                    settings.tableStandbyReplicas());
        }
        Map<String, Object> forced = new LinkedHashMap<>();
        forced.put(ConsumerConfig.GROUP_ID_CONFIG, appId);
        forced.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        forced.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        forced.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        if (settings.processingGuarantee() == ProcessingGuarantee.EXACTLY_ONCE) {
            forced.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        return force(config, forced, "consumer");
    }

    /**
     * The changelog reader's configuration ({@link KafkaChangelogReader}): the worker consumer's (so TLS, SASL and
     * tuning apply), without the group (no {@code group.id}, no group or assignor keys: it is assigned partitions,
     * never commits), its own client id, and the isolation level asked for.
     */
    static Map<String, Object> changelogReader(Map<String, Object> consumerConfig, boolean readCommitted) {
        Map<String, Object> config = new LinkedHashMap<>(consumerConfig);
        for (String groupKey : List.of(ConsumerConfig.GROUP_ID_CONFIG, ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG,
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, CopartitionedAssignor.STANDBY_REPLICAS_CONFIG,
                CopartitionedAssignor.STANDBY_LISTENER_CONFIG, CopartitionedAssignor.STATE_DIR_CONFIG)) {
            config.remove(groupKey);
        }
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG,
                consumerConfig.get(CommonClientConfigs.CLIENT_ID_CONFIG) + "-changelog-"
                        + CLIENT_SEQUENCE.incrementAndGet());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, readCommitted ? "read_committed" : "read_uncommitted");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return Collections.unmodifiableMap(config);
    }

    /**
     * The transactional producer's configuration: the producer's, with its transactional id, idempotence and
     * {@code acks=all} (which transactions require), and a 60 s {@code transaction.timeout.ms} unless set (the time
     * after which the broker aborts a transaction whose producer vanished; a restarted worker with the same
     * {@code workerId} aborts it at once).
     */
    static Map<String, Object> transactionalProducer(Map<String, Object> producerConfig, String transactionalId) {
        Map<String, Object> config = new LinkedHashMap<>(producerConfig);
        config.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, DEFAULT_TRANSACTION_TIMEOUT_MS);
        Map<String, Object> forced = new LinkedHashMap<>();
        forced.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        forced.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        forced.put(ProducerConfig.ACKS_CONFIG, "all");
        return force(config, forced, "transactional producer");
    }

    static Map<String, Object> producer(String appId, Settings settings) {
        Map<String, Object> defaults = common(appId, settings, "producer");
        defaults.put(ProducerConfig.ACKS_CONFIG, "all");
        defaults.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<String, Object> config = layered(defaults, settings.clientProperties(), PRODUCER_PREFIX);
        Map<String, Object> forced = new LinkedHashMap<>();
        forced.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        forced.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return force(config, forced, "producer");
    }

    static Map<String, Object> admin(String appId, Settings settings) {
        Map<String, Object> config = layered(common(appId, settings, "admin"), settings.clientProperties(),
                ADMIN_PREFIX);
        return Collections.unmodifiableMap(config);
    }

    /** True if {@code partition.assignment.strategy} names faust4j's {@link CopartitionedAssignor}. */
    static boolean usesCopartitionedAssignor(Map<String, Object> consumerConfig) {
        Object strategy = consumerConfig.get(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        return strategy != null && strategy.toString().contains(CopartitionedAssignor.class.getName());
    }

    /**
     * Where this worker's RocksDB stores live, as the assignor compares it: the host name and the absolute data
     * directory (two workers of one host with one dataDir share their stores' directories).
     */
    static String stateDir(Settings settings) {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (java.net.UnknownHostException e) {
                host = "localhost";
            }
        }
        return host + ":" + settings.dataDir().toAbsolutePath().normalize();
    }

    /** True unless {@code group.protocol} selects the new (KIP-848) consumer protocol. */
    static boolean isClassicProtocol(Map<String, Object> consumerConfig) {
        Object protocol = consumerConfig.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG);
        return protocol == null || protocol.toString().trim().equalsIgnoreCase("classic");
    }

    /** {@code default.api.timeout.ms} of a client configuration, or Kafka's default. */
    static Duration apiTimeout(Map<String, Object> config) {
        Object value = config.get(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG);
        if (value == null) {
            return DEFAULT_API_TIMEOUT;
        }
        try {
            return Duration.ofMillis(Long.parseLong(value.toString().trim()));
        } catch (NumberFormatException e) {
            return DEFAULT_API_TIMEOUT; // the client itself rejects the value with a clear ConfigException
        }
    }

    private static Map<String, Object> common(String appId, Settings settings, String role) {
        Map<String, Object> defaults = new LinkedHashMap<>();
        String servers = bootstrapServers(settings.brokerAddress());
        if (!servers.isEmpty()) {
            defaults.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, servers);
        }
        defaults.put(CommonClientConfigs.CLIENT_ID_CONFIG,
                appId + "-" + role + "-" + CLIENT_SEQUENCE.incrementAndGet());
        return defaults;
    }

    private static Map<String, Object> layered(Map<String, Object> defaults, Map<String, String> properties,
                                               String prefix) {
        Map<String, Object> config = new LinkedHashMap<>(defaults);
        Map<String, String> prefixed = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : properties.entrySet()) {
            String key = e.getKey();
            String matched = null;
            for (String p : PREFIXES) {
                if (key.startsWith(p)) {
                    matched = p;
                    break;
                }
            }
            if (matched == null) {
                config.put(key, e.getValue());
            } else if (matched.equals(prefix) && key.length() > prefix.length()) {
                prefixed.put(key.substring(prefix.length()), e.getValue());
            }
        }
        config.putAll(prefixed);
        Object servers = config.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
        if (servers == null || servers.toString().isBlank()) {
            throw new IllegalArgumentException(
                    "the kafka broker URL names no host and no bootstrap.servers client property is set;"
                            + " use kafka://host:port[;host2:port]");
        }
        return config;
    }

    private static Map<String, Object> force(Map<String, Object> config, Map<String, Object> forced, String role) {
        for (Map.Entry<String, Object> e : forced.entrySet()) {
            Object given = config.get(e.getKey());
            if (given != null && !given.toString().equals(e.getValue().toString())) {
                LOG.warn("ignoring client property {} for the {}: faust4j's Kafka transport requires its own value",
                        e.getKey(), role);
            }
            config.put(e.getKey(), e.getValue());
        }
        return Collections.unmodifiableMap(config);
    }
}
