package dev.faust4j.kafka.testkit;

import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
