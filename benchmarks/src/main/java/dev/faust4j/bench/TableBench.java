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
import java.util.List;
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

    // ---- a table larger than the heap ----

    /** The i-th key of the table-memory input: {@code k0000000}, ... (distinct, in key order). */
    static String memoryKey(long i) {
        return String.format(java.util.Locale.ROOT, "k%07d", i);
    }

    /**
     * The value of the i-th record of the table-memory input: {@code length} letters and digits drawn from a
     * generator seeded with {@code i} (so a reader can recompute it, and RocksDB's compression gains little).
     */
    static String memoryValue(long i, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        // seeded with i itself: seeds i * GOLDEN_GAMMA would give each key the previous key's letters shifted by
        // one (SplittableRandom advances its seed by that gamma), which RocksDB compresses to a third
        java.util.SplittableRandom r = new java.util.SplittableRandom(i);
        char[] c = new char[length];
        for (int j = 0; j < length; j++) {
            c[j] = alphabet.charAt(r.nextInt(alphabet.length()));
        }
        return new String(c);
    }

    /**
     * One worker puts every input record (distinct keys, ~200-byte values) into a RocksDB table
     * ({@code tableRocksdbMemory} = {@code rocksdb_memory} bytes, a fresh temporary data directory), so the table
     * outgrows the heap. Reports records/s, peak heap used, peak RSS (VmHWM, over the run and the stop), VmHWM when
     * half the records were processed, the live heap after a full GC at the end, GC time, and the store's size on
     * disk. Then, after the figures are taken, it opens every partition's database read-only and checks it holds
     * every key once with its value (recomputed from the key).
     */
    static void memoryFaust(Args a) throws Exception {
        long records = a.number("records", 2_000_000);
        int valueBytes = a.integer("value_bytes", 200);
        long rocksMemory = a.number("rocksdb_memory", 64L << 20);
        java.nio.file.Path dir = Files.createTempDirectory("faust4j-bench-tablemem-");
        try {
            Probe probe = new Probe();
            App.Builder builder = App.builder(a.required("group")).broker("kafka://" + a.required("bootstrap"))
                    .tableStore("rocksdb://").dataDir(dir).tableRocksdbMemory(rocksMemory);
            if (a.values.containsKey("commit_interval_ms")) {
                builder.commitInterval(Duration.ofMillis(a.number("commit_interval_ms", 2800)));
            }
            App app = builder.build();
            Topic<String, String> in = app.topic(
                    TopicOptions.builder(Codecs.string(), Codecs.string()).names(a.required("input")).build());
            Table<String, String> table = app.table("records", String.class, String.class);
            LongAdder count = new LongAdder();
            app.agent(in, stream -> {
                for (dev.faust4j.KeyValue<String, String> kv : stream.items()) {
                    table.put(kv.key(), kv.value());
                    count.increment();
                }
            }).name("table-writer");
            // a timeline in the log (processed, RSS, heap), and VmHWM when half the records were processed
            AtomicLong hwmAtHalf = new AtomicLong(-1);
            Thread timeline = Thread.ofPlatform().daemon().name("bench-timeline").start(() -> {
                java.lang.management.MemoryMXBean mem = java.lang.management.ManagementFactory.getMemoryMXBean();
                long next = 0;
                while (!Thread.currentThread().isInterrupted()) {
                    long c = count.sum();
                    if (hwmAtHalf.get() < 0 && c >= records / 2) {
                        hwmAtHalf.set(Probe.peakRssBytes());
                    }
                    long now = System.nanoTime();
                    if (now >= next) {
                        System.out.printf(java.util.Locale.ROOT, "timeline processed=%d rss_mb=%.0f hwm_mb=%.0f"
                                + " heap_used_mb=%.0f%n", c, Probe.rssBytes() / 1048576.0,
                                Probe.peakRssBytes() / 1048576.0, mem.getHeapMemoryUsage().getUsed() / 1048576.0);
                        next = now + 2_000_000_000L;
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long start = System.nanoTime();
            app.start();
            long[] t = Probe.watch(count, 0, records, 120_000);
            long hwmWrites = Probe.peakRssBytes();
            // then random reads (outside an agent, so each looks in every partition's store): they fill the block
            // cache, which a write-only load barely uses (the bloom filters answer a put's lookup of a new key)
            long reads = a.number("reads", records / 5);
            java.util.SplittableRandom pick = new java.util.SplittableRandom(42);
            long readStart = System.nanoTime();
            long wrongReads = 0;
            for (long n = 0; n < reads; n++) {
                long i = pick.nextLong(records);
                if (!memoryValue(i, valueBytes).equals(table.get(memoryKey(i)))) {
                    wrongReads++;
                }
            }
            double readSecs = (System.nanoTime() - readStart) / 1e9;
            if (wrongReads > 0) {
                throw new IllegalStateException(wrongReads + " of " + reads + " random reads found a wrong value");
            }
            long stopStart = System.nanoTime();
            app.stop();
            app.awaitTermination();
            double stopMs = (System.nanoTime() - stopStart) / 1e6;
            timeline.interrupt();
            Map<String, Object> f = new LinkedHashMap<>();
            double secs = (t[2] - t[0]) / 1e9;
            f.put("records_per_s", Math.round(records / secs));
            f.put("seconds", secs);
            f.put("first_record_ms", (t[0] - start) / 1e6);
            f.put("stop_ms", stopMs);
            f.putAll(probe.memoryFigures()); // peak heap and VmHWM over the run and the stop
            probe.stop();
            f.put("peak_rss_half_mb", hwmAtHalf.get() / 1048576.0);
            f.put("peak_rss_writes_mb", hwmWrites / 1048576.0);
            f.put("reads_per_s", Math.round(reads / readSecs));
            f.put("heap_max_mb", Runtime.getRuntime().maxMemory() / 1048576.0);
            long gcMs = 0;
            for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
                gcMs += Math.max(0, gc.getCollectionTime());
            }
            f.put("gc_s", gcMs / 1000.0);
            System.gc();
            f.put("live_heap_mb",
                    java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
                            / 1048576.0);
            f.put("nmt_committed_mb", nativeMemoryCommittedMb());
            f.put("store_mb", directoryBytes(dir) / 1048576.0);
            f.put("rocksdb_memory_mb", rocksMemory / 1048576.0);
            f.putAll(checkStores(dir.resolve("tables").resolve("records"), records, valueBytes));
            Probe.report("tablemem-faust", f);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * The memory the JVM itself has committed (heap, metaspace, code, threads, GC, ...: Native Memory Tracking's
     * total, printed to the log), or NaN without {@code -XX:NativeMemoryTracking}. RSS above it is mostly RocksDB's
     * and the C allocator's.
     */
    static double nativeMemoryCommittedMb() {
        try {
            Object out = java.lang.management.ManagementFactory.getPlatformMBeanServer().invoke(
                    new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary", "scale=MB"}}, new String[] {String[].class.getName()});
            System.out.println(out);
            java.util.regex.Matcher x = java.util.regex.Pattern.compile("Total: reserved=\\d+MB, committed=(\\d+)MB")
                    .matcher(String.valueOf(out));
            return x.find() ? Double.parseDouble(x.group(1)) : Double.NaN;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** The bytes of every file under {@code dir}. */
    static long directoryBytes(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    private static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (java.nio.file.Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /**
     * Opens the table's partition databases under {@code tableDir} (one directory per partition) read-only and
     * counts their keys; fails unless they hold each key {@code k0000000...} exactly once, with its value.
     */
    private static Map<String, Object> checkStores(java.nio.file.Path tableDir, long records, int valueBytes)
            throws Exception {
        org.rocksdb.RocksDB.loadLibrary();
        java.util.BitSet seen = new java.util.BitSet((int) records);
        long keys = 0;
        long duplicates = 0;
        long wrong = 0;
        int partitions = 0;
        List<java.nio.file.Path> dirs;
        try (var list = Files.list(tableDir)) {
            dirs = list.filter(Files::isDirectory).sorted().toList();
        }
        for (java.nio.file.Path p : dirs) {
            partitions++;
            List<org.rocksdb.ColumnFamilyDescriptor> cfs = new java.util.ArrayList<>();
            int defaultFamily = -1;
            try (org.rocksdb.Options o = new org.rocksdb.Options()) {
                for (byte[] name : org.rocksdb.RocksDB.listColumnFamilies(o, p.toString())) {
                    if (java.util.Arrays.equals(name, org.rocksdb.RocksDB.DEFAULT_COLUMN_FAMILY)) {
                        defaultFamily = cfs.size();
                    }
                    cfs.add(new org.rocksdb.ColumnFamilyDescriptor(name));
                }
            }
            List<org.rocksdb.ColumnFamilyHandle> handles = new java.util.ArrayList<>();
            try (org.rocksdb.DBOptions o = new org.rocksdb.DBOptions();
                 org.rocksdb.RocksDB db = org.rocksdb.RocksDB.openReadOnly(o, p.toString(), cfs, handles)) {
                org.rocksdb.ColumnFamilyHandle data = handles.get(defaultFamily); // the table's keys and values
                try (org.rocksdb.RocksIterator it = db.newIterator(data)) {
                    for (it.seekToFirst(); it.isValid(); it.next()) {
                        keys++;
                        String k = unquote(new String(it.key(), java.nio.charset.StandardCharsets.UTF_8));
                        long i = k.startsWith("k") ? Long.parseLong(k.substring(1)) : -1;
                        if (i < 0 || i >= records) {
                            wrong++;
                            continue;
                        }
                        if (seen.get((int) i)) {
                            duplicates++;
                        }
                        seen.set((int) i);
                        String v = unquote(new String(it.value(), java.nio.charset.StandardCharsets.UTF_8));
                        if (!v.equals(memoryValue(i, valueBytes))) {
                            wrong++;
                        }
                    }
                } finally {
                    handles.forEach(org.rocksdb.ColumnFamilyHandle::close);
                }
            }
        }
        long distinct = seen.cardinality();
        if (distinct != records || duplicates != 0 || wrong != 0) {
            throw new IllegalStateException("the RocksDB stores hold " + distinct + " of the " + records + " keys ("
                    + keys + " entries, " + duplicates + " duplicated, " + wrong + " wrong key or value)");
        }
        return Map.of("store_keys", distinct, "store_partitions", partitions);
    }

    /** A JSON string's content (the table's changelog codec writes strings as JSON), or {@code s} unquoted. */
    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static Long plusOne(Long n) {
        return n == null ? 1L : n + 1;
    }
}
