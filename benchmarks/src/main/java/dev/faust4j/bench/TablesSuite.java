package dev.faust4j.bench;

import dev.faust4j.bench.Main.Contender;
import dev.faust4j.bench.Main.Row;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Issue 10's table benchmarks on the harness of {@link Main}: {@code repartition} (a durable per-key count after
 * {@code groupBy}), {@code windowed} (a tumbling one-minute windowed count) and {@code restore} (a table of
 * 1,000,000 keys restored from its changelog); {@code tables} runs the three. Every durable count is checked after
 * its run by reading its changelog back: the last value of every key (or key and window) must sum to the input's
 * record count, so a contender that loses or double-counts updates fails the run instead of looking fast.
 */
final class TablesSuite {
    static final String WINDOWED_INPUT = "bench-windowed-input";
    static final int WINDOWED_KEYS = 10_000;
    /** The windowed input's timestamps span this many windows (records in timestamp order, none late). */
    static final int WINDOWS = 36;
    static final int PARTITIONS = 8;
    static final long STREAMS_DEFAULT_CACHE = 10L * 1024 * 1024;

    private final Main m;

    TablesSuite(Main m) {
        this.m = m;
    }

    /** The faust4j table stores to run (memory:// by default); each makes one faust4j contender per benchmark. */
    List<String> stores() {
        return m.tableStores;
    }

    private static String storeLabel(String store) {
        return " [" + store + "]";
    }

    // ---- repartition + count ----

    void repartition() throws Exception {
        String input = m.input();
        long records = m.records;
        m.out("\n## Repartition: groupBy(account) through a repartition topic + per-key count (" + records
                + " records)\n");
        m.out("faust4j counts into a durable Table (with its write cache: one changelog record per key and commit;"
                + " without: one per update; either way a record's offset is committed after its changelog records are"
                + " durable); the HashMap contender is not durable. Kafka Streams counts into RocksDB with a changelog,"
                + " record cache on (10 MiB, its default) or off. Each durable count's changelog is read back after"
                + " the run: its last values must sum to " + records + ".\n");
        List<Contender> cs = new ArrayList<>();
        for (String store : stores()) {
            cs.add(new Contender("faust4j groupBy(\"account\") + Table.update" + storeLabel(store), "rep-faust-table",
                    Map.of("table_store", store), m.workerJvm()));
        }
        cs.add(new Contender("faust4j groupBy(\"account\") + Table.update, write cache off" + storeLabel(stores()
                .getFirst()), "rep-faust-table", Map.of("table_store", stores().getFirst(), "table_cache", false),
                m.workerJvm()));
        cs.add(new Contender("faust4j groupBy(\"account\") + HashMap (NOT durable)", "rep-faust", Map.of(),
                m.workerJvm()));
        cs.add(new Contender("Kafka Streams groupByKey().count(), cache on (10 MiB)", "rep-streams",
                Map.of("cache_max_bytes", STREAMS_DEFAULT_CACHE), m.workerJvm()));
        cs.add(new Contender("Kafka Streams groupByKey().count(), cache off", "rep-streams",
                Map.of("cache_max_bytes", 0), m.workerJvm()));
        Map<String, Row> rows = m.runAll(cs, c -> runCount(c, input, records, "counts", records));
        m.table(rows, new String[][] {{"records_per_s", "records/s", "0"},
                {"durable_records_per_s", "records/s incl. stop", "0"}, {"first_record_ms", "first record ms", "0"},
                {"stop_ms", "stop ms", "0"}, {"changelog_records", "changelog records", "0"},
                {"keys", "keys", "0"}, {"peak_heap_mb", "peak heap MB", "0"}, {"peak_rss_mb", "peak RSS MB", "0"}});
        m.out("");
        Row on = rows.get(cs.get(cs.size() - 2).label());
        Row off = rows.get(cs.getLast().label());
        Row map = rows.get(cs.get(cs.size() - 3).label());
        m.ratioLine("faust4j Table, write cache off / Kafka Streams cache off",
                Main.ratio(rows.get(cs.get(stores().size()).label()), off, "records_per_s"), Double.NaN, true);
        for (int i = 0; i < stores().size(); i++) {
            Row table = rows.get(cs.get(i).label());
            String s = storeLabel(stores().get(i));
            m.ratioLine("faust4j Table" + s + " / Kafka Streams cache on", Main.ratio(table, on, "records_per_s"), 1.5,
                    true);
            m.ratioLine("faust4j Table" + s + " / Kafka Streams cache on, incl. stop",
                    Main.ratio(table, on, "durable_records_per_s"), Double.NaN, true);
            m.ratioLine("faust4j Table" + s + " / Kafka Streams cache off", Main.ratio(table, off, "records_per_s"),
                    Double.NaN, true);
            m.ratioLine("faust4j Table" + s + " / faust4j HashMap (the cost of durability)",
                    Main.ratio(table, map, "records_per_s"), Double.NaN, true);
        }
        m.ratioLine("Kafka Streams cache off / cache on", Main.ratio(off, on, "records_per_s"), Double.NaN, true);
        m.out("- every durable contender's changelog read back after each run: last values summed to exactly "
                + records + " (a run that did not is listed as failed); the HashMap contender's own sum checked");
    }

    /**
     * Runs a count contender on {@code input}, then checks its result: the changelog of store/table {@code table}
     * read back (durable contenders), or the total the contender reports (the HashMap one).
     */
    private Map<String, String> runCount(Contender c, String input, long records, String table, long expected) {
        String id = c.kind() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Map<String, String> res = m.runChild(new Contender(c.label(), c.kind(),
                    Main.with(c.args(), "bootstrap", m.bootstrap(), "input", input, "group", id, "records", records),
                    c.jvm()), 900);
            // to durable: the last record processed AND the worker stopped, its state flushed and offsets committed
            // (Kafka Streams' record cache defers its store and changelog writes to the commit or the close)
            double durable = Double.parseDouble(res.get("seconds")) + Double.parseDouble(res.get("stop_ms")) / 1000;
            res.put("durable_records_per_s", Long.toString(Math.round(records / durable)));
            if (c.kind().equals("rep-faust")) {
                long total = Long.parseLong(res.get("total"));
                if (total != expected) {
                    throw new IllegalStateException(c.label() + " counted " + total + ", expected " + expected);
                }
                return res;
            }
            boolean faust = c.kind().contains("faust");
            long[] read = readChangelog(id + "-" + table + "-changelog",
                    faust ? TablesSuite::jsonLong : TablesSuite::bigEndianLong);
            res.put("changelog_records", Long.toString(read[0]));
            res.put("keys", Long.toString(read[1]));
            res.put("changelog_total", Long.toString(read[2]));
            if (read[2] != expected) {
                throw new IllegalStateException(c.label() + ": the last values of its changelog sum to " + read[2]
                        + ", expected " + expected + (read[2] < expected ? " (updates lost)" : " (counted twice)"));
            }
            return res;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        } finally {
            m.deleteTopics(id);
        }
    }

    /**
     * Reads a changelog topic from its beginning to its end offsets; returns {records read, distinct keys left,
     * sum of the last value of every key} (a tombstone removes its key).
     */
    long[] readChangelog(String topic, ToLongFunction<byte[]> value) throws Exception {
        Map<String, Object> p = KafkaBench.consumerProps(m.bootstrap(), "unused");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        Map<ByteBuffer, byte[]> last = new HashMap<>();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 300 s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    read++;
                    if (r.value() == null) {
                        last.remove(ByteBuffer.wrap(r.key()));
                    } else {
                        last.put(ByteBuffer.wrap(r.key()), r.value());
                    }
                }
            }
        }
        long sum = 0;
        for (byte[] v : last.values()) {
            sum += value.applyAsLong(v);
        }
        return new long[] {read, last.size(), sum};
    }

    /** faust4j's changelog value: a JSON number. */
    static long jsonLong(byte[] v) {
        return Long.parseLong(new String(v, StandardCharsets.UTF_8).trim());
    }

    /** Kafka Streams' changelog value of a count: its LongSerializer's 8 bytes. */
    static long bigEndianLong(byte[] v) {
        return ByteBuffer.wrap(v).getLong();
    }

    // ---- windowed count ----

    /** The records of the windowed and restore benchmarks: {@code --records}, or 1,000,000 when not given. */
    long tableRecords() {
        return m.recordsGiven ? m.records : 1_000_000;
    }

    void windowed() throws Exception {
        long records = tableRecords();
        String input = windowedInput(records);
        m.out("\n## Windowed count: tumbling 1-minute windows (" + records + " records, " + WINDOWED_KEYS + " keys, "
                + WINDOWS + " windows; event time = the record's timestamp)\n");
        m.out("The input's timestamps rise through " + WINDOWS + " minutes in production order, so no record is late."
                + " faust4j: WindowedTable tumbling(1 min).expires(1 min), no grace; Kafka Streams: groupByKey()"
                + ".windowedBy(TimeWindows.ofSizeWithNoGrace(1 min)).count() (RocksDB window store, retention size +"
                + " grace), cache on or off. No repartition: the input is keyed by the count's key. Each changelog is"
                + " read back after the run: the last value of every (key, window) must sum to " + records + ".\n");
        List<Contender> cs = new ArrayList<>();
        for (String store : stores()) {
            cs.add(new Contender("faust4j WindowedTable tumbling(1 min)" + storeLabel(store), "win-faust",
                    Map.of("table_store", store), m.workerJvm()));
        }
        cs.add(new Contender("Kafka Streams windowedBy(1 min).count(), cache on (10 MiB)", "win-streams",
                Map.of("cache_max_bytes", STREAMS_DEFAULT_CACHE), m.workerJvm()));
        cs.add(new Contender("Kafka Streams windowedBy(1 min).count(), cache off", "win-streams",
                Map.of("cache_max_bytes", 0), m.workerJvm()));
        Map<String, Row> rows = m.runAll(cs, c -> runCount(c, input, records, "window-counts", records));
        m.table(rows, new String[][] {{"records_per_s", "records/s", "0"},
                {"durable_records_per_s", "records/s incl. stop", "0"}, {"first_record_ms", "first record ms", "0"},
                {"stop_ms", "stop ms", "0"}, {"changelog_records", "changelog records", "0"},
                {"keys", "(key, window) entries", "0"}, {"peak_heap_mb", "peak heap MB", "0"},
                {"peak_rss_mb", "peak RSS MB", "0"}});
        m.out("");
        Row on = rows.get(cs.get(cs.size() - 2).label());
        Row off = rows.get(cs.getLast().label());
        for (int i = 0; i < stores().size(); i++) {
            Row w = rows.get(cs.get(i).label());
            String s = storeLabel(stores().get(i));
            m.ratioLine("faust4j WindowedTable" + s + " / Kafka Streams cache on", Main.ratio(w, on, "records_per_s"),
                    Double.NaN, true);
            m.ratioLine("faust4j WindowedTable" + s + " / Kafka Streams cache on, incl. stop",
                    Main.ratio(w, on, "durable_records_per_s"), Double.NaN, true);
            m.ratioLine("faust4j WindowedTable" + s + " / Kafka Streams cache off",
                    Main.ratio(w, off, "records_per_s"), Double.NaN, true);
        }
        m.out("- every changelog read back after each run: last values summed to exactly " + records
                + " (a run that did not is listed as failed)");
    }

    /**
     * The windowed input, written once: {@code records} JSON records over {@link #WINDOWED_KEYS} keys and 8
     * partitions, with explicit timestamps rising evenly through {@link #WINDOWS} minutes that end a few minutes
     * before now (older records would meet the topics' time retention).
     */
    String windowedInput(long records) throws Exception {
        try (Admin admin = m.admin()) {
            if (admin.listTopics().names().get().contains(WINDOWED_INPUT)) {
                long n = Main.endOffsets(admin, WINDOWED_INPUT);
                if (n == records) {
                    return WINDOWED_INPUT;
                }
                throw new IllegalStateException(
                        "topic " + WINDOWED_INPUT + " holds " + n + " records, not " + records
                                + "; use a fresh broker");
            }
            admin.createTopics(List.of(new NewTopic(WINDOWED_INPUT, PARTITIONS, (short) 1))).all().get();
        }
        m.awaitTopic(WINDOWED_INPUT);
        System.err.println("writing " + records + " timestamped records to " + WINDOWED_INPUT + " ...");
        long t0 = System.nanoTime();
        long minute = Duration.ofMinutes(1).toMillis();
        long base = (System.currentTimeMillis() / minute - WINDOWS - 5) * minute; // on a window boundary
        long span = WINDOWS * minute;
        byte[][] keys = new byte[WINDOWED_KEYS][];
        byte[][] values = new byte[WINDOWED_KEYS][];
        SplittableRandom r = new SplittableRandom(10);
        for (int k = 0; k < WINDOWED_KEYS; k++) {
            String key = String.format(Locale.ROOT, "k%05d", k);
            keys[k] = key.getBytes(StandardCharsets.UTF_8);
            values[k] = KafkaBench.MAPPER.writeValueAsBytes(new Tx(key, Math.round(r.nextDouble() * 100000) / 100.0,
                    "EUR", 1_731_000_000_000_000L + r.nextInt(1 << 30), "card payment at store " + r.nextInt(1000)));
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaBench.producerProps(m.bootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)))) {
            for (long i = 0; i < records; i++) {
                int k = r.nextInt(WINDOWED_KEYS);
                long ts = base + i * span / records;
                var unused = producer.send(new ProducerRecord<>(WINDOWED_INPUT, null, ts, keys[k], values[k]));
            }
            producer.flush();
        }
        System.err.printf(Locale.ROOT, "windowed input written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return WINDOWED_INPUT;
    }

    // ---- restore ----

    private static final Pattern RESTORED = Pattern.compile("tables restored in (\\d+) ms");

    void restore() throws Exception {
        long keys = tableRecords();
        m.out("\n## Restore: a table of " + keys + " keys from its changelog (8 partitions, one record per key)\n");
        m.out("Before each run the harness writes the contender's changelog in its own format (faust4j: JSON key and"
                + " value, `{app}-counts-changelog`; Kafka Streams: String key, Long value, `{app}-counts-changelog`)"
                + " and one probe record in each of the 8 partitions of the input topic. \"ready ms\": from the call"
                + " that starts the worker to the agent having processed all 8 probes, i.e. every partition restored"
                + " and processing (Kafka Streams: fresh state directory). \"restore ms\": the restore's own"
                + " duration (faust4j: its log line \"tables restored in N ms\", summed; Kafka Streams: first"
                + " onRestoreStart to last onRestoreEnd). The \"empty changelog\" rows are the same workers with"
                + " nothing to restore: start-up and group join alone. Each worker checks its restored table: "
                + keys + " keys plus the 8 probes, values summing as written.\n");
        List<String> faustJvm = new ArrayList<>(m.workerJvm());
        faustJvm.add("-Dorg.slf4j.simpleLogger.log.dev.faust4j.internal.table=info"); // its restore log lines
        List<Contender> cs = new ArrayList<>();
        for (String store : stores()) {
            cs.add(new Contender("faust4j Table" + storeLabel(store), "restore-faust",
                    Map.of("table_store", store, "keys", keys), faustJvm));
        }
        cs.add(new Contender("Kafka Streams count(), RocksDB store", "restore-streams",
                Map.of("store", "rocksdb", "keys", keys), m.workerJvm()));
        cs.add(new Contender("Kafka Streams count(), in-memory store", "restore-streams",
                Map.of("store", "memory", "keys", keys), m.workerJvm()));
        cs.add(new Contender("faust4j Table" + storeLabel(stores().getFirst()) + ", empty changelog", "restore-faust",
                Map.of("table_store", stores().getFirst(), "keys", 0), faustJvm));
        cs.add(new Contender("Kafka Streams count(), RocksDB store, empty changelog", "restore-streams",
                Map.of("store", "rocksdb", "keys", 0), m.workerJvm()));
        Map<String, Row> rows = m.runAll(cs, this::runRestore);
        m.table(rows, new String[][] {{"ready_ms", "ready ms", "0"}, {"restore_ms", "restore ms", "0"},
                {"keys_per_s", "keys/s (keys / ready)", "0"}, {"table_keys", "keys in table", "0"},
                {"prepare_s", "changelog written in s", "1"},
                {"peak_heap_mb", "peak heap MB", "0"}, {"peak_rss_mb", "peak RSS MB", "0"}});
        m.out("");
        Row rocks = rows.get("Kafka Streams count(), RocksDB store");
        Row memory = rows.get("Kafka Streams count(), in-memory store");
        for (int i = 0; i < stores().size(); i++) {
            Row f = rows.get(cs.get(i).label());
            String s = storeLabel(stores().get(i));
            m.ratioLine("Kafka Streams RocksDB ready / faust4j" + s + " ready (above 1: faust4j ready sooner)",
                    Main.ratio(rocks, f, "ready_ms"), Double.NaN, true);
            m.ratioLine("Kafka Streams in-memory ready / faust4j" + s + " ready",
                    Main.ratio(memory, f, "ready_ms"), Double.NaN, true);
        }
    }

    private Map<String, String> runRestore(Contender c) {
        String id = c.kind() + "-" + UUID.randomUUID().toString().substring(0, 8);
        long keys = ((Number) c.args().get("keys")).longValue();
        boolean faust = c.kind().equals("restore-faust");
        try {
            long t0 = System.nanoTime();
            long sum = writeChangelog(id + "-counts-changelog", keys, faust);
            writeProbes(id + "-in");
            double prepare = (System.nanoTime() - t0) / 1e9;
            Map<String, Object> args = Main.with(c.args(), "bootstrap", m.bootstrap(), "input", id + "-in", "group",
                    id, "sum", sum, "probes", PARTITIONS);
            try (ChildProcess p = ChildProcess.start(c.label() + "-" + id.substring(id.length() - 6), c.jvm(),
                    c.kind(), args, m.logDir, m.verbose)) {
                Map<String, String> res = new LinkedHashMap<>(p.awaitResult(900));
                res.put("prepare_s", Double.toString(prepare));
                if (faust) {
                    long restoreMs = 0;
                    Matcher x = RESTORED.matcher(Files.readString(p.log()));
                    while (x.find()) {
                        restoreMs += Long.parseLong(x.group(1));
                    }
                    res.put("restore_ms", Long.toString(restoreMs));
                }
                return res;
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        } finally {
            m.deleteTopics(id);
        }
    }

    /**
     * Writes a compacted changelog of {@code keys} keys {@code k0000000...}, one record each, in the partition the
     * key's source record would have (murmur2 of the plain key bytes, as both producers' partitioners do); the value
     * is a count from 1 to 100. faust4j's format is JSON key and value, Kafka Streams' its String and Long serdes.
     * Returns the values' sum.
     */
    long writeChangelog(String topic, long keys, boolean faust) throws Exception {
        try (Admin admin = m.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")))).all().get();
        }
        m.awaitTopic(topic);
        long sum = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaBench.producerProps(m.bootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)))) {
            for (long i = 0; i < keys; i++) {
                String key = String.format(Locale.ROOT, "k%07d", i);
                byte[] plain = key.getBytes(StandardCharsets.UTF_8);
                int partition = Utils.toPositive(Utils.murmur2(plain)) % PARTITIONS;
                long value = 1 + i % 100;
                sum += value;
                byte[] k = faust ? ("\"" + key + "\"").getBytes(StandardCharsets.UTF_8) : plain;
                byte[] v = faust ? Long.toString(value).getBytes(StandardCharsets.UTF_8)
                        : ByteBuffer.allocate(8).putLong(value).array();
                var unused = producer.send(new ProducerRecord<>(topic, partition, k, v));
            }
            producer.flush();
        }
        return sum;
    }

    /** One record in each partition of a new topic {@code topic}: key {@code probe-<partition>}, value "x". */
    void writeProbes(String topic) throws Exception {
        m.createTopic(topic);
        m.awaitTopic(topic);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                KafkaBench.producerProps(m.bootstrap(), Map.of()))) {
            for (int p = 0; p < PARTITIONS; p++) {
                var unused = producer.send(new ProducerRecord<>(topic, p,
                        ("probe-" + p).getBytes(StandardCharsets.UTF_8), "x".getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    // ---- a table larger than the heap ----

    static final String MEMORY_INPUT = "bench-table-memory-input";
    static final int MEMORY_VALUE_BYTES = 200;
    /** What RSS may exceed the heap's maximum and tableRocksdbMemory by: JVM and native overhead (checked). */
    static final long MEMORY_OVERHEAD_MB = 250;

    /**
     * One worker with a small heap ({@code -Xmx256m -Xms256m} unless {@code --jvm}) puts {@code --records} records
     * with distinct keys and ~200-byte values into a RocksDB table, once with {@code tableRocksdbMemory} 64 MiB and
     * once with 256 MiB: the table outgrows the heap, and the worker's peak RSS must stay under heap max +
     * tableRocksdbMemory + {@value #MEMORY_OVERHEAD_MB} MB whatever the data size. Each worker checks its stores
     * after the run (every key once, with its value). {@code runs} per setting: the table-memory mode's
     * {@code --runs} (1 unless given); one inside {@code tables} and {@code all}, to keep them short.
     */
    void tableMemory(int runs) throws Exception {
        long records = m.records;
        String input = memoryInput(records);
        List<String> jvm = new ArrayList<>(m.jvm.isEmpty() ? List.of("-Xmx256m", "-Xms256m") : m.jvm);
        jvm.add("-XX:+ExitOnOutOfMemoryError"); // a worker out of heap fails its run at once instead of thrashing
        jvm.add("-XX:NativeMemoryTracking=summary"); // the JVM's own native memory, to split RSS
        m.out("\n## Table larger than the heap: " + records + " distinct keys, ~" + MEMORY_VALUE_BYTES
                + "-byte values, one worker (" + String.join(" ", jvm) + "), RocksDB table, " + runs
                + " run(s) per setting\n");
        m.out("The agent puts every record of an 8-partition topic into a Table<String, String> (tableStore"
                + " rocksdb://, write cache on, a fresh temporary dataDir), so the table (" + records + " keys, ~"
                + Math.round(records * (MEMORY_VALUE_BYTES + 12) / 1048576.0) + " MB of keys and values) cannot fit"
                + " in the heap. Peak heap: the highest heap use sampled every 10 ms (garbage included); live heap:"
                + " after a full GC at the end; peak RSS: VmHWM over the run and the stop; \"peak RSS at half\": VmHWM"
                + " when half the records were processed (if RSS grew with the data, the second half would raise"
                + " it). After the puts the worker reads " + records / 5
                + " random keys with table.get() (outside an agent, so"
                + " each read looks in all 8 partitions' stores): reads fill the block cache, which puts of new keys"
                + " barely use (the bloom filters answer their lookups); peak RSS is over both phases. Store MB: the"
                + " data directory's files after the stop. Each worker then opens its stores"
                + " read-only and checks they hold every key exactly once with its value.\n");
        List<Contender> cs = new ArrayList<>();
        for (long mib : new long[] {64, 256}) {
            Map<String, Object> args = new LinkedHashMap<>(
                    Map.of("rocksdb_memory", mib << 20, "value_bytes", MEMORY_VALUE_BYTES));
            if (m.commitIntervalMs != null) {
                args.put("commit_interval_ms", m.commitIntervalMs);
            }
            cs.add(new Contender("faust4j RocksDB table, tableRocksdbMemory " + mib + " MiB"
                    + (m.commitIntervalMs == null ? "" : ", commitInterval " + m.commitIntervalMs + " ms"),
                    "tablemem-faust", args, jvm));
        }
        Map<String, Integer> outOfHeap = new HashMap<>();
        Map<String, Row> rows = m.runAll(cs, c -> {
            String id = "tablemem-" + UUID.randomUUID().toString().substring(0, 8);
            try {
                Map<String, String> res;
                try (ChildProcess p = ChildProcess.start(c.label() + "-" + id.substring(id.length() - 6), c.jvm(),
                        c.kind(), Main.with(c.args(), "bootstrap", m.bootstrap(), "input", input, "group", id,
                                "records", records),
                        m.logDir, m.verbose)) {
                    try {
                        res = new LinkedHashMap<>(p.awaitResult(1800));
                    } catch (Exception e) { // the worker exited (or timed out): say so if it ran out of heap
                        if (Files.exists(p.log()) && Files.readString(p.log()).contains("OutOfMemoryError")) {
                            outOfHeap.merge(c.label(), 1, Integer::sum);
                            throw new IllegalStateException(c.label() + " ran out of heap (OutOfMemoryError; see "
                                    + p.log() + ")", e);
                        }
                        throw e;
                    }
                }
                if (Long.parseLong(res.get("store_keys")) != records) {
                    throw new IllegalStateException(c.label() + ": store holds " + res.get("store_keys") + " keys");
                }
                double bound = Double.parseDouble(res.get("heap_max_mb"))
                        + Double.parseDouble(res.get("rocksdb_memory_mb")) + MEMORY_OVERHEAD_MB;
                res.put("bound_mb", Double.toString(bound));
                return res;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e);
            } finally {
                m.deleteTopics(id);
            }
        }, runs);
        m.table(rows, new String[][] {{"records_per_s", "records/s", "0"}, {"stop_ms", "stop ms", "0"},
                {"peak_heap_mb", "peak heap MB", "0"}, {"live_heap_mb", "live heap at end MB", "0"},
                {"gc_s", "GC s", "1"}, {"nmt_committed_mb", "JVM native+heap MB (NMT)", "0"},
                {"peak_rss_half_mb", "peak RSS at half MB", "0"},
                {"peak_rss_writes_mb", "peak RSS after puts MB", "0"}, {"reads_per_s", "random gets/s", "0"},
                {"peak_rss_mb", "peak RSS MB", "0"}, {"bound_mb", "bound MB", "0"}, {"store_mb", "store MB", "0"},
                {"store_keys", "keys in store", "0"}});
        m.out("");
        for (Contender c : cs) {
            Row r = rows.get(c.label());
            long failed = r.runs().stream().filter(x -> x.containsKey("failed")).count();
            if (failed > 0) {
                m.out("- " + c.label() + ": " + failed + " of " + r.runs().size() + " runs FAILED, "
                        + outOfHeap.getOrDefault(c.label(), 0) + " of them out of heap (OutOfMemoryError: the"
                        + " worker's heap is NOT bounded by its configuration in those runs; see their logs)");
                if (failed == r.runs().size()) {
                    continue;
                }
            }
            Stats rss = r.stat("peak_rss_mb");
            Stats bound = r.stat("bound_mb");
            Stats store = r.stat("store_mb");
            Stats heapMax = r.stat("heap_max_mb");
            m.out("- " + c.label() + ": peak RSS " + rss.format(0) + " MB vs bound heap max ("
                    + heapMax.format(0) + ") + tableRocksdbMemory ("
                    + (((Number) c.args().get("rocksdb_memory")).longValue() >> 20) + ") + " + MEMORY_OVERHEAD_MB
                    + " = " + bound.format(0) + " MB"
                    + (rss.max() <= bound.min() ? " — MET" : " — MISSED") + (failed > 0 ? " (runs that finished)" : "")
                    + "; store on disk " + store.format(0)
                    + " MB" + (store.min() > heapMax.max() ? " (larger than the heap)" : " (NOT larger than the heap)")
                    + "; peak RSS at half the records " + r.stat("peak_rss_half_mb").format(0) + " MB");
        }
        Row small = rows.get(cs.get(0).label());
        Row large = rows.get(cs.get(1).label());
        m.out("- peak RSS, 256 MiB run minus 64 MiB run (the setting differs by 192 MiB): "
                + Stats.of(List.of(large.stat("peak_rss_mb").median() - small.stat("peak_rss_mb").median()))
                        .format(0)
                + " MB");
        m.out("- what bounds RSS: the heap (-Xmx) + tableRocksdbMemory (RocksDB block cache, memtables charged to it;"
                + " index and filter blocks cached in it) + JVM and native overhead (metaspace, code cache, thread"
                + " stacks, direct buffers, RocksDB's table readers and malloc arenas); the data size does not enter");
        m.out("- every worker that finished read its stores back after its run: each held all " + records
                + " keys once with their values (a run that did not is listed as failed)");
    }

    /**
     * The table-memory input, written once: {@code records} records over 8 partitions, keys {@code k0000000...}
     * (distinct), values {@link TableBench#memoryValue} of {@value #MEMORY_VALUE_BYTES} letters and digits.
     */
    String memoryInput(long records) throws Exception {
        try (Admin admin = m.admin()) {
            if (admin.listTopics().names().get().contains(MEMORY_INPUT)) {
                long n = Main.endOffsets(admin, MEMORY_INPUT);
                if (n == records) {
                    return MEMORY_INPUT;
                }
                throw new IllegalStateException(
                        "topic " + MEMORY_INPUT + " holds " + n + " records, not " + records + "; use a fresh broker");
            }
            admin.createTopics(List.of(new NewTopic(MEMORY_INPUT, PARTITIONS, (short) 1))).all().get();
        }
        m.awaitTopic(MEMORY_INPUT);
        System.err.println("writing " + records + " records with distinct keys to " + MEMORY_INPUT + " ...");
        long t0 = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaBench.producerProps(m.bootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024)))) {
            for (long i = 0; i < records; i++) {
                var unused = producer.send(new ProducerRecord<>(MEMORY_INPUT,
                        TableBench.memoryKey(i).getBytes(StandardCharsets.UTF_8),
                        TableBench.memoryValue(i, MEMORY_VALUE_BYTES).getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        System.err.printf(Locale.ROOT, "table-memory input written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return MEMORY_INPUT;
    }
}
