package dev.faust4j;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.GroupMetadata;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransactionalProducer;
import dev.faust4j.spi.Transport;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The transports' changelog reader (what tables restore from): it reads chosen partitions from chosen offsets outside
 * the group, and a partition is complete when its position reaches the end offset, also when the tail holds no
 * readable record (an aborted transaction, Faust's recovery hang R1).
 */
class ChangelogReaderTest {

    private static final String ALL = "dev.faust4j.testing.Transports#all";

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void readsAPartitionFromTheBeginningOrFromAStoredOffsetUpToItsEnd(TransportFixture fixture) {
        String id = Transports.uniqueId("changelog-read");
        String url = fixture.brokerUrl(id);
        String topic = id + "-changelog";
        for (int i = 0; i < 5; i++) {
            fixture.appendRaw(url, topic, 2, 1, bytes("k" + i), bytes("v" + i));
        }
        TopicPartition tp = new TopicPartition(topic, 1);
        try (Transport transport = Transports.open(url, id);
             ChangelogReader reader = transport.changelogReader(false)) {
            reader.assign(List.of(tp));
            assertThat(reader.assignment()).containsExactly(tp);
            assertThat(reader.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            long end = reader.endOffsets(List.of(tp)).get(tp);
            assertThat(end).isEqualTo(5);
            reader.seek(tp, 0);
            assertThat(values(readToEnd(reader, tp, end))).containsExactly("v0", "v1", "v2", "v3", "v4");

            reader.seek(tp, 3); // a store that applied up to offset 2 replays only the tail
            assertThat(values(readToEnd(reader, tp, end))).containsExactly("v3", "v4");
            assertThat(reader.position(tp)).isEqualTo(5);
        }
    }

    /**
     * A wakeup (another thread telling a following reader that its partitions changed) makes the next poll return
     * at once (empty, or with what it holds), and never fails the reader's other calls (Kafka's consumer throws it from whichever blocking call
     * comes next: a standby follower died of it).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aWakeupMakesTheNextPollReturnAndNeverFailsAnotherCall(TransportFixture fixture) {
        String id = Transports.uniqueId("changelog-wakeup");
        String url = fixture.brokerUrl(id);
        String topic = id + "-changelog";
        fixture.appendRaw(url, topic, 1, 0, bytes("k"), bytes("v"));
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Transport transport = Transports.open(url, id);
             ChangelogReader reader = transport.changelogReader(false)) {
            reader.assign(List.of(tp));
            reader.seek(tp, 0);
            reader.wakeup();
            assertThat(reader.endOffsets(List.of(tp))).containsEntry(tp, 1L);
            assertThat(reader.beginningOffsets(List.of(tp))).containsEntry(tp, 0L);
            assertThat(reader.position(tp)).isZero();
            List<String> read = new ArrayList<>(values(reader.poll(Duration.ofSeconds(30)).stream()
                    .flatMap(b -> b.records().stream()).toList())); // returns at once
            read.addAll(values(readToEnd(reader, tp, 1)));
            assertThat(read).containsExactly("v");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void readingCommittedStopsBeforeAnOpenTransactionAndCompletesOverAnAbortedTail(TransportFixture fixture) {
        String id = Transports.uniqueId("changelog-txn");
        String url = fixture.brokerUrl(id);
        String topic = id + "-changelog";
        fixture.appendRaw(url, topic, 1, 0, bytes("k0"), bytes("committed"));
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Transport transport = Transports.open(url, id);
             ChangelogReader reader = transport.changelogReader(true)) {
            TransactionalProducer producer = transport.transactionalProducer(id + "-writer");
            producer.send(new ProducedRecord(topic, 0, null, bytes("k1"), bytes("open"), List.of())).join();
            reader.assign(List.of(tp));
            reader.seek(tp, 0);
            assertThat(reader.endOffsets(List.of(tp)).get(tp)).as("the end while a transaction is open (LSO)")
                    .isEqualTo(1);
            assertThat(values(readToEnd(reader, tp, 1))).containsExactly("committed");

            producer.abortTransaction();
            // the aborted record (and on Kafka its abort marker) is the tail: nothing readable is left
            long end = awaitEndBeyond(reader, tp, 1);
            List<ConsumedRecord> tail = readToEnd(reader, tp, end);
            assertThat(tail).as("records of the aborted transaction").isEmpty();
            assertThat(reader.position(tp)).as("the position reached the end over the aborted tail").isEqualTo(end);

            producer.send(new ProducedRecord(topic, 0, null, bytes("k2"), bytes("after"), List.of())).join();
            producer.commitTransaction(Map.of(), new GroupMetadata(id, -1, "", null));
            long end2 = awaitEndBeyond(reader, tp, end);
            assertThat(values(readToEnd(reader, tp, end2))).containsExactly("after");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void misuseIsRefusedWithTheReason(TransportFixture fixture) {
        String id = Transports.uniqueId("changelog-misuse");
        String url = fixture.brokerUrl(id);
        String topic = id + "-changelog";
        fixture.appendRaw(url, topic, 1, 0, bytes("k"), bytes("v"));
        TopicPartition tp = new TopicPartition(topic, 0);
        try (Transport transport = Transports.open(url, id);
             ChangelogReader reader = transport.changelogReader(false)) {
            reader.assign(List.of(tp));
            assertThatThrownBy(() -> reader.seek(tp, -1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("offset must be >= 0");
        }
    }

    /** Polls until the position reaches {@code end}; returns what was read. */
    private static List<ConsumedRecord> readToEnd(ChangelogReader reader, TopicPartition tp, long end) {
        List<ConsumedRecord> out = new ArrayList<>();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (reader.position(tp) < end) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("position " + reader.position(tp) + " never reached " + end + " on " + tp);
            }
            for (PartitionRecords batch : reader.poll(Duration.ofMillis(100))) {
                out.addAll(batch.records());
            }
        }
        return out;
    }

    /** The end offset once it moved past {@code than} (a transaction's marker lands a moment after the abort). */
    private static long awaitEndBeyond(ChangelogReader reader, TopicPartition tp, long than) {
        long[] end = new long[1];
        org.awaitility.Awaitility.await().atMost(TIMEOUT).until(() -> {
            end[0] = reader.endOffsets(List.of(tp)).get(tp);
            return end[0] > than;
        });
        return end[0];
    }

    private static List<String> values(List<ConsumedRecord> records) {
        return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
