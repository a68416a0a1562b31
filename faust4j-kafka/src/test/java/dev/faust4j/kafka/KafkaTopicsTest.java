package dev.faust4j.kafka;

import dev.faust4j.spi.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import static dev.faust4j.kafka.KafkaTestSupport.external;
import static dev.faust4j.kafka.KafkaTestSupport.internal;
import static dev.faust4j.kafka.KafkaTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** declareTopics and partitionCount against the embedded broker, which has auto.create.topics.enable=false. */
class KafkaTopicsTest {

    private static KafkaTransport transport;

    @BeforeAll
    static void start() {
        transport = KafkaTestSupport.transport(unique("topics"));
    }

    @AfterAll
    static void stop() {
        transport.close();
    }

    @Test
    void createsMissingInternalAndNonInternalTopicsAndIsIdempotent() {
        String agentTopic = unique("agent");
        String source = unique("source");
        List<TopicSpec> specs = List.of(internal(agentTopic, 3), external(source, 2));

        transport.declareTopics(specs);
        assertThat(transport.partitionCount(agentTopic)).isEqualTo(OptionalInt.of(3));
        assertThat(transport.partitionCount(source)).isEqualTo(OptionalInt.of(2));

        transport.declareTopics(specs);
        assertThat(transport.partitionCount(agentTopic)).isEqualTo(OptionalInt.of(3));
    }

    @Test
    void topicConfigIsApplied() throws Exception {
        String table = unique("changelog");
        transport.declareTopics(List.of(new TopicSpec(table, 1, (short) 1, true, Map.of("cleanup.policy", "compact"))));

        try (Admin admin = KafkaTestSupport.admin()) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, table);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
        }
    }

    @Test
    void refusesAnInternalTopicThatExistsWithAnotherPartitionCount() {
        String name = unique("repartition");
        transport.declareTopics(List.of(internal(name, 3)));

        assertThatThrownBy(() -> transport.declareTopics(List.of(internal(name, 4))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("exists with 3 partitions")
                .hasMessageContaining("needs 4");
        assertThat(transport.partitionCount(name)).isEqualTo(OptionalInt.of(3));
    }

    @Test
    void leavesAnExistingNonInternalTopicAsItIs() {
        String name = unique("input");
        transport.declareTopics(List.of(external(name, 2)));

        transport.declareTopics(List.of(external(name, 5)));
        assertThat(transport.partitionCount(name)).isEqualTo(OptionalInt.of(2));
    }

    @Test
    void partitionCountOfAMissingTopicIsEmpty() {
        assertThat(transport.partitionCount(unique("missing"))).isEmpty();
    }

    @Test
    void aTopicThatCannotBeCreatedIsAClearError() {
        String name = unique("replicated");
        assertThatThrownBy(() -> transport.declareTopics(List.of(new TopicSpec(name, 1, (short) 3, true, Map.of()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(name)
                .hasMessageContaining("replication factor 3");
    }
}
