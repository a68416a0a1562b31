package dev.faust4j.internal.table;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransactionalProducer;
import dev.faust4j.spi.Transport;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import dev.faust4j.time.Ticker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Restoring table partitions from their changelogs (issue 10), on every transport: from the beginning, from a
 * stored offset (only the tail is read), over a tail without readable records, and refusing a stored offset beyond
 * the end.
 */
class ChangelogRestorerTest {

    private static final String ALL = "dev.faust4j.testing.Transports#all";

    /** A store: key to value (a null value deletes), and the next offset it needs. */
    private static final class Store implements ChangelogRestorer.Target {
        final Map<String, String> data = new LinkedHashMap<>();
        long next;
        int records;

        Store(long next) {
            this.next = next;
        }

        @Override
        public long nextOffset() {
            return next;
        }

        @Override
        public void apply(List<ConsumedRecord> batch, long nextOffset) {
            for (ConsumedRecord r : batch) {
                assertThat(r.offset()).as("records arrive in offset order from the stored offset")
                        .isGreaterThanOrEqualTo(next);
                String key = new String(r.key(), StandardCharsets.UTF_8);
                if (r.value() == null) {
                    data.remove(key);
                } else {
                    data.put(key, new String(r.value(), StandardCharsets.UTF_8));
                }
                next = r.offset() + 1;
                records++;
            }
            assertThat(nextOffset).isGreaterThanOrEqualTo(next);
            next = nextOffset;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void restoresFromTheBeginningThenOnlyTheTailAfterAStoredOffset(TransportFixture fixture) {
        String id = Transports.uniqueId("restore");
        String url = fixture.brokerUrl(id);
        String changelog = id + "-counts-changelog";
        for (int i = 0; i < 10; i++) {
            fixture.appendRaw(url, changelog, 2, 1, bytes("k" + (i % 3)), bytes(Integer.toString(i)));
        }
        TopicPartition tp = new TopicPartition(changelog, 1);
        try (Transport transport = Transports.open(url, id);
             ChangelogReader reader = transport.changelogReader(false)) {
            ChangelogRestorer restorer = new ChangelogRestorer(reader, Ticker.system(), id);
            Store fresh = new Store(0);
            List<ChangelogRestorer.Restored> done = restorer.restore(Map.of(tp, fresh), () -> false);
            assertThat(fresh.data).containsExactly(Map.entry("k0", "9"), Map.entry("k1", "7"), Map.entry("k2", "8"));
            assertThat(fresh.next).isEqualTo(10);
            assertThat(done).containsExactly(new ChangelogRestorer.Restored(tp, 0, 10, 10));

            // a store that kept its state up to offset 8 reads only the two records after it
            Store kept = new Store(8);
            assertThat(restorer.restore(Map.of(tp, kept), () -> false))
                    .containsExactly(new ChangelogRestorer.Restored(tp, 8, 10, 2));
            assertThat(kept.records).isEqualTo(2);

            // an up-to-date store reads nothing
            assertThat(restorer.restore(Map.of(tp, new Store(10)), () -> false))
                    .containsExactly(new ChangelogRestorer.Restored(tp, 10, 10, 0));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void completesOverATailOfAnAbortedTransactionAndAppliesDeletions(TransportFixture fixture) {
        String id = Transports.uniqueId("restore-txn");
        String url = fixture.brokerUrl(id);
        String changelog = id + "-t-changelog";
        fixture.appendRaw(url, changelog, 1, 0, bytes("a"), bytes("1"));
        fixture.appendRaw(url, changelog, 1, 0, bytes("b"), bytes("2"));
        TopicPartition tp = new TopicPartition(changelog, 0);
        try (Transport transport = Transports.open(url, id); ChangelogReader reader = transport.changelogReader(true)) {
            TransactionalProducer producer = transport.transactionalProducer(id + "-writer");
            producer.send(new ProducedRecord(changelog, 0, null, bytes("a"), null, List.of())).join(); // a deletion
            producer.commitTransaction(Map.of(), new dev.faust4j.spi.GroupMetadata(id, -1, "", null));
            long aborted = producer.send(new ProducedRecord(changelog, 0, null, bytes("c"), bytes("never"),
                    List.of())).join().offset();
            producer.abortTransaction();
            org.awaitility.Awaitility.await().atMost(dev.faust4j.testing.Checks.TIMEOUT)
                    .until(() -> reader.endOffsets(List.of(tp)).get(tp) > aborted); // the abort is complete

            Store store = new Store(0);
            ChangelogRestorer.Restored done = new ChangelogRestorer(reader, Ticker.system(), id)
                    .restore(Map.of(tp, store), () -> false).getFirst();
            assertThat(store.data).as("a deleted, c aborted").containsExactly(Map.entry("b", "2"));
            assertThat(done.records()).isEqualTo(3);
            assertThat(store.next).as("the store's offset is the end, past the aborted tail")
                    .isEqualTo(reader.endOffsets(List.of(tp)).get(tp));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aStoredOffsetBeyondTheEndIsRefusedWithThePartitionAndBothOffsets(TransportFixture fixture) {
        String id = Transports.uniqueId("restore-ahead");
        String url = fixture.brokerUrl(id);
        String changelog = id + "-t-changelog";
        fixture.appendRaw(url, changelog, 1, 0, bytes("a"), bytes("1"));
        TopicPartition tp = new TopicPartition(changelog, 0);
        try (Transport transport = Transports.open(url, id);
             ChangelogReader reader = transport.changelogReader(false)) {
            ChangelogRestorer restorer = new ChangelogRestorer(reader, Ticker.system(), id);
            assertThatThrownBy(() -> restorer.restore(Map.of(tp, new Store(50)), () -> false))
                    .isInstanceOf(ChangelogRestorer.InconsistentOffsetException.class)
                    .hasMessageContaining(tp.toString()).hasMessageContaining("offset 50")
                    .hasMessageContaining("beyond its end 1");
        }
    }

    /** Records 0 to 9 were deleted (DeleteRecords, retention): a store that applied up to 3 missed some of them. */
    @org.junit.jupiter.api.Test
    void aStoreWithDataAndAnOffsetBeforeTheBeginningIsRefused() {
        TopicPartition tp = new TopicPartition("app-t-changelog", 0);
        ChangelogReader reader = new ChangelogReader() {
            @Override
            public void assign(java.util.Collection<TopicPartition> partitions) {
            }

            @Override
            public java.util.Set<TopicPartition> assignment() {
                return java.util.Set.of(tp);
            }

            @Override
            public void seek(TopicPartition partition, long offset) {
            }

            @Override
            public long position(TopicPartition partition) {
                return 10;
            }

            @Override
            public Map<TopicPartition, Long> beginningOffsets(java.util.Collection<TopicPartition> partitions) {
                return Map.of(tp, 10L);
            }

            @Override
            public Map<TopicPartition, Long> endOffsets(java.util.Collection<TopicPartition> partitions) {
                return Map.of(tp, 20L);
            }

            @Override
            public List<dev.faust4j.spi.PartitionRecords> poll(java.time.Duration timeout) {
                return List.of();
            }

            @Override
            public void wakeup() {
            }

            @Override
            public void close() {
            }
        };
        ChangelogRestorer restorer = new ChangelogRestorer(reader, Ticker.system(), "app");
        assertThatThrownBy(() -> restorer.restore(Map.of(tp, new Store(3)), () -> false))
                .isInstanceOf(ChangelogRestorer.InconsistentOffsetException.class)
                .hasMessageContaining(tp.toString()).hasMessageContaining("offset 3")
                .hasMessageContaining("before its beginning 10").hasMessageContaining("range from 10 to 20");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aCancelledRestoreAppliesNothingMore(TransportFixture fixture) {
        String id = Transports.uniqueId("restore-cancel");
        String url = fixture.brokerUrl(id);
        String changelog = id + "-t-changelog";
        for (int i = 0; i < 5; i++) {
            fixture.appendRaw(url, changelog, 1, 0, bytes("k" + i), bytes("v"));
        }
        TopicPartition tp = new TopicPartition(changelog, 0);
        try (Transport transport = Transports.open(url, id);
             ChangelogReader reader = transport.changelogReader(false)) {
            Store store = new Store(0);
            AtomicInteger checks = new AtomicInteger();
            List<ChangelogRestorer.Restored> done = new ChangelogRestorer(reader, Ticker.system(), id)
                    .restore(Map.of(tp, store), () -> checks.incrementAndGet() > 0);
            assertThat(store.records).as("revoked before the first batch").isZero();
            assertThat(done).containsExactly(new ChangelogRestorer.Restored(tp, 0, 0, 0));
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
