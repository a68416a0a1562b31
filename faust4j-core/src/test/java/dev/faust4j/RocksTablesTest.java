package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.memory.Murmur2;
import dev.faust4j.testing.CountingTransport;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * RocksDB table stores ({@code tableStore=rocksdb://}) on every transport: a restart replays only the changelog
 * records written after the store's last commit (faust-tables.md §8.3 scenarios 10 and 13), under at-least-once and
 * exactly-once; a store whose offset lies beyond its changelog's end stops the worker with a message naming the
 * table, the partition and the offsets, or is wiped and restored when asked (scenario 16); {@code reset} deletes the
 * local state, and the next start restores everything (scenario 34).
 */
class RocksTablesTest {
    private static final int PARTITIONS = 2;

    @TempDir
    Path dataDir;

    static Stream<Arguments> transportsAndGuarantees() {
        return Transports.all().stream().flatMap(t -> Stream.of(Arguments.of(t, ProcessingGuarantee.AT_LEAST_ONCE),
                Arguments.of(t, ProcessingGuarantee.EXACTLY_ONCE)));
    }

    /** An app (not started) and its table. */
    private record Counter(App app, Table<String, Long> counts) implements AutoCloseable {
        @Override
        public void close() {
            app.close();
        }
    }

    /** An app counting the records of each key of {@code {topicId}-in} in table {@code counts}, on RocksDB. */
    private Counter counter(String id, String topicId, String url, ProcessingGuarantee guarantee, boolean wipe) {
        App app = App.builder(id).broker(url).commitInterval(Duration.ofMillis(50)).topicPartitions(PARTITIONS)
                .shutdownGracePeriod(Duration.ofSeconds(10)).processingGuarantee(guarantee).tableStore("rocksdb://")
                .dataDir(dataDir).tableWipeOnInconsistentOffset(wipe)
                .tableWriteCache(false) // one changelog record per update: the records replayed are counted
                .build();
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(topicId + "-in").partitions(PARTITIONS).build());
        app.agent(in, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                counts.update(kv.key(), n -> n + 1);
            }
        }).name("count");
        return new Counter(app, counts);
    }

    private static void send(TransportFixture transport, String id, String... keys) {
        for (String k : keys) {
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            transport.appendRaw(transport.brokerUrl(id), id + "-in", PARTITIONS, Murmur2.partition(key, PARTITIONS),
                    key, "x".getBytes(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndGuarantees")
    void aRestartReplaysOnlyTheChangelogRecordsWrittenAfterTheLastCommit(TransportFixture transport,
                                                                         ProcessingGuarantee guarantee) {
        String id = Transports.uniqueId("rocks-restart");
        String url = CountingTransport.url(transport.brokerUrl(id));
        try (Counter first = counter(id, id, url, guarantee, false)) {
            first.app().start();
            send(transport, id, "a", "b", "a", "c", "a", "b", "d", "a");
            await().atMost(TIMEOUT)
                    .until(() -> first.counts().local().equals(Map.of("a", 4L, "b", 2L, "c", 1L, "d", 1L)));
        }
        // another writer (a worker elsewhere) updated "c" after this worker's last commit: the tail to replay
        byte[] c = "c".getBytes(StandardCharsets.UTF_8);
        transport.appendRaw(transport.brokerUrl(id), id + "-counts-changelog", PARTITIONS,
                Murmur2.partition(c, PARTITIONS), "\"c\"".getBytes(StandardCharsets.UTF_8),
                "100".getBytes(StandardCharsets.UTF_8));
        try (Counter again = counter(id, id, url, guarantee, false)) {
            again.app().start();
            await().atMost(TIMEOUT).until(() -> again.counts().local().equals(Map.of("a", 4L, "b", 2L, "c", 100L,
                    "d", 1L)));
            assertThat(CountingTransport.probe(again.app()).changelogRecordsRead())
                    .as("changelog records the restore read: only the one written after the stores' last commit"
                            + " (the in-memory store reads all 9)")
                    .isEqualTo(1);
            send(transport, id, "c", "e");
            await().atMost(TIMEOUT).until(() -> again.counts().local().equals(Map.of("a", 4L, "b", 2L, "c", 101L,
                    "d", 1L, "e", 1L)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void aStoreBeyondItsChangelogsEndStopsTheWorkerOrIsWipedWhenAsked(TransportFixture transport)
            throws InterruptedException {
        String id = Transports.uniqueId("rocks-beyond");
        String url = transport.brokerUrl(id);
        try (Counter c = counter(id, id, url, ProcessingGuarantee.AT_LEAST_ONCE, false)) {
            c.app().start();
            send(transport, id, "a", "b", "a", "b", "c");
            await().atMost(TIMEOUT).until(() -> c.counts().local().equals(Map.of("a", 2L, "b", 2L, "c", 1L)));
        }
        // the same data directory under an app whose changelog is empty: as if the topic had been recreated
        String other = id + "-recreated";
        boolean logs = LogCapture.supported();
        try (LogCapture captured = new LogCapture();
             Counter c = counter(other, id, transport.brokerUrl(id), ProcessingGuarantee.AT_LEAST_ONCE, false)) {
            c.app().start();
            assertThat(c.app().awaitTermination()).as("exit code: the worker stopped").isEqualTo(1);
            if (logs) {
                assertThat(captured.text()).contains("table counts partition").contains("beyond its end 0")
                        .contains(other + "-counts-changelog").contains("tableWipeOnInconsistentOffset")
                        .contains(dataDir.resolve("tables").resolve("counts").toString());
            }
        }
        try (Counter c = counter(other, id, transport.brokerUrl(id), ProcessingGuarantee.AT_LEAST_ONCE, true)) {
            c.app().start();
            // the stale store (a: 2, b: 2, c: 1) was deleted: the counts are those of the input alone
            await().atMost(TIMEOUT).until(() -> c.counts().local().equals(Map.of("a", 2L, "b", 2L, "c", 1L)));
            send(transport, id, "a");
            await().atMost(TIMEOUT).until(() -> c.counts().local().equals(Map.of("a", 3L, "b", 2L, "c", 1L)));
        }
    }

    /**
     * Scenario 21: two workers of one app on one host share the data directory; a partition moving between them is
     * closed by the one and opened by the other, its counts intact, in both directions.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void aPartitionMovesBetweenTwoWorkersOfOneHostWithItsStore(TransportFixture transport) {
        String id = Transports.uniqueId("rocks-handover");
        String url = CountingTransport.url(transport.brokerUrl(id));
        try (Counter first = counter(id, id, url, ProcessingGuarantee.AT_LEAST_ONCE, false)) {
            first.app().start();
            send(transport, id, "a", "b", "c", "d", "a", "b", "c", "d");
            Map<String, Long> twice = Map.of("a", 2L, "b", 2L, "c", 2L, "d", 2L);
            await().atMost(TIMEOUT).until(() -> first.counts().local().equals(twice));
            try (Counter second = counter(id, id, url, ProcessingGuarantee.AT_LEAST_ONCE, false)) {
                second.app().start();
                await().atMost(TIMEOUT).until(() -> CountingTransport.probe(second.app()).assignment().size() == 1
                        && CountingTransport.probe(first.app()).assignment().size() == 1);
                send(transport, id, "a", "b", "c", "d");
                Map<String, Long> thrice = Map.of("a", 3L, "b", 3L, "c", 3L, "d", 3L);
                await().atMost(TIMEOUT).until(() -> {
                    Map<String, Long> both = new java.util.HashMap<>(first.counts().local());
                    both.putAll(second.counts().local());
                    return both.equals(thrice) && !second.counts().local().isEmpty();
                });
            }
            await().atMost(TIMEOUT).until(() -> CountingTransport.probe(first.app()).assignment().size() == 2);
            send(transport, id, "a", "b", "c", "d");
            await().atMost(TIMEOUT).until(() -> first.counts().local().equals(Map.of("a", 4L, "b", 4L, "c", 4L,
                    "d", 4L)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void resetDeletesTheLocalStateAndTheNextStartRestoresEverything(TransportFixture transport) {
        String id = Transports.uniqueId("rocks-reset");
        String url = CountingTransport.url(transport.brokerUrl(id));
        try (Counter c = counter(id, id, url, ProcessingGuarantee.AT_LEAST_ONCE, false)) {
            c.app().start();
            send(transport, id, "a", "b", "a");
            await().atMost(TIMEOUT).until(() -> c.counts().local().equals(Map.of("a", 2L, "b", 1L)));
        }
        assertThat(dataDir.resolve("tables")).isDirectory();
        App stopped = counter(id, id, url, ProcessingGuarantee.AT_LEAST_ONCE, false).app();
        assertThat(stopped.run("reset")).as("exit code of reset").isZero();
        assertThat(Files.exists(dataDir.resolve("tables"))).as("local table state deleted").isFalse();
        try (Counter c = counter(id, id, url, ProcessingGuarantee.AT_LEAST_ONCE, false)) {
            c.app().start();
            await().atMost(TIMEOUT).until(() -> c.counts().local().equals(Map.of("a", 2L, "b", 1L)));
            assertThat(CountingTransport.probe(c.app()).changelogRecordsRead()).as("the whole changelog").isEqualTo(3);
        }
    }
}
