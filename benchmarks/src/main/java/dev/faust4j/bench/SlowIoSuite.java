package dev.faust4j.bench;

import dev.faust4j.bench.Main.Contender;
import dev.faust4j.bench.Main.Row;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The slow-I/O benchmark (issue 12, "Speed"; {@code ./dev bench slowio}) on the harness of {@link Main}: an
 * agent whose every record blocks 1 ms, as a database call would, over 8 partitions and 10,000 keys, draining
 * {@code --records} records (default {@value #DEFAULT_RECORDS}) written beforehand. Contenders: faust4j with
 * partition-only parallelism, faust4j with key-ordered concurrency 256, Confluent's Parallel Consumer (key order,
 * concurrency 256) and Spring for Apache Kafka's listener container (concurrency 8). Each checks in its JVM what
 * it processed ({@link SlowIoBench.Checker}); the harness then requires every record seen, for the key-ordered
 * contenders no record of a key overlapping or overtaking another, and the group's committed offsets at the end of
 * every partition (at-least-once commits done by the stop).
 */
final class SlowIoSuite {
    static final String INPUT = "bench-slowio-input";
    static final int KEYS = 10_000;
    static final int PARTITIONS = 8;
    /** About 25 s for partition-only parallelism (at most ~8 records/ms with 8 partitions and 1 ms per record). */
    static final long DEFAULT_RECORDS = 200_000;

    /** The contenders by name ({@code --contenders} picks some); the key-ordered ones must keep per-key order. */
    static final List<String> NAMES = List.of("faust4j-partitions", "faust4j-keyed", "parallel-consumer",
            "spring-kafka");
    static final List<String> KEY_ORDERED = List.of("faust4j-partitions", "faust4j-keyed", "parallel-consumer",
            "spring-kafka");

    private final Main m;

    SlowIoSuite(Main m) {
        this.m = m;
    }

    long records() {
        return m.recordsGiven ? m.records : DEFAULT_RECORDS;
    }

    List<Contender> contenders() {
        List<Contender> all = List.of(
                new Contender("faust4j-partitions: agent isolatedPartitions(), an instance per partition",
                        "slowio-faust", Map.of("concurrency", 1, "ordered", "none"), m.workerJvm()),
                new Contender("faust4j-keyed: agent concurrency(256).orderedByKey()", "slowio-faust",
                        Map.of("concurrency", 256, "ordered", "key"), m.workerJvm()),
                new Contender("parallel-consumer: ProcessingOrder.KEY, maxConcurrency 256, PERIODIC_CONSUMER_SYNC",
                        "slowio-pc", Map.of("concurrency", 256), m.workerJvm()),
                new Contender("spring-kafka: listener container, concurrency 8, AckMode.BATCH", "slowio-spring",
                        Map.of("concurrency", 8), m.workerJvm()));
        if (m.contendersOption == null) {
            return all;
        }
        List<Contender> cs = new ArrayList<>();
        for (String n : m.contendersOption.split(",", -1)) {
            String name = n.trim();
            cs.add(all.stream().filter(c -> c.label().startsWith(name + ":")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "--contenders: no slowio contender '" + name + "' (" + String.join(", ", NAMES) + ")")));
        }
        return cs;
    }

    static String name(Contender c) {
        return c.label().substring(0, c.label().indexOf(':'));
    }

    void run() throws Exception {
        long records = records();
        String input = input(records);
        m.out("\n## Slow I/O: every record blocks 1 ms (" + records + " records, " + KEYS + " keys, " + PARTITIONS
                + " partitions)\n");
        m.out("Each contender drains the input written beforehand; its work per record is `Thread.sleep(1)` (a"
                + " database call, say). records/s = records / (last record − first record). Checked after every run:"
                + " all " + records + " records processed; for the key-ordered contenders (" + String.join(", ",
                        KEY_ORDERED)
                + ") no two records of a key in flight at once and none started before an earlier one of its key;"
                + " the group's committed offsets at the end of every partition after the stop.\n");
        List<Contender> cs = contenders();
        Map<String, Row> rows = m.runAll(cs, c -> runOne(c, input, records));
        m.table(rows, new String[][] {{"records_per_s", "records/s", "0"}, {"seconds", "drain s", "1"},
                {"first_record_ms", "first record ms", "0"}, {"stop_ms", "stop ms", "0"},
                {"peak_in_flight", "peak records in flight", "0"}, {"duplicates", "duplicates", "0"},
                {"order_violations", "key order violations", "0"}, {"key_overlaps", "key overlaps", "0"},
                {"peak_heap_mb", "peak heap MB", "0"}, {"peak_rss_mb", "peak RSS MB", "0"}});
        m.out("");
        Map<String, Row> by = new LinkedHashMap<>();
        for (Contender c : cs) {
            Row row = rows.get(c.label());
            String unavailable = row.runs().stream().map(r -> r.get("unavailable")).filter(u -> u != null)
                    .findFirst().orElse(null);
            if (unavailable != null) {
                m.out("- " + name(c) + ": not available in this build (" + unavailable.replace('_', ' ') + ")");
            } else {
                by.put(name(c), row);
            }
        }
        ratio(by, "faust4j-keyed", "faust4j-partitions", 20);
        ratio(by, "faust4j-keyed", "parallel-consumer", 1.2);
        ratio(by, "parallel-consumer", "faust4j-partitions", Double.NaN);
        ratio(by, "spring-kafka", "faust4j-partitions", Double.NaN);
        ratio(by, "faust4j-keyed", "spring-kafka", Double.NaN);
        m.out("- checked after every run: all " + records + " records processed, committed offsets at the end of"
                + " every partition, and for " + String.join(", ", KEY_ORDERED)
                + " no key order violation or overlap (a run that failed a check is listed as failed)");
    }

    private void ratio(Map<String, Row> by, String num, String den, double target) {
        if (by.containsKey(num) && by.containsKey(den)) {
            m.ratioLine(num + " / " + den, Main.ratio(by.get(num), by.get(den), "records_per_s"), target, true);
        }
    }

    /** Runs one contender against its own group; checks what it reports and what it committed. */
    Map<String, String> runOne(Contender c, String input, long records) {
        String id = c.kind() + "-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            Map<String, Object> args = Main.with(c.args(), "bootstrap", m.bootstrap(), "input", input, "group", id,
                    "records", records, "keys", KEYS);
            Map<String, String> res = m.runChild(new Contender(c.label(), c.kind(), args, c.jvm()), 900);
            if (res.containsKey("unavailable")) {
                return res;
            }
            long distinct = Long.parseLong(res.getOrDefault("distinct", "-1"));
            if (distinct != records) {
                throw new IllegalStateException(c.label() + " processed " + distinct + " of " + records + " records");
            }
            if (KEY_ORDERED.contains(name(c))) {
                long violations = Long.parseLong(res.getOrDefault("order_violations", "-1"));
                long overlaps = Long.parseLong(res.getOrDefault("key_overlaps", "-1"));
                if (violations != 0 || overlaps != 0) {
                    throw new IllegalStateException(c.label() + " broke key order: " + violations
                            + " order violations, " + overlaps + " overlaps");
                }
            }
            long committed = committed(id, input);
            res.put("committed", Long.toString(committed));
            if (committed != records) {
                throw new IllegalStateException(c.label() + " committed offsets summing to " + committed + ", not "
                        + records + " (at-least-once: every processed record's offset committed by the stop)");
            }
            return res;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        }
    }

    /** The sum of the group's committed offsets on the input (the record count once every partition is done). */
    long committed(String group, String input) throws Exception {
        try (Admin admin = m.admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(60, TimeUnit.SECONDS);
            return offsets.entrySet().stream().filter(e -> e.getKey().topic().equals(input) && e.getValue() != null)
                    .mapToLong(e -> e.getValue().offset()).sum();
        }
    }

    /**
     * The input, written once: {@code records} records, key {@code k00000}…{@code k09999} drawn at random (seeded),
     * value the record's index in ASCII decimal. One idempotent producer, so within a key (one partition) the
     * indices rise in log order, which is what the key-order checks rely on.
     */
    String input(long records) throws Exception {
        try (Admin admin = m.admin()) {
            if (admin.listTopics().names().get().contains(INPUT)) {
                long n = Main.endOffsets(admin, INPUT);
                if (n == records) {
                    return INPUT;
                }
                throw new IllegalStateException(
                        "topic " + INPUT + " holds " + n + " records, not " + records + "; use a fresh broker");
            }
            admin.createTopics(List.of(new NewTopic(INPUT, PARTITIONS, (short) 1))).all().get();
        }
        m.awaitTopic(INPUT);
        System.err.println("writing " + records + " records to " + INPUT + " ...");
        long t0 = System.nanoTime();
        byte[][] keys = new byte[KEYS][];
        for (int k = 0; k < KEYS; k++) {
            keys[k] = String.format(Locale.ROOT, "k%05d", k).getBytes(StandardCharsets.UTF_8);
        }
        SplittableRandom r = new SplittableRandom(12);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaBench.producerProps(m.bootstrap(),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)))) {
            for (long i = 0; i < records; i++) {
                byte[] v = Long.toString(i).getBytes(StandardCharsets.US_ASCII);
                var unused = producer.send(new ProducerRecord<>(INPUT, keys[r.nextInt(KEYS)], v));
            }
            producer.flush();
        }
        System.err.printf(Locale.ROOT, "slow-I/O input written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return INPUT;
    }
}
