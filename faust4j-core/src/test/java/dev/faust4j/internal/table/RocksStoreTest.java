package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDBException;
import org.rocksdb.TransactionLogIterator;
import org.rocksdb.WriteBatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The RocksDB store of one table partition: what a commit writes (only values whose changelog records were
 * acknowledged, with their offset, in one batch: faust-tables.md §8.2 item 3, §8.3 scenario 11), what a restore
 * writes, and its handle's lifecycle (closed on release, reopened at once, a held lock waited for).
 */
class RocksStoreTest {
    private static final String TOPIC = "app-t-changelog";
    private static final ChangelogCodec<String, Long> CODEC = ChangelogCodec.of(Codecs.json(String.class),
            Codecs.json(Long.class));

    @TempDir
    Path dataDir;
    private RocksStores stores;
    private RocksStore<String, Long> store;

    @BeforeEach
    void open() {
        stores = new RocksStores(dataDir, 8L << 20);
        store = stores.open("t", 0, CODEC, true);
    }

    @AfterEach
    void close() {
        store.close();
        stores.close();
    }

    private RocksStore<String, Long> reopen() {
        store.close();
        store = stores.open("t", 0, CODEC, true);
        return store;
    }

    private static CompletableFuture<RecordMetadata> acked(long offset) {
        return CompletableFuture.completedFuture(new RecordMetadata(TOPIC, 0, offset, 0));
    }

    private static void set(RocksStore<String, Long> s, String key, Long value,
                            CompletableFuture<RecordMetadata> ack) {
        var unused = s.update(key, old -> value, bytes -> ack);
    }

    private static Map<String, Long> content(RocksStore<String, Long> s) {
        Map<String, Long> out = new HashMap<>();
        s.copyTo(out);
        return out;
    }

    @Test
    void aCommitWritesTheAcknowledgedValuesWithTheirOffsetAndKeepsTheOthersPending() {
        CompletableFuture<RecordMetadata> a = new CompletableFuture<>();
        set(store, "a", 1L, a); // not acknowledged yet
        set(store, "b", 2L, acked(1));
        assertThat(store.get("a")).as("a pending value is read").isEqualTo(1L);
        store.committed();
        assertThat(store.nextOffset()).as("the offset after b's record").isEqualTo(2);
        assertThat(store.pendingCount()).as("a stays pending").isEqualTo(1);
        assertThat(content(store)).isEqualTo(Map.of("a", 1L, "b", 2L));

        RocksStore<String, Long> again = reopen();
        assertThat(again.nextOffset()).isEqualTo(2);
        assertThat(content(again)).as("only what was acknowledged and committed; pending values are dropped")
                .isEqualTo(Map.of("b", 2L));
    }

    /** Scenario 11: there is no moment between the data and the offset for a crash to fall into. */
    @Test
    void aCommitIsOneWriteBatchHoldingTheDataAndTheOffset() throws RocksDBException {
        long before = store.db().getLatestSequenceNumber();
        set(store, "a", 1L, acked(0));
        set(store, "b", 2L, acked(1));
        var unused = store.update("c", old -> null, bytes -> acked(2));
        store.committed();
        int batches = 0;
        try (TransactionLogIterator wal = store.db().getUpdatesSince(before + 1)) {
            for (; wal.isValid(); wal.next()) {
                wal.status();
                TransactionLogIterator.BatchResult batch = wal.getBatch();
                try (WriteBatch b = batch.writeBatch()) {
                    assertThat(b.count()).as("a, b, c's tombstone, the offset and the largest timestamp")
                            .isEqualTo(5);
                }
                batches++;
            }
        }
        assertThat(batches).as("write batches the commit made").isEqualTo(1);
        assertThat(store.nextOffset()).isEqualTo(3);
    }

    @Test
    void aKeyWhoseNewestValueIsNotAcknowledgedGetsItsNewestAcknowledgedValueWritten() {
        set(store, "a", 1L, acked(5));
        CompletableFuture<RecordMetadata> second = new CompletableFuture<>();
        set(store, "a", 2L, second);
        store.committed();
        assertThat(store.get("a")).as("reads see the newest value").isEqualTo(2L);
        assertThat(store.nextOffset()).isEqualTo(6);

        second.complete(new RecordMetadata(TOPIC, 0, 7, 0));
        store.committed();
        assertThat(store.pendingCount()).isZero();
        assertThat(store.nextOffset()).isEqualTo(8);

        var unused = store.update("a", old -> null, bytes -> acked(8)); // a deletion
        store.committed();
        RocksStore<String, Long> again = reopen();
        assertThat(again.get("a")).as("deleted").isNull();
        assertThat(again.nextOffset()).isEqualTo(9);
    }

    @Test
    void aCommitWhileTheNewestValueIsUnacknowledgedWritesTheOlderOneAndTheOffsetThatReplaysTheNewer() {
        set(store, "a", 1L, acked(5));
        set(store, "a", 2L, new CompletableFuture<>()); // never acknowledged: the worker dies
        store.committed();
        RocksStore<String, Long> again = reopen();
        assertThat(again.get("a")).as("the acknowledged value").isEqualTo(1L);
        assertThat(again.nextOffset()).as("a restore reads from here: a record of the value 2, if written, is")
                .isEqualTo(6);
    }

    @Test
    void anUpdateReadsTheCommittedValueAndAFailedSendIsNeverWritten() {
        set(store, "n", 10L, acked(0));
        store.committed();
        reopen();
        CompletableFuture<RecordMetadata> failed = new CompletableFuture<>();
        failed.completeExceptionally(new IllegalStateException("send failed"));
        assertThat(store.update("n", old -> old + 1, bytes -> failed)).as("10 from the database, plus one")
                .isEqualTo(11L);
        store.committed();
        assertThat(reopen().get("n")).isEqualTo(10L);
    }

    @Test
    void aRestoredBatchAndItsOffsetAreWrittenTogether() {
        store.apply(List.of(record(0, "\"a\"", "1"), record(1, "\"b\"", "2"), record(2, "\"a\"", null)), 3);
        RocksStore<String, Long> again = reopen();
        assertThat(again.nextOffset()).isEqualTo(3);
        assertThat(content(again)).isEqualTo(Map.of("b", 2L));
        assertThatThrownBy(() -> again.apply(List.of(record(3, "\"c\"", "not json")), 4))
                .hasMessageContaining("topic=" + TOPIC).hasMessageContaining("offset=3");
        assertThat(reopen().nextOffset()).as("nothing of a failed batch is written").isEqualTo(3);
    }

    @Test
    void aClosedStoreRefusesUpdatesAndReadsNothing() {
        set(store, "a", 1L, acked(0));
        store.committed();
        store.close();
        assertThat(store.get("a")).isNull();
        assertThatThrownBy(() -> set(store, "a", 2L, acked(1))).hasMessageContaining("table t partition 0")
                .hasMessageContaining("no longer held");
        store = stores.open("t", 0, CODEC, true);
    }

    @Test
    void openingWaitsForAnotherHandleToReleaseTheLock() throws InterruptedException {
        AtomicReference<RocksStore<String, Long>> second = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread opener = new Thread(() -> {
            try {
                second.set(stores.open("t", 0, CODEC, true));
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        opener.start();
        await().atMost(TIMEOUT).until(() -> opener.getState() == Thread.State.TIMED_WAITING || !opener.isAlive());
        assertThat(failure.get()).as("a held lock is retried, not an error").isNull();
        store.close();
        opener.join(TIMEOUT.toMillis());
        assertThat(second.get()).isNotNull();
        store = second.get();
        assertThat(store.nextOffset()).isZero();
    }

    private static ConsumedRecord record(long offset, String key, String value) {
        return new ConsumedRecord(TOPIC, 0, offset, 0, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), List.of());
    }
}
