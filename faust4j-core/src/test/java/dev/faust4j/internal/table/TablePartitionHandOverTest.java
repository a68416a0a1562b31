package dev.faust4j.internal.table;

import dev.faust4j.App;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Table;
import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.Transport;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Table partitions held through several topics (found by battery test l with three workers): Kafka's assignor does
 * not keep the partitions numbered {@code p} of a {@code groupBy}'s input and repartition topics on one worker, so a
 * worker may hold table partition {@code p} through the input (which never writes the table) while another worker
 * counts into it from the repartition topic. When the repartition partition then comes to this worker, its table
 * partition must be restored again: before the fix it was kept as restored at the input's assignment, and every
 * count the other worker had made in it was lost.
 */
class TablePartitionHandOverTest {

    private static final String ALL = "dev.faust4j.testing.Transports#all";

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Tables tables(String id, Transport transport) {
        return new Tables(App.builder(id).topicPartitions(2).build().settings(), false, () -> transport,
                record -> CompletableFuture.completedFuture(new RecordMetadata(record.topic(), 0, 0, 0)), () -> false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aPartitionHeldOnlyThroughATopicThatNeverWroteItIsRestoredAgainWhenAnotherTopicsPartitionComes(
                                                                                                       TransportFixture fixture) {
        String id = Transports.uniqueId("handover");
        String url = fixture.brokerUrl(id);
        TopicPartition input = new TopicPartition(id + "-in", 0);
        TopicPartition repartition = new TopicPartition(id + "-by-key-repartition", 0);
        try (Transport transport = Transports.open(url, id)) {
            Tables tables = tables(id, transport);
            Table<String, Long> counts = tables.table("counts", Codecs.json(String.class), Codecs.json(Long.class));
            tables.declare();
            tables.assigned(List.of(input));
            tables.awaitRestored(); // table partition 0 held (and restored) through the input
            assertThat(counts.local()).isEmpty();

            // another worker, which holds the repartition partition 0, counts into table partition 0
            fixture.appendRaw(url, counts.changelogTopic(), 2, 0, bytes("\"a\""), bytes("3"));

            tables.assigned(List.of(repartition));

            tables.awaitRestored(); // the repartition partition comes here
            assertThat(counts.local()).as("restored again: the other worker's count").isEqualTo(Map.of("a", 3L));

            // it goes away and comes back while the input stays: restored again, since the other worker wrote meanwhile
            tables.released(List.of(repartition));
            fixture.appendRaw(url, counts.changelogTopic(), 2, 0, bytes("\"a\""), bytes("4"));
            tables.assigned(List.of(repartition));
            tables.awaitRestored(); // restored off the calling thread
            assertThat(counts.local()).isEqualTo(Map.of("a", 4L));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aPartitionThisWorkerWritesIsKeptWhenAnotherTopicsPartitionComes(TransportFixture fixture) {
        String id = Transports.uniqueId("handover-kept");
        String url = fixture.brokerUrl(id);
        TopicPartition input = new TopicPartition(id + "-in", 0);
        TopicPartition repartition = new TopicPartition(id + "-by-key-repartition", 0);
        try (Transport transport = Transports.open(url, id)) {
            Tables tables = tables(id, transport);
            Table<String, Long> counts = tables.table("counts", Codecs.json(String.class), Codecs.json(Long.class));
            tables.declare();
            tables.assigned(List.of(repartition));
            tables.awaitRestored(); // restored off the calling thread
            // a count of this worker from the repartition topic, whose changelog record is not in the log yet
            TablePartitions<String, Long> parts = ((TableImpl<String, Long>) counts).parts;
            var unused = parts.writing(repartition.topic(), () -> parts.store(0).update("mine", old -> 1L,
                    value -> new CompletableFuture<>())); // never acknowledged: not in the changelog

            tables.assigned(List.of(input));

            tables.awaitRestored(); // the input partition 0 comes here too
            assertThat(counts.local()).as("the writer's store stays, with its own write").isEqualTo(Map.of("mine", 1L));
        }
    }
}
