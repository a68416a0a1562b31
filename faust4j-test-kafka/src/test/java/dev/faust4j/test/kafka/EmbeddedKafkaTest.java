package dev.faust4j.test.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedKafkaExtension.class)
class EmbeddedKafkaTest {

    @Test
    void sharedBrokerListensOnLoopbackAndIsInjected(EmbeddedKafka kafka) throws Exception {
        assertThat(kafka).isSameAs(EmbeddedKafka.shared());
        assertThat(kafka.bootstrapServers()).matches("127\\.0\\.0\\.1:\\d+");
        assertThat(kafka.brokerUrl()).isEqualTo("kafka://" + kafka.bootstrapServers());
        try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
            assertThat(admin.describeCluster().nodes().get()).singleElement()
                    .satisfies(node -> assertThat(node.host()).isEqualTo("127.0.0.1"));
        }
        kafka.close(); // a no-op on the shared broker
        assertThat(EmbeddedKafka.shared()).isSameAs(kafka);
    }

    @Test
    void aPrivateBrokerCanUseAFixedPort() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(LoopbackSocketFactoryManager.LOOPBACK, 0));
            port = probe.getLocalPort();
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(port)) {
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + port);
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get()).hasSize(1);
            }
        }
    }

    @Test
    void aPrivateBrokerTakesExtraSettingsButNoListeners() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0, Map.of("num.partitions", "3"))) {
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
                String node = admin.describeCluster().nodes().get().iterator().next().idString();
                ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node);
                Config config = admin.describeConfigs(List.of(broker)).all().get().get(broker);
                assertThat(config.get("num.partitions").value()).isEqualTo("3");
                assertThat(config.get("auto.create.topics.enable").value()).isEqualTo("false"); // BROKER_CONFIG
                assertThat(config.get("broker.session.timeout.ms").value()).isEqualTo("3000"); // PRIVATE_BROKER_CONFIG
            }
        }
        assertThatThrownBy(() -> EmbeddedKafka.start(0, Map.of("listeners", "PLAINTEXT://0.0.0.0:9092")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> EmbeddedKafka.start(0, Map.of("advertised.listeners", "PLAINTEXT://example:9092")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
