package dev.faust4j;

import dev.faust4j.time.ManualTicker;
import dev.faust4j.time.Ticker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Settings: Faust's defaults, validation at the builder, properties and environment, secret masking. */
class SettingsTest {

    private static Settings settings(App.Builder builder) {
        try (App app = builder.build()) {
            return app.settings();
        }
    }

    @Test
    void defaultsAreFausts() {
        Settings s = settings(App.builder("orders"));
        assertThat(s.id()).isEqualTo("orders");
        assertThat(s.broker()).isEqualTo("memory://");
        assertThat(s.brokerScheme()).isEqualTo("memory");
        assertThat(s.brokerAddress()).isEmpty();
        assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(2800));
        assertThat(s.commitEvery()).isEqualTo(10_000);
        assertThat(s.streamBufferMaxsize()).isEqualTo(4096);
        assertThat(s.topicPartitions()).isEqualTo(8);
        assertThat(s.topicReplicationFactor()).isEqualTo((short) 1);
        assertThat(s.keySerializer()).isEqualTo("raw");
        assertThat(s.valueSerializer()).isEqualTo("json");
        assertThat(s.autoOffsetReset()).isEqualTo("earliest");
        assertThat(s.maxPollRecords()).isEqualTo(500);
        assertThat(s.shutdownGracePeriod()).isEqualTo(Duration.ofSeconds(30));
        assertThat(s.agentRestartBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(s.agentRestartBackoffMax()).isEqualTo(Duration.ofSeconds(10));
        assertThat(s.agentMaxRestarts()).isEqualTo(10);
        assertThat(s.agentFailureStopsWorker()).isFalse();
        assertThat(s.sendRetryTimeout()).as("forever").isGreaterThan(Duration.ofDays(365 * 1000L));
        assertThat(s.decodeErrorPolicy()).isEqualTo(ErrorPolicy.skip());
        assertThat(s.agentErrorPolicy()).isEqualTo(ErrorPolicy.skip());
        assertThat(s.maxRecordBytes()).isEqualTo(16 * 1024 * 1024);
        assertThat(s.ticker()).isSameAs(Ticker.system());
        assertThat(s.clientProperties()).isEmpty();
    }

    @Test
    void everyBuilderSettingIsKept() {
        ManualTicker ticker = new ManualTicker();
        Settings s = settings(App.builder("app").broker("kafka://a:9092;b:9093").commitInterval(Duration.ofMillis(50))
                .commitEvery(7).streamBufferMaxsize(10).topicPartitions(3).topicReplicationFactor(2)
                .keySerializer("JSON")
                .valueSerializer("string").autoOffsetReset("LATEST").maxPollRecords(5)
                .shutdownGracePeriod(Duration.ZERO)
                .agentRestartBackoff(Duration.ofMillis(5)).agentRestartBackoffMax(Duration.ofSeconds(1))
                .agentMaxRestarts(2)
                .agentFailureStopsWorker(true).sendRetryTimeout(Duration.ofMinutes(3))
                .decodeErrorPolicy(ErrorPolicy.fail()).agentErrorPolicy(ErrorPolicy.deadLetter("dlq"))
                .maxRecordBytes(1024).ticker(ticker).clientProperty("security.protocol", "SASL_SSL"));
        assertThat(s.brokerScheme()).isEqualTo("kafka");
        assertThat(s.brokerAddress()).isEqualTo("a:9092;b:9093");
        assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(50));
        assertThat(s.commitEvery()).isEqualTo(7);
        assertThat(s.streamBufferMaxsize()).isEqualTo(10);
        assertThat(s.topicPartitions()).isEqualTo(3);
        assertThat(s.topicReplicationFactor()).isEqualTo((short) 2);
        assertThat(s.keySerializer()).isEqualTo("json");
        assertThat(s.valueSerializer()).isEqualTo("string");
        assertThat(s.autoOffsetReset()).isEqualTo("latest");
        assertThat(s.maxPollRecords()).isEqualTo(5);
        assertThat(s.shutdownGracePeriod()).isZero();
        assertThat(s.agentRestartBackoff()).isEqualTo(Duration.ofMillis(5));
        assertThat(s.agentRestartBackoffMax()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.agentMaxRestarts()).isEqualTo(2);
        assertThat(s.agentFailureStopsWorker()).isTrue();
        assertThat(s.sendRetryTimeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(s.decodeErrorPolicy()).isEqualTo(ErrorPolicy.fail());
        assertThat(s.agentErrorPolicy()).isEqualTo(ErrorPolicy.deadLetter("dlq"));
        assertThat(s.maxRecordBytes()).isEqualTo(1024);
        assertThat(s.ticker()).isSameAs(ticker);
        assertThat(s.clientProperties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    }

    @Test
    void invalidValuesAreRejectedAtOnceNamingTheSetting() {
        assertThatThrownBy(() -> App.builder(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("app id");
        assertThatThrownBy(() -> App.builder(null)).isInstanceOf(NullPointerException.class);
        App.Builder b = App.builder("x");
        assertThatThrownBy(() -> b.broker("localhost:9092")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("URL");
        assertThatThrownBy(() -> b.broker("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("broker");
        assertThatThrownBy(() -> b.commitInterval(Duration.ZERO)).hasMessageContaining("commitInterval");
        assertThatThrownBy(() -> b.commitInterval(Duration.ofSeconds(-1))).hasMessageContaining("commitInterval");
        assertThatThrownBy(() -> b.commitEvery(0)).hasMessageContaining("commitEvery");
        assertThatThrownBy(() -> b.streamBufferMaxsize(0)).hasMessageContaining("streamBufferMaxsize");
        assertThatThrownBy(() -> b.topicPartitions(0)).hasMessageContaining("topicPartitions");
        assertThatThrownBy(() -> b.topicReplicationFactor(0)).hasMessageContaining("topicReplicationFactor");
        assertThatThrownBy(() -> b.keySerializer("pickle")).hasMessageContaining("keySerializer")
                .hasMessageContaining("pickle");
        assertThatThrownBy(() -> b.valueSerializer("yaml")).hasMessageContaining("valueSerializer");
        assertThatThrownBy(() -> b.autoOffsetReset("none")).hasMessageContaining("autoOffsetReset");
        assertThatThrownBy(() -> b.maxPollRecords(0)).hasMessageContaining("maxPollRecords");
        assertThatThrownBy(() -> b.shutdownGracePeriod(Duration.ofMillis(-1)))
                .hasMessageContaining("shutdownGracePeriod");
        assertThatThrownBy(() -> b.agentRestartBackoff(Duration.ofMillis(-1)))
                .hasMessageContaining("agentRestartBackoff");
        assertThatThrownBy(() -> b.agentRestartBackoffMax(Duration.ofMillis(-1)))
                .hasMessageContaining("agentRestartBackoffMax");
        assertThatThrownBy(() -> b.agentMaxRestarts(-1)).hasMessageContaining("agentMaxRestarts");
        assertThatThrownBy(() -> b.sendRetryTimeout(Duration.ZERO)).hasMessageContaining("sendRetryTimeout");
        assertThatThrownBy(() -> b.maxRecordBytes(0)).hasMessageContaining("maxRecordBytes");
        assertThatThrownBy(() -> b.decodeErrorPolicy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.agentErrorPolicy(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.ticker(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> b.clientProperty(" ", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> b.clientProperty("k", null)).isInstanceOf(NullPointerException.class);
        // the failed calls changed nothing
        assertThat(settings(b).commitEvery()).isEqualTo(10_000);
        // settings that contradict each other are refused at build
        assertThatThrownBy(() -> App.builder("x").agentRestartBackoff(Duration.ofSeconds(20)).build())
                .hasMessageContaining("agentRestartBackoff").hasMessageContaining("agentRestartBackoffMax");
    }

    /** Text values that parse, one per setting of the table, and what they must turn into. */
    private static final Map<String, Object[]> TEXT_VALUES = Map.ofEntries(
            Map.entry("broker", new Object[] {"kafka://h:1", "kafka://h:1"}),
            Map.entry("commitInterval", new Object[] {"0.25", Duration.ofMillis(250)}),
            Map.entry("commitEvery", new Object[] {"3", 3}),
            Map.entry("streamBufferMaxsize", new Object[] {"12", 12}),
            Map.entry("topicPartitions", new Object[] {"4", 4}),
            Map.entry("topicReplicationFactor", new Object[] {"3", 3}),
            Map.entry("keySerializer", new Object[] {"json", "json"}),
            Map.entry("valueSerializer", new Object[] {"raw", "raw"}),
            Map.entry("autoOffsetReset", new Object[] {"latest", "latest"}),
            Map.entry("maxPollRecords", new Object[] {"9", 9}),
            Map.entry("shutdownGracePeriod", new Object[] {"1500ms", Duration.ofMillis(1500)}),
            Map.entry("decodeErrorPolicy", new Object[] {"dead-letter:d", ErrorPolicy.deadLetter("d")}),
            Map.entry("agentErrorPolicy",
                    new Object[] {"retry:3:0.5:fail",
                            ErrorPolicy.retry(3, Duration.ofMillis(500), ErrorPolicy.fail())}),
            Map.entry("maxRecordBytes", new Object[] {"77", 77}),
            Map.entry("agentRestartBackoff", new Object[] {"0.01", Duration.ofMillis(10)}),
            Map.entry("agentRestartBackoffMax", new Object[] {"2s", Duration.ofSeconds(2)}),
            Map.entry("agentMaxRestarts", new Object[] {"4", 4}),
            Map.entry("agentFailureStopsWorker", new Object[] {"true", true}),
            Map.entry("sendRetryTimeout", new Object[] {"60", Duration.ofMinutes(1)}),
            Map.entry("processingGuarantee", new Object[] {"exactly_once", ProcessingGuarantee.EXACTLY_ONCE}),
            Map.entry("workerId", new Object[] {"pod-3", "pod-3"}),
            Map.entry("tableStore", new Object[] {"RocksDB://", "rocksdb://"}),
            Map.entry("dataDir", new Object[] {"/var/lib/app", "/var/lib/app"}),
            Map.entry("tableRocksdbMemory", new Object[] {"256MiB", 256L * 1024 * 1024}),
            Map.entry("tableWipeOnInconsistentOffset", new Object[] {"yes", true}),
            Map.entry("tableWriteCache", new Object[] {"false", false}),
            Map.entry("tableStandbyReplicas", new Object[] {"2", 2}),
            Map.entry("tableMaxPendingKeys", new Object[] {"5000", 5000}),
            Map.entry("progressInterval", new Object[] {"30", Duration.ofSeconds(30)}),
            Map.entry("askTimeout", new Object[] {"5", Duration.ofSeconds(5)}),
            Map.entry("replyTo", new Object[] {"my-replies", "my-replies"}),
            Map.entry("replyExpires", new Object[] {"60", Duration.ofSeconds(60)}),
            Map.entry("webEnabled", new Object[] {"true", true}),
            Map.entry("webPort", new Object[] {"8080", 8080}),
            Map.entry("webBind", new Object[] {"0.0.0.0", "0.0.0.0"}));

    @Test
    void exactlyOnceCommitsEvery100msUnlessTheIntervalIsSet() {
        assertThat(settings(App.builder("e")).commitInterval()).isEqualTo(Duration.ofMillis(2800));
        assertThat(settings(App.builder("e").processingGuarantee(ProcessingGuarantee.EXACTLY_ONCE)).commitInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThat(settings(App.builder("e").commitInterval(Duration.ofSeconds(1))
                .environment(Map.of("PROCESSING_GUARANTEE", "EXACTLY_ONCE"))).commitInterval())
                .isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> App.builder("e").properties(props("processing_guarantee", "twice")))
                .hasMessageContaining("processingGuarantee").hasMessageContaining("twice");
        assertThatThrownBy(() -> App.builder("e").workerId("a b")).hasMessageContaining("workerId");
    }

    @Test
    void tableStoresAreMemoryOrRocksdbWithADataDirAndABoundedMemory() {
        Settings defaults = settings(App.builder("shop"));
        assertThat(defaults.tableStore()).isEqualTo("memory://");
        assertThat(defaults.dataDir()).as("Faust's default: {app id}-data")
                .isEqualTo(java.nio.file.Path.of("shop-data"));
        assertThat(defaults.tableRocksdbMemory()).isEqualTo(64L * 1024 * 1024);
        assertThat(defaults.tableWipeOnInconsistentOffset()).isFalse();
        assertThat(defaults.tableWriteCache()).isTrue();
        assertThat(defaults.tableStandbyReplicas()).as("Faust's default").isEqualTo(1);
        assertThatThrownBy(() -> App.builder("s").tableStandbyReplicas(-1))
                .hasMessageContaining("tableStandbyReplicas");
        assertThat(settings(App.builder("s").environment(Map.of("APP_STORE", "rocksdb"))).tableStore())
                .isEqualTo("rocksdb://");
        assertThat(settings(App.builder("s").properties(props("table_rocksdb_memory", "1.5 GiB")))
                .tableRocksdbMemory()).isEqualTo(1536L * 1024 * 1024);
        assertThat(settings(App.builder("s").environment(Map.of("TABLE_ROCKSDB_MEMORY", "2097152")))
                .tableRocksdbMemory()).isEqualTo(2L * 1024 * 1024);
        assertThatThrownBy(() -> App.builder("s").tableStore("aerospike://"))
                .hasMessageContaining("tableStore must be memory:// or rocksdb://").hasMessageContaining("aerospike");
        assertThatThrownBy(() -> App.builder("s").properties(props("store", "redis://")))
                .hasMessageContaining("tableStore").hasMessageContaining("redis://");
        assertThatThrownBy(() -> App.builder("s").tableRocksdbMemory(1000))
                .hasMessageContaining("tableRocksdbMemory must be at least 1MiB, got 1000");
        assertThatThrownBy(() -> App.builder("s").properties(props("table_rocksdb_memory", "64 furlongs")))
                .hasMessageContaining("tableRocksdbMemory must be bytes").hasMessageContaining("64MiB")
                .hasMessageContaining("furlongs");
        assertThat(settings(App.builder("s").environment(Map.of("APP_DATADIR", "/data/s"))).dataDir())
                .isEqualTo(java.nio.file.Path.of("/data/s"));
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }

    @Test
    void everySettingOfTheTableHasAPropertyKeyAnEnvironmentVariableAndATestedValue() {
        assertThat(TEXT_VALUES.keySet()).as("a value for every setting of the table")
                .containsExactlyInAnyOrderElementsOf(Setting.all().stream().map(Setting::name).toList());
        for (Setting<?> setting : Setting.all()) {
            Object[] v = TEXT_VALUES.get(setting.name());
            Properties p = new Properties();
            p.setProperty(setting.key(), (String) v[0]);
            Settings fromProperties = settings(App.builder("t").properties(p));
            Settings fromEnv = settings(App.builder("t").environment(Map.of(setting.env(), (String) v[0])));
            for (Settings s : List.of(fromProperties, fromEnv)) {
                assertThat(s.toString()).as(setting.name()).contains(setting.name() + "=" + setting.format(v[1]));
                assertThat(s.clientProperties()).as(setting.key() + " is a setting, not a client property").isEmpty();
            }
        }
    }

    @Test
    void propertiesUseFaustsNamesAndPassEverythingElseThrough() {
        Properties p = new Properties();
        p.setProperty("broker", "kafka://k1:9092");
        p.setProperty("broker_commit_interval", "0.5");
        p.setProperty("broker.commit.every", "100");
        p.setProperty("stream-buffer-maxsize", "64");
        p.setProperty("TOPIC_PARTITIONS", "3");
        p.setProperty("topic_replication_factor", "2");
        p.setProperty("key_serializer", "json");
        p.setProperty("value_serializer", "raw");
        p.setProperty("consumer_auto_offset_reset", "latest");
        p.setProperty("broker_max_poll_records", "50");
        p.setProperty("shutdown_grace_period", "2.5");
        p.setProperty("decode_error_policy", "dead-letter:bad-records");
        p.setProperty("agent_error_policy", "fail");
        p.setProperty("max_record_bytes", "2048");
        p.setProperty("security.protocol", "SASL_SSL");
        p.setProperty("consumer.max.partition.fetch.bytes", "1048576");
        Settings s = settings(App.builder("props").properties(p));
        assertThat(s.broker()).isEqualTo("kafka://k1:9092");
        assertThat(s.commitInterval()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.commitEvery()).isEqualTo(100);
        assertThat(s.streamBufferMaxsize()).isEqualTo(64);
        assertThat(s.topicPartitions()).isEqualTo(3);
        assertThat(s.topicReplicationFactor()).isEqualTo((short) 2);
        assertThat(s.keySerializer()).isEqualTo("json");
        assertThat(s.valueSerializer()).isEqualTo("raw");
        assertThat(s.autoOffsetReset()).isEqualTo("latest");
        assertThat(s.maxPollRecords()).isEqualTo(50);
        assertThat(s.shutdownGracePeriod()).isEqualTo(Duration.ofMillis(2500));
        assertThat(s.decodeErrorPolicy()).isEqualTo(ErrorPolicy.deadLetter("bad-records"));
        assertThat(s.agentErrorPolicy()).isEqualTo(ErrorPolicy.fail());
        assertThat(s.maxRecordBytes()).isEqualTo(2048);
        assertThat(s.clientProperties()).containsOnly(Map.entry("security.protocol", "SASL_SSL"),
                Map.entry("consumer.max.partition.fetch.bytes", "1048576"));
    }

    @Test
    void aPropertyThatIsNotANumberNamesTheKey() {
        Properties p = new Properties();
        p.setProperty("topic.partitions", "eight");
        assertThatThrownBy(() -> App.builder("x").properties(p)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("topic.partitions").hasMessageContaining("eight");
        Properties q = new Properties();
        q.setProperty("topic_partitions", "0");
        assertThatThrownBy(() -> App.builder("x").properties(q)).hasMessageContaining("topicPartitions");
    }

    @Test
    void environmentUsesFaustsVariablesAndIgnoresTheRest() {
        Settings s = settings(App.builder("env").environment(Map.of(
                "BROKER_URL", "kafka://env:9092",
                "APP_KEY_SERIALIZER", "string",
                "APP_VALUE_SERIALIZER", "raw",
                "TOPIC_PARTITIONS", "5",
                "BROKER_COMMIT_INTERVAL", "1",
                "ID", "other-id",
                "PATH", "/usr/bin",
                "HOME", "/root")));
        assertThat(s.id()).isEqualTo("env");
        assertThat(s.broker()).isEqualTo("kafka://env:9092");
        assertThat(s.keySerializer()).isEqualTo("string");
        assertThat(s.valueSerializer()).isEqualTo("raw");
        assertThat(s.topicPartitions()).isEqualTo(5);
        assertThat(s.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(s.clientProperties()).isEmpty();
    }

    @Test
    void secretsAreMaskedInToString() {
        Settings s = settings(App.builder("secrets")
                .clientProperty("sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"hunter2\";")
                .clientProperty("ssl.keystore.password", "ks-secret-1")
                .clientProperty("ssl.key.password", "key-secret-2")
                .clientProperty("producer.ssl.truststore.password", "ts-secret-3")
                .clientProperty("sasl.oauthbearer.client.secret", "oauth-secret-4")
                .clientProperty("security.protocol", "SASL_SSL"));
        String text = s.toString();
        assertThat(text).doesNotContain("hunter2", "ks-secret-1", "key-secret-2", "ts-secret-3", "oauth-secret-4")
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=[hidden]", "ssl.keystore.password=[hidden]");
        // the values themselves are kept for the transport
        assertThat(s.clientProperties()).containsEntry("ssl.key.password", "key-secret-2");
        assertThat(Settings.isSecret("SSL.KEYSTORE.PASSWORD")).isTrue();
        assertThat(Settings.isSecret("bootstrap.servers")).isFalse();
    }

    @Test
    void clientPropertiesCannotBeChangedAfterBuild() {
        App.Builder b = App.builder("immutable").clientProperty("a", "1");
        Settings s = settings(b);
        b.clientProperty("b", "2");
        assertThat(s.clientProperties()).containsOnlyKeys("a");
        assertThatThrownBy(() -> s.clientProperties().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void errorPoliciesParse() {
        assertThat(ErrorPolicy.parse("skip")).isEqualTo(ErrorPolicy.skip());
        assertThat(ErrorPolicy.parse(" FAIL ")).isEqualTo(ErrorPolicy.fail());
        assertThat(ErrorPolicy.parse("dead-letter:orders-dlq")).isEqualTo(ErrorPolicy.deadLetter("orders-dlq"));
        assertThat(ErrorPolicy.parse("Dead-Letter:x")).isEqualTo(ErrorPolicy.deadLetter("x"));
        assertThatThrownBy(() -> ErrorPolicy.parse("dead-letter:")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrorPolicy.parse("retry")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("retry");
        assertThat(ErrorPolicy.parse("retry:3:250ms:dead-letter:orders-dlq"))
                .isEqualTo(ErrorPolicy.retry(3, Duration.ofMillis(250), ErrorPolicy.deadLetter("orders-dlq")));
        assertThat(ErrorPolicy.parse("retry:2:1.5:skip"))
                .isEqualTo(ErrorPolicy.retry(2, Duration.ofMillis(1500), ErrorPolicy.skip()));
        assertThatThrownBy(() -> ErrorPolicy.parse("retry:x:1:skip")).hasMessageContaining("number");
        assertThatThrownBy(() -> ErrorPolicy.retry(0, Duration.ZERO, ErrorPolicy.skip()))
                .hasMessageContaining("attempts");
        assertThatThrownBy(
                () -> ErrorPolicy.retry(2, Duration.ZERO, ErrorPolicy.retry(2, Duration.ZERO, ErrorPolicy.skip())))
                .hasMessageContaining("another retry");
        assertThat(
                ((ErrorPolicy.Retry) ErrorPolicy.retry(5, Duration.ofSeconds(1), ErrorPolicy.skip())).backoffBefore(4))
                .isEqualTo(Duration.ofSeconds(4));
        assertThat(ErrorPolicy.parse(ErrorPolicy.retry(3, Duration.ofMillis(250), ErrorPolicy.fail()).toString()))
                .as("toString parses back").isEqualTo(ErrorPolicy.retry(3, Duration.ofMillis(250), ErrorPolicy.fail()));
        assertThatThrownBy(() -> ErrorPolicy.deadLetter(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ErrorPolicy.deadLetter(null)).isInstanceOf(NullPointerException.class);
    }
}
