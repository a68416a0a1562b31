package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.memory.Murmur2;
import dev.faust4j.testing.CountingTransport;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Standby replicas (issue 10, {@code tableStandbyReplicas}; faust-tables.md §4.3) on every transport and table
 * store: a second worker keeps a copy of the first worker's table partitions, following their changelogs, and when
 * the first worker goes away it takes them over by replaying only the changelog's tail (here nothing), where without
 * a standby it replays every record of them.
 */
class StandbyReplicasTest {

    private static final int PARTITIONS = 4;

    @TempDir
    Path dataDir;

    /** Both stores in memory; on Kafka RocksDB only (the transport's part is the same for both stores). */
    static Stream<Arguments> transportsAndStores() {
        return Transports.all().stream().flatMap(t -> t.brokerUrl("x").startsWith("kafka")
                ? Stream.of(Arguments.of(t, "rocksdb://"))
                : Stream.of(Arguments.of(t, "memory://"), Arguments.of(t, "rocksdb://")));
    }

    /** A worker counting the records of each key of {@code {id}-in} in table {@code counts}. */
    private record Worker(App app, Table<String, Long> counts) implements AutoCloseable {
        CountingTransport.Probe probe() {
            return CountingTransport.probe(app);
        }

        @Override
        public void close() {
            app.close();
        }
    }

    private Worker start(TransportFixture transport, String id, String name, String store, int standbys) {
        App app = App.builder(id).broker(CountingTransport.url(transport.brokerUrl(id)))
                .commitInterval(Duration.ofMillis(50)).topicPartitions(PARTITIONS)
                .shutdownGracePeriod(Duration.ofSeconds(10)).tableStore(store)
                .dataDir(dataDir.resolve(name)) // two workers on one machine: each its own local state
                .tableWriteCache(false) // one changelog record per update: the records replayed are counted
                .tableStandbyReplicas(standbys).build();
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(id + "-in").partitions(PARTITIONS).build());
        app.agent(in, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                counts.update(kv.key(), n -> n + 1);
            }
        }).name("count");
        app.start();
        return new Worker(app, counts);
    }

    private static void send(TransportFixture transport, String id, Map<String, Long> truth, int records) {
        List<TransportFixture.Raw> input = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            String key = "k" + (i * 7 % 23);
            byte[] k = key.getBytes(StandardCharsets.UTF_8);
            input.add(new TransportFixture.Raw(Murmur2.partition(k, PARTITIONS), k,
                    "x".getBytes(StandardCharsets.UTF_8)));
            truth.merge(key, 1L, Long::sum);
        }
        transport.appendRaw(transport.brokerUrl(id), id + "-in", PARTITIONS, input);
    }

    private static Map<String, Long> union(Worker a, Worker b) {
        Map<String, Long> all = new HashMap<>(a.counts().local());
        b.counts().local().forEach((k, v) -> all.merge(k, v, (x, y) -> -1L)); // a key on both: never equal the truth
        return all;
    }

    private static long records(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("transportsAndStores")
    void aWorkerTakesOverFromItsStandbyReplayingOnlyTheTail(TransportFixture transport, String store) {
        String id = Transports.uniqueId("standby");
        Map<String, Long> truth = new HashMap<>();
        try (Worker first = start(transport, id, "first", store, 1)) {
            send(transport, id, truth, 200);
            await().atMost(TIMEOUT).until(() -> first.counts().local().equals(truth));
            try (Worker second = start(transport, id, "second", store, 1)) {
                await().atMost(TIMEOUT).until(() -> !second.counts().local().isEmpty()
                        && union(first, second).equals(truth));
                send(transport, id, truth, 300);
                await().atMost(TIMEOUT).until(() -> union(first, second).equals(truth));
                // the second worker's standby follows every changelog record of the first worker's partitions
                await().atMost(TIMEOUT).until(
                        () -> second.probe().changelogRecordsReadByOpenReaders() == records(first.counts().local()));
                long restoredBefore = second.probe().changelogRecordsReadByClosedReaders();
                first.close();
                await().atMost(TIMEOUT).until(() -> second.counts().local().equals(truth));
                assertThat(second.probe().changelogRecordsReadByClosedReaders() - restoredBefore)
                        .as("changelog records the takeover restored: none, its standby had them all")
                        .isZero();
                send(transport, id, truth, 50);
                await().atMost(TIMEOUT).until(() -> second.counts().local().equals(truth));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void withoutStandbysATakeoverReplaysEveryRecordOfThePartitions(TransportFixture transport) {
        String id = Transports.uniqueId("no-standby");
        Map<String, Long> truth = new HashMap<>();
        try (Worker first = start(transport, id, "first", "memory://", 0)) {
            send(transport, id, truth, 200);
            await().atMost(TIMEOUT).until(() -> first.counts().local().equals(truth));
            try (Worker second = start(transport, id, "second", "memory://", 0)) {
                await().atMost(TIMEOUT).until(() -> !second.counts().local().isEmpty()
                        && union(first, second).equals(truth));
                send(transport, id, truth, 300);
                await().atMost(TIMEOUT).until(() -> union(first, second).equals(truth));
                long theirs = records(first.counts().local());
                long restoredBefore = second.probe().changelogRecordsReadByClosedReaders();
                first.close();
                await().atMost(TIMEOUT).until(() -> second.counts().local().equals(truth));
                assertThat(second.probe().changelogRecordsReadByOpenReaders()).as("nothing followed").isZero();
                assertThat(second.probe().changelogRecordsReadByClosedReaders() - restoredBefore)
                        .as("every changelog record of the first worker's partitions").isEqualTo(theirs);
            }
        }
    }
}
