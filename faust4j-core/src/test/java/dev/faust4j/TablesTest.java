package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.memory.Murmur2;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.testing.CountingTransport;
import dev.faust4j.testing.Gate;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Tables (issue 10) on every transport, with each table store ({@code memory://} and {@code rocksdb://}): a count
 * kept across restarts (the README's counter), Faust's changelog bytes, defaults that are never stored, deletions
 * as tombstones, updates refused outside an agent or for another key than the record's, and exact counts and
 * rolled-back updates under exactly-once.
 */
class TablesTest {

    private static final String ALL = "transportsAndStores";
    private static final int PARTITIONS = 2;

    @TempDir
    Path dataDir;

    /** Every transport, with each table store. */
    static Stream<Arguments> transportsAndStores() {
        return Transports.all().stream()
                .flatMap(t -> Stream.of(Arguments.of(t, "memory://"), Arguments.of(t, "rocksdb://")));
    }

    /** Without the write cache: these cases check Faust's one changelog record per update (the cache has its own). */
    private App.Builder builder(TransportFixture transport, String id, String store) {
        return App.builder(id).broker(transport.brokerUrl(id)).commitInterval(Duration.ofMillis(50))
                .topicPartitions(PARTITIONS).shutdownGracePeriod(Duration.ofSeconds(10)).tableStore(store)
                .dataDir(dataDir.resolve(id)).tableWriteCache(false);
    }

    private static Topic<String, String> topic(App app, String name) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.string()).names(name).partitions(PARTITIONS)
                .build());
    }

    /** A started app and its table. */
    private record Counter(App app, Table<String, Long> counts) implements AutoCloseable {
        @Override
        public void close() {
            app.close();
        }
    }

    /** Starts an app that counts the records of each key of {@code input} in table {@code counts}. */
    private Counter counter(TransportFixture transport, String store, String id, ProcessingGuarantee guarantee,
                            List<String> errors) {
        return counter(builder(transport, id, store).processingGuarantee(guarantee), id, errors);
    }

    private static Counter counter(App.Builder builder, String id, List<String> errors) {
        return counter(builder, id, errors, app -> {
        });
    }

    private static Counter counter(App.Builder builder, String id, List<String> errors,
                                   java.util.function.Consumer<App> beforeStart) {
        App app = builder.build();
        beforeStart.accept(app);
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        Topic<String, String> in = topic(app, id + "-in");
        app.agent(in, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                counts.update(kv.key(), n -> n + 1);
                try {
                    counts.put("someone-else", 1L);
                } catch (IllegalStateException e) {
                    errors.add(e.getMessage());
                }
            }
        }).name("count");
        app.start();
        return new Counter(app, counts);
    }

    private static void send(TransportFixture transport, String id, String... keys) {
        List<TransportFixture.Raw> records = new ArrayList<>();
        for (String k : keys) {
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            records.add(new TransportFixture.Raw(Murmur2.partition(key, PARTITIONS), key,
                    "x".getBytes(StandardCharsets.UTF_8)));
        }
        transport.appendRaw(transport.brokerUrl(id), id + "-in", PARTITIONS, records);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(ALL)
    void aCountSurvivesARestartAndItsChangelogIsFaustsBytes(TransportFixture transport, String store) {
        String id = Transports.uniqueId("table-count");
        List<String> errors = new CopyOnWriteArrayList<>();
        try (Counter c = counter(transport, store, id, ProcessingGuarantee.AT_LEAST_ONCE, errors)) {
            send(transport, id, "/home", "/home", "/about", "/home");
            await().atMost(TIMEOUT).until(() -> c.counts().local().equals(Map.of("/home", 3L, "/about", 1L)));
            assertThat(c.counts().get("/missing")).as("the default").isZero();
            assertThat(c.counts().containsKey("/missing")).as("a default is never stored").isFalse();
        }
        try (Counter again = counter(transport, store, id, ProcessingGuarantee.AT_LEAST_ONCE, errors)) {
            await().atMost(TIMEOUT).until(() -> again.counts().local().equals(Map.of("/home", 3L, "/about", 1L)));
            send(transport, id, "/home");
            await().atMost(TIMEOUT).until(() -> again.counts().get("/home") == 4L);
        }
        List<ConsumedRecord> changelog = transport.records(transport.brokerUrl(id), id + "-counts-changelog");
        ConsumedRecord last = changelog.stream().filter(r -> utf8(r.key()).equals("\"/home\""))
                .reduce((a, b) -> b.offset() > a.offset() ? b : a).orElseThrow();
        assertThat(utf8(last.value())).as("Faust's wire format: JSON key and value").isEqualTo("4");
        assertThat(changelog).as("one changelog record per update, none for reads of the default").hasSize(5);
        assertThat(errors).as("updates of another key than the record's").isNotEmpty()
                .allSatisfy(m -> assertThat(m).contains("table counts").contains("someone-else")
                        .contains("groupBy"));
    }

    /**
     * A restore runs off the poll thread: while it is held, the worker's consumer keeps polling (on Kafka: it stays in
     * its group however long the changelog), and no record of the restoring partitions reaches the agent before their
     * tables are restored (else the counts below would start again from zero).
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(ALL)
    void aRestoreRunsOffThePollThreadAndRecordsWaitForIt(TransportFixture transport, String store) {
        String id = Transports.uniqueId("table-restoring");
        List<String> errors = new CopyOnWriteArrayList<>();
        try (Counter first = counter(transport, store, id, ProcessingGuarantee.AT_LEAST_ONCE, errors)) {
            send(transport, id, "a", "b", "a", "c", "a");
            await().atMost(TIMEOUT).until(() -> first.counts().local().equals(Map.of("a", 3L, "b", 1L, "c", 1L)));
        }
        App.Builder b = builder(transport, id, store).broker(CountingTransport.url(transport.brokerUrl(id)))
                .dataDir(dataDir.resolve(id + "-second")); // a fresh store: the whole changelog is restored
        Gate gate = new Gate();
        try (gate;
             Counter second = counter(b, id, errors,
                     app -> CountingTransport.probe(app).gateChangelogReads(gate));
             Gate opened = gate) {
            // the gate is opened (closed) before the app closes, so that its restore can stop
            CountingTransport.Probe probe = CountingTransport.probe(second.app());
            await().atMost(TIMEOUT).until(() -> gate.arrivals() > 0); // the restore waits at its first read
            send(transport, id, "a", "b");
            long polls = probe.polls();
            await().atMost(TIMEOUT).alias("the consumer keeps polling while the restore is held")
                    .until(() -> probe.polls() >= polls + 3);
            assertThat(second.counts().local()).as("nothing published before it is restored").isEmpty();
            gate.open();
            await().atMost(TIMEOUT).until(() -> second.counts().local().equals(Map.of("a", 4L, "b", 2L, "c", 1L)));
        }
    }

    /**
     * Updates held on the heap until a commit writes them (a RocksDB store's pending updates) are bounded by
     * {@code tableMaxPendingKeys}: at the limit a commit is requested, long before the commit interval (found by the
     * table-memory benchmark: a worker with a 256 MB heap ran out of it), and at twice the limit fetching stops
     * until a commit wrote them.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void updatesWaitingForACommitAreBoundedByTableMaxPendingKeys(TransportFixture transport) {
        String id = Transports.uniqueId("table-pending");
        List<String> errors = new CopyOnWriteArrayList<>();
        App.Builder b = builder(transport, id, "rocksdb://").commitInterval(Duration.ofMinutes(10))
                .tableMaxPendingKeys(5);
        try (Counter c = counter(b, id, errors)) {
            String[] keys = IntStream.range(0, 60).mapToObj(i -> "key-" + i).toArray(String[]::new);
            send(transport, id, keys);
            await().atMost(TIMEOUT).until(() -> c.counts().local().size() == keys.length);
            await().atMost(TIMEOUT).alias("committed long before the 10-minute commit interval").until(() -> {
                long committed = 0;
                for (int p = 0; p < PARTITIONS; p++) {
                    Long offset = transport.committed(transport.brokerUrl(id), id,
                            new dev.faust4j.spi.TopicPartition(id + "-in", p));
                    committed += offset == null ? 0 : offset;
                }
                return committed >= keys.length - 2L * 5; // all but what the last commit may leave pending
            });
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(ALL)
    void aDeleteIsATombstoneAndStaysDeletedAfterARestart(TransportFixture transport, String store) {
        String id = Transports.uniqueId("table-delete");
        for (int run = 0; run < 2; run++) {
            try (App app = builder(transport, id, store).build()) {
                Table<String, String> last = app.table("last", String.class, String.class);
                Topic<String, String> in = topic(app, id + "-in");
                app.agent(in, stream -> {
                    for (KeyValue<String, String> kv : stream.items()) {
                        if (kv.value().equals("delete")) {
                            last.delete(kv.key());
                        } else {
                            last.put(kv.key(), kv.value());
                        }
                    }
                }).name("last");
                app.start();
                if (run == 0) {
                    in.send("a", "1").join();
                    in.send("b", "2").join();
                    in.send("a", "delete").join();
                    await().atMost(TIMEOUT).until(() -> last.local().equals(Map.of("b", "2")));
                } else {
                    await().atMost(TIMEOUT).until(() -> last.local().equals(Map.of("b", "2")));
                    assertThat(last.get("a")).as("deleted, no default").isNull();
                }
            }
        }
        List<ConsumedRecord> changelog = transport.records(transport.brokerUrl(id), id + "-last-changelog");
        assertThat(changelog).filteredOn(r -> utf8(r.key()).equals("\"a\"")).last()
                .satisfies(r -> assertThat(r.value()).as("a tombstone").isNull());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(ALL)
    void updatesOutsideAnAgentAreRefusedAndReadsWork(TransportFixture transport, String store) {
        String id = Transports.uniqueId("table-outside");
        try (App app = builder(transport, id, store).build()) {
            Table<String, Long> t = app.table("t", String.class, Long.class);
            app.start();
            assertThatThrownBy(() -> t.put("k", 1L)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("table t").hasMessageContaining("only possible in an agent");
            assertThat(t.get("k")).isNull();
            assertThat(t.getOrDefault("k", 7L)).isEqualTo(7L);
            assertThatThrownBy(() -> t.withDefault(() -> 0L)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has started");
            assertThatThrownBy(() -> app.table("late", String.class, Long.class))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("has started");
        }
        try (App app = builder(transport, id + "-dup", store).build()) {
            app.table("t", String.class, Long.class);
            assertThatThrownBy(() -> app.table("t", String.class, Long.class))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exists already");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(ALL)
    void underExactlyOnceACountIsExactAcrossARestart(TransportFixture transport, String store) {
        String id = Transports.uniqueId("table-eos");
        List<String> errors = new CopyOnWriteArrayList<>();
        String[] keys = IntStream.range(0, 60).mapToObj(i -> "k" + (i % 6)).toArray(String[]::new);
        try (Counter c = counter(transport, store, id, ProcessingGuarantee.EXACTLY_ONCE, errors)) {
            send(transport, id, keys);
            await().atMost(TIMEOUT).until(() -> c.counts().local().values().stream().mapToLong(Long::longValue)
                    .sum() == 60);
        }
        try (Counter again = counter(transport, store, id, ProcessingGuarantee.EXACTLY_ONCE, errors)) {
            await().atMost(TIMEOUT).until(() -> again.counts().local().size() == 6);
            assertThat(again.counts().local()).allSatisfy((k, n) -> assertThat(n).as(k).isEqualTo(10L));
        }
        assertThat(transport.committedRecords(transport.brokerUrl(id), id + "-counts-changelog"))
                .as("committed changelog records: one per update").hasSize(60);
    }

    /**
     * An agent that fails after updating the table makes the transaction abort and the partition rewind: the table
     * partition is restored from the committed changelog, so the update is not counted twice; after a restart (which
     * with RocksDB reads the store's committed base) the counts are the same, so the base never held the aborted
     * update.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(ALL)
    void underExactlyOnceAnAbortedUpdateIsRolledBack(TransportFixture transport, String store) {
        String id = Transports.uniqueId("table-abort");
        java.util.concurrent.atomic.AtomicInteger boomAttempts = new java.util.concurrent.atomic.AtomicInteger();
        Map<String, Long> expected = Map.of("a", 2L, "b", 1L, "boom", 1L, "c", 1L);
        for (int run = 0; run < 2; run++) {
            try (App app = builder(transport, id, store).processingGuarantee(ProcessingGuarantee.EXACTLY_ONCE)
                    .tableWriteCache(run == 0) // with the cache, the held-back update must abort the retry too
                    .agentErrorPolicy(ErrorPolicy.retry(3, Duration.ZERO, ErrorPolicy.fail())).build()) {
                Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
                app.agent(topic(app, id + "-in"), stream -> {
                    for (KeyValue<String, String> kv : stream.items()) {
                        counts.update(kv.key(), n -> n + 1);
                        if (kv.key().equals("boom") && boomAttempts.getAndIncrement() == 0) {
                            throw new IllegalStateException("boom, after the table update");
                        }
                    }
                }).name("count");
                app.start();
                if (run == 0) {
                    send(transport, id, "a", "b", "boom", "a", "c");
                    await().atMost(TIMEOUT).until(() -> boomAttempts.get() >= 2
                            && counts.local().values().stream().mapToLong(Long::longValue).sum() == 5);
                    assertThat(counts.local()).containsExactlyInAnyOrderEntriesOf(expected);
                } else {
                    await().atMost(TIMEOUT).until(() -> counts.local().size() == expected.size());
                    assertThat(counts.local()).as("after a restart").containsExactlyInAnyOrderEntriesOf(expected);
                }
            }
        }
    }

    /**
     * The write cache (faust-tables.md scenario 32): many updates of a key between two commits write one changelog
     * record, with the final value, under either guarantee; the count survives a restart.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(ALL)
    void withTheWriteCacheACommitWritesOneRecordPerKeyUpdated(TransportFixture transport, String store) {
        for (ProcessingGuarantee guarantee : ProcessingGuarantee.values()) {
            String id = Transports.uniqueId("table-cache");
            List<String> errors = new CopyOnWriteArrayList<>();
            String[] keys = IntStream.range(0, 1010).mapToObj(i -> i < 1000 ? "k" : "j").toArray(String[]::new);
            App.Builder b = builder(transport, id, store).tableWriteCache(true).processingGuarantee(guarantee)
                    .commitInterval(Duration.ofHours(1)); // the only commit is the one at stop
            try (Counter c = counter(b, id, errors)) {
                send(transport, id, keys);
                await().atMost(TIMEOUT).until(() -> c.counts().local().equals(Map.of("k", 1000L, "j", 10L)));
            }
            List<ConsumedRecord> changelog = guarantee == ProcessingGuarantee.EXACTLY_ONCE
                    ? transport.committedRecords(transport.brokerUrl(id), id + "-counts-changelog")
                    : transport.records(transport.brokerUrl(id), id + "-counts-changelog");
            assertThat(changelog).as(guarantee + ": one record per key, with its final value")
                    .extracting(r -> utf8(r.key()) + "=" + utf8(r.value()))
                    .containsExactlyInAnyOrder("\"k\"=1000", "\"j\"=10");
            try (Counter again = counter(builder(transport, id, store).processingGuarantee(guarantee), id, errors)) {
                await().atMost(TIMEOUT).until(() -> again.counts().local().equals(Map.of("k", 1000L, "j", 10L)));
            }
        }
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
