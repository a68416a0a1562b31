package dev.faust4j.kafka;

import dev.faust4j.App;
import dev.faust4j.Settings;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;
import dev.faust4j.kafka.internal.CopartitionedAssignor;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How settings and client properties become client configurations. No broker needed: nothing connects. */
class KafkaClientConfigsTest {

    private static Settings settings(String url, Map<String, String> props) {
        return KafkaTestSupport.settings("app", url, props);
    }

    @Test
    void factoryIsFoundByServiceLoaderAndCreatesTransportFromKafkaUrl() {
        TransportFactory factory = ServiceLoader.load(TransportFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(f -> f.scheme().equals("kafka"))
                .findFirst().orElseThrow();
        assertThat(factory).isInstanceOf(KafkaTransportFactory.class);

        try (Transport transport = factory
                .create(new TransportContext("app", settings("kafka://a:9092;b:9093", Map.of())))) {
            assertThat(transport).isInstanceOf(KafkaTransport.class);
            assertThat(((KafkaTransport) transport).consumerConfig()).containsEntry("bootstrap.servers",
                    "a:9092,b:9093");
        }
    }

    @Test
    void bootstrapServersComeFromTheBrokerUrl() {
        assertThat(KafkaClientConfigs.bootstrapServers("a:1;b:2")).isEqualTo("a:1,b:2");
        assertThat(KafkaClientConfigs.bootstrapServers("a:1;kafka://b")).isEqualTo("a:1,b:9092");
        assertThat(KafkaClientConfigs.bootstrapServers(" a:1 , b:2 ;")).isEqualTo("a:1,b:2");
        assertThat(KafkaClientConfigs.bootstrapServers("[::1]:9093;[::1]")).isEqualTo("[::1]:9093,[::1]:9092");
        assertThat(KafkaClientConfigs.bootstrapServers("localhost:9092/")).isEqualTo("localhost:9092");
        assertThat(KafkaClientConfigs.bootstrapServers("")).isEmpty();
    }

    @Test
    void changelogReaderConfigIsTheConsumersWithoutTheGroup() {
        Settings s = settings("kafka://h:1", Map.of("security.protocol", "SASL_SSL", "group.instance.id", "w1",
                "consumer.session.timeout.ms", "6000"));
        Map<String, Object> consumer = KafkaClientConfigs.consumer("orders", s);
        Map<String, Object> reader = KafkaClientConfigs.changelogReader(consumer, true);

        assertThat(reader).doesNotContainKeys("group.id", "group.instance.id", "session.timeout.ms",
                "partition.assignment.strategy")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("isolation.level", "read_committed")
                .containsEntry("bootstrap.servers", "h:1");
        assertThat(reader.get("client.id").toString()).startsWith(consumer.get("client.id") + "-changelog-");
        assertThat(KafkaClientConfigs.changelogReader(consumer, false)).containsEntry("isolation.level",
                "read_uncommitted");
    }

    @Test
    void consumerConfigFollowsSettings() {
        Settings s = App.builder("orders").broker("kafka://h:1;h2:2").autoOffsetReset("latest").maxPollRecords(7)
                .build().settings();
        Map<String, Object> c = KafkaClientConfigs.consumer("orders", s);

        assertThat(c).containsEntry("bootstrap.servers", "h:1,h2:2")
                .containsEntry("group.id", "orders")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("auto.offset.reset", "latest")
                .containsEntry("max.poll.records", 7)
                .containsEntry("partition.assignment.strategy",
                        CopartitionedAssignor.class.getName() + "," + CooperativeStickyAssignor.class.getName())
                .containsEntry(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, 1);
        assertThat(c.get("client.id").toString()).startsWith("orders-consumer-");
        assertThat(KafkaClientConfigs.producer("orders", s).get("client.id").toString()).startsWith("orders-producer-");
        assertThat(KafkaClientConfigs.admin("orders", s).get("client.id").toString()).startsWith("orders-admin-");
        assertThat(KafkaClientConfigs.producer("orders", s)).containsEntry("acks", "all")
                .containsEntry("enable.idempotence", true);
    }

    @Test
    void plainKeysReachEveryClientAndPrefixedKeysOnlyTheirOwn() {
        KafkaTransport t = new KafkaTransport("app", settings("kafka://h:1", Map.of(
                "security.protocol", "SASL_SSL",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";",
                "consumer.max.partition.fetch.bytes", "12345",
                "producer.linger.ms", "7",
                "admin.request.timeout.ms", "4321",
                "request.timeout.ms", "1000")));

        for (Map<String, Object> c : java.util.List.of(t.consumerConfig(), t.producerConfig(), t.adminConfig())) {
            assertThat(c).containsEntry("security.protocol", "SASL_SSL").containsKey("sasl.jaas.config");
            assertThat(c).doesNotContainKeys("consumer.max.partition.fetch.bytes", "producer.linger.ms",
                    "admin.request.timeout.ms");
        }
        assertThat(t.consumerConfig()).containsEntry("max.partition.fetch.bytes", "12345")
                .containsEntry("request.timeout.ms", "1000");
        assertThat(t.producerConfig()).doesNotContainKey("max.partition.fetch.bytes").containsEntry("linger.ms", "7");
        assertThat(t.adminConfig()).doesNotContainKeys("max.partition.fetch.bytes", "linger.ms")
                .containsEntry("request.timeout.ms", "4321"); // the prefixed key wins over the plain one
        t.close();
    }

    @Test
    void newConsumerGroupProtocolGetsNoAssignor() {
        Map<String, Object> c = KafkaClientConfigs.consumer("app",
                settings("kafka://h:1", Map.of("group.protocol", "consumer")));
        assertThat(c).containsEntry("group.protocol", "consumer")
                .doesNotContainKeys("partition.assignment.strategy", "session.timeout.ms", "heartbeat.interval.ms",
                        CopartitionedAssignor.STANDBY_REPLICAS_CONFIG);
    }

    @Test
    void theStandbyReplicasFollowTheSettingsAndStayOutOfTheChangelogReader() {
        Settings s = App.builder("orders").broker("kafka://h:1").tableStandbyReplicas(2).build().settings();
        Map<String, Object> c = KafkaClientConfigs.consumer("orders", s);
        assertThat(c).containsEntry(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, 2);

        Map<String, Object> withListener = new java.util.HashMap<>(c);
        withListener.put(CopartitionedAssignor.STANDBY_LISTENER_CONFIG, new Object());
        assertThat(KafkaClientConfigs.changelogReader(withListener, false)).doesNotContainKeys(
                CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, CopartitionedAssignor.STANDBY_LISTENER_CONFIG,
                "partition.assignment.strategy");
    }

    @Test
    void aStrategyOfTheUsersOwnIsKeptAndGetsNoAssignorKeys() {
        Map<String, Object> c = KafkaClientConfigs.consumer("app", settings("kafka://h:1",
                Map.of("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor")));
        assertThat(c).containsEntry("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor")
                .doesNotContainKey(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG);
    }

    @Test
    void keysTheAdaptersDependOnCannotBeOverridden() {
        Map<String, Object> c = KafkaClientConfigs.consumer("app", settings("kafka://h:1", Map.of(
                "consumer.enable.auto.commit", "true",
                "group.id", "other",
                "consumer.value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer")));
        assertThat(c).containsEntry("enable.auto.commit", false).containsEntry("group.id", "app")
                .containsEntry("value.deserializer",
                        org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
    }

    @Test
    void explicitBootstrapServersWinOverTheUrl() {
        Map<String, Object> c = KafkaClientConfigs.producer("app",
                settings("kafka://", Map.of("bootstrap.servers", "x:1,y:2")));
        assertThat(c).containsEntry("bootstrap.servers", "x:1,y:2");
    }

    @Test
    void urlWithoutHostIsRejected() {
        assertThatThrownBy(
                () -> new KafkaTransportFactory().create(new TransportContext("app", settings("kafka://", Map.of()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kafka://host:port");
    }
}
