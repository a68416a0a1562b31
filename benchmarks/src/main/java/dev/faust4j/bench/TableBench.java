package dev.faust4j.bench;

import dev.faust4j.App;
import dev.faust4j.Table;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.WindowedTable;
import dev.faust4j.codec.Codecs;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The table contenders of issue 10's benchmarks, each run in its own JVM by {@link TablesSuite}: a durable per-key
 * count after a repartition, a windowed count, and the restore of a table from its changelog; faust4j's tables
 * beside Kafka Streams' stores. The harness checks every durable contender's result by reading its changelog back
 * (the last value of every key must sum to the input's record count); the restore contenders check their restored
 * table themselves and report what they found.
 */
final class TableBench {
    /** The windowed count's window: tumbling, one minute. */
    static final Duration WINDOW = Duration.ofMinutes(1);

    private TableBench() {
    }

    /**
     * The faust4j app of a table contender: its table store ({@code table_store}, {@code memory://} by default, or
     * {@code rocksdb://} in a fresh temporary directory) and write cache ({@code table_cache}, on by default).
     */
    static App.Builder tableApp(Args a) throws java.io.IOException {
        String store = a.string("table_store", "memory://");
        App.Builder b = App.builder(a.required("group")).broker("kafka://" + a.required("bootstrap"))
                .tableStore(store).tableWriteCache(Boolean.parseBoolean(a.string("table_cache", "true")));
        if (store.equals("rocksdb://")) {
            b.dataDir(java.nio.file.Files.createTempDirectory("faust4j-bench-tables-"));
        }
        return b;
    }

    // ---- repartition + durable count ----

    /** {@code groupBy("account")} through a repartition topic, then one {@code Table.update} per record. */
    static void countFaust(Args a) throws Exception {
        long records = a.number("records", 2_000_000);
        Probe probe = new Probe();
        App app = tableApp(a).build();
        Topic<String, Tx> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(a.required("input")).build());
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        LongAdder count = new LongAdder();
        app.agent(in, stream -> {
            for (Tx t : stream.groupBy("account")) {
                counts.update(t.account(), TableBench::plusOne);
                count.increment();
            }
        }).name(KafkaBench.repartitionAgent(a)); // its repartition topic is named after the agent
        long start = System.nanoTime();
        app.start();
        long[] t = Probe.watch(count, 0, records, 120_000);
        Map<String, Long> local = counts.local();
        long stopStart = System.nanoTime();
        app.stop();
        app.awaitTermination();
        double stopMs = (System.nanoTime() - stopStart) / 1e6;
        KafkaBench.report(a, "rep-faust-table", records, start, t, probe, Map.of("keys", local.size(), "total",
                local.values().stream().mapToLong(Long::longValue).sum(), "processed", count.sum(), "stop_ms",
                stopMs));
    }

    /** Kafka Streams' count after the same repartition; the record cache size comes from {@code cache_max_bytes}. */
    static void countStreams(Args a) throws Exception {
        long records = a.number("records", 2_000_000);
        Probe probe = new Probe();
        LongAdder count = new LongAdder();
        StreamsBuilder b = new StreamsBuilder();
        Serde<Tx> tx = KafkaBench.txSerde();
        b.stream(a.required("input"), Consumed.with(Serdes.String(), tx))
                .selectKey((k, v) -> v.account())
                .repartition(Repartitioned.with(Serdes.String(), tx).withName("by-account"))
                .peek((k, v) -> count.increment())
                .groupByKey()
                .count(Materialized.as("counts"));
        KafkaBench.runStreams(a, b, records, count, probe, "rep-streams");
    }

    // ---- windowed count ----

    /** A tumbling one-minute {@link WindowedTable} over the input's keys, event time = the record's timestamp. */
    static void windowFaust(Args a) throws Exception {
        long records = a.number("records", 1_000_000);
        Probe probe = new Probe();
        App app = tableApp(a).build();
        Topic<String, Tx> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(a.required("input")).build());
        // expires one window after its end: Kafka Streams' default retention for these windows (size + grace)
        WindowedTable<String, Long> counts = app.table("window-counts", String.class, Long.class)
                .withDefault(() -> 0L).tumbling(WINDOW).expires(WINDOW);
        LongAdder count = new LongAdder();
        app.agent(in, stream -> {
            for (dev.faust4j.KeyValue<String, Tx> kv : stream.items()) {
                counts.update(kv.key(), TableBench::plusOne);
                count.increment();
            }
        }).name("window-counter");
        long start = System.nanoTime();
        app.start();
        long[] t = Probe.watch(count, 0, records, 120_000);
        long late = counts.lateRecords();
        long stopStart = System.nanoTime();
        app.stop();
        app.awaitTermination();
        KafkaBench.report(a, "win-faust", records, start, t, probe, Map.of("late", late, "stop_ms",
                (System.nanoTime() - stopStart) / 1e6));
    }

    /** Kafka Streams' {@code groupByKey().windowedBy(TimeWindows.ofSizeWithNoGrace(1 min)).count()}. */
    static void windowStreams(Args a) throws Exception {
        long records = a.number("records", 1_000_000);
        Probe probe = new Probe();
        LongAdder count = new LongAdder();
        StreamsBuilder b = new StreamsBuilder();
        b.stream(a.required("input"), Consumed.with(Serdes.String(), KafkaBench.txSerde()))
                .peek((k, v) -> count.increment())
                .groupByKey()
                .windowedBy(TimeWindows.ofSizeWithNoGrace(WINDOW))
                .count(Materialized.as("window-counts"));
        KafkaBench.runStreams(a, b, records, count, probe, "win-streams");
    }

    // ---- restore ----

    /**
     * Starts a worker whose table {@code counts} has a prepared changelog of {@code keys} keys, and one probe record
     * waiting in each partition of its input topic. Ready is when the agent has processed all the probes: every
     * table partition restored (restores run on assignment, before the agent sees a record of the partition) and
     * the worker processing. Then checks the table: every key, and the values summing to {@code sum} plus the probes.
     */
    static void restoreFaust(Args a) throws Exception {
        long keys = a.number("keys", 1_000_000);
        long sum = a.number("sum", 0);
        int probes = a.integer("probes", 8);
        Probe probe = new Probe();
        App app = tableApp(a).build();
        Topic<String, String> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.string()).names(a.required("input")).build());
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        LongAdder count = new LongAdder();
        app.agent(in, stream -> {
            for (dev.faust4j.KeyValue<String, String> kv : stream.items()) {
                counts.update(kv.key(), TableBench::plusOne);
                count.increment();
            }
        }).name("probe");
        long start = System.nanoTime();
        app.start();
        long[] t = Probe.watch(count, 0, probes, 300_000);
        Map<String, Object> f = restoreFigures(start, t, keys);
        Map<String, Long> local = counts.local();
        f.putAll(checkRestored(local.size(), local.values().stream().mapToLong(Long::longValue).sum(), keys, sum,
                probes));
        f.putAll(probe.memoryFigures());
        probe.stop();
        app.stop();
        app.awaitTermination();
        Probe.report("restore-faust", f);
    }

    /**
     * The same for Kafka Streams, from a fresh state directory: {@code groupByKey().count()} into a RocksDB store
     * ({@code store=rocksdb}, its default) or an in-memory one ({@code store=memory}). Its restore listener gives
     * the restore's own duration (first {@code onRestoreStart} to the last {@code onRestoreEnd}).
     */
    static void restoreStreams(Args a) throws Exception {
        long keys = a.number("keys", 1_000_000);
        long sum = a.number("sum", 0);
        int probes = a.integer("probes", 8);
        Probe probe = new Probe();
        LongAdder count = new LongAdder();
        StreamsBuilder b = new StreamsBuilder();
        Materialized<String, Long, KeyValueStore<Bytes, byte[]>> store = a.string("store", "rocksdb").equals("memory")
                ? Materialized.as(Stores.inMemoryKeyValueStore("counts"))
                : Materialized.as("counts");
        b.stream(a.required("input"), Consumed.with(Serdes.String(), Serdes.String()))
                .peek((k, v) -> count.increment())
                .groupByKey()
                .count(store);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, a.required("group"));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, a.required("bootstrap"));
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, KafkaBench.COMMIT_INTERVAL_MS);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("bench-streams-restore").toString());
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        RestoreTimes restore = new RestoreTimes();
        streams.setGlobalStateRestoreListener(restore);
        long start = System.nanoTime();
        streams.start();
        long[] t = Probe.watch(count, 0, probes, 300_000);
        Map<String, Object> f = restoreFigures(start, t, keys);
        f.put("restore_ms", restore.millis());
        f.put("restored_records", restore.restored.get());
        long n = 0;
        long total = 0;
        ReadOnlyKeyValueStore<String, Long> view = queryable(streams);
        try (KeyValueIterator<String, Long> it = view.all()) {
            while (it.hasNext()) {
                KeyValue<String, Long> kv = it.next();
                n++;
                total += kv.value;
            }
        }
        f.putAll(checkRestored(n, total, keys, sum, probes));
        f.putAll(probe.memoryFigures());
        probe.stop();
        streams.close(Duration.ofSeconds(60));
        Probe.report("restore-streams", f);
    }

    /** The store "counts" for an interactive query, once Kafka Streams serves it (RUNNING). */
    private static ReadOnlyKeyValueStore<String, Long> queryable(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return streams
                        .store(StoreQueryParameters.fromNameAndType("counts", QueryableStoreTypes.keyValueStore()));
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    private static Map<String, Object> restoreFigures(long start, long[] t, long keys) {
        Map<String, Object> f = new LinkedHashMap<>();
        double readyMs = (t[2] - start) / 1e6;
        f.put("ready_ms", readyMs);
        f.put("first_record_ms", (t[0] - start) / 1e6);
        f.put("keys_per_s", keys == 0 ? Double.NaN : Math.round(keys / (readyMs / 1000)));
        return f;
    }

    /** Fails unless the restored table holds every key and the expected sum (the probes added one each). */
    private static Map<String, Object> checkRestored(long n, long total, long keys, long sum, int probes) {
        if (n != keys + probes || total != sum + probes) {
            throw new IllegalStateException("restored table holds " + n + " keys summing to " + total + ", expected "
                    + (keys + probes) + " keys summing to " + (sum + probes));
        }
        return Map.of("table_keys", n, "table_sum", total);
    }

    /** Kafka Streams' restore, from its listener: first start to last end, over every store partition. */
    static final class RestoreTimes implements StateRestoreListener {
        private final AtomicLong first = new AtomicLong();
        private final AtomicLong last = new AtomicLong();
        final AtomicLong restored = new AtomicLong();

        @Override
        public void onRestoreStart(org.apache.kafka.common.TopicPartition tp, String store, long from, long to) {
            var unused = first.compareAndSet(0, System.nanoTime());
        }

        @Override
        public void onBatchRestored(org.apache.kafka.common.TopicPartition tp, String store, long end, long n) {
        }

        @Override
        public void onRestoreEnd(org.apache.kafka.common.TopicPartition tp, String store, long total) {
            restored.addAndGet(total);
            last.set(System.nanoTime());
        }

        double millis() {
            return first.get() == 0 ? 0 : (last.get() - first.get()) / 1e6;
        }
    }

    private static Long plusOne(Long n) {
        return n == null ? 1L : n + 1;
    }
}
