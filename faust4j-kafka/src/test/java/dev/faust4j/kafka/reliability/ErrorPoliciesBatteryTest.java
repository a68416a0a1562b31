package dev.faust4j.kafka.reliability;

import dev.faust4j.codec.Codecs;
import dev.faust4j.kafka.reliability.Reliability.Out;
import dev.faust4j.kafka.reliability.Reliability.Position;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static dev.faust4j.kafka.reliability.Reliability.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability battery tests e (poison records: values that are not JSON for the input's record type) and k (an
 * agent that throws on chosen records) under each error policy, skip, dead-letter, retry then dead-letter, and
 * fail, with a {@link PolicyWorker} in its own JVM on the battery broker ({@link BrokerProcess}).
 *
 * <p>The input: {@value #GOOD} valid items keyed by their id, written in order with one producer, with poison
 * records at fixed positions from the {@value #FIRST_POISON}th item on (test e: a record of raw bytes of one of
 * five kinds after every {@value #POISON_EVERY}th item; test k: the items whose id ends with 13). Under skip and
 * dead-letter every good id must reach the output exactly once and nothing else, every poison record must be in
 * the dead-letter topic byte for byte with its origin headers (dead-letter) or nowhere (skip), and the group's
 * committed offsets must reach the end offsets. Under fail the worker must exit with 1 at the first poison record
 * it meets, leaving the commit of that partition exactly at that record, never past it, with every record below
 * the committed offsets in the output.
 *
 * <p>Thread-safety: a JUnit test class, not shared.
 */
class ErrorPoliciesBatteryTest {

    private static final int PARTITIONS = 4;
    private static final int GOOD = 3_000;
    private static final int POISON_EVERY = 200;
    private static final int FIRST_POISON = 1_000;
    /** Test k's poison: ids 1,000 to 2,999 that end with 13. */
    private static final String THROW_ON = "id-00[12]\\d13";
    private static final String ORIGIN_HEADER = "battery-origin";
    private static final Pattern DECODE_FAIL_AT = Pattern.compile("partition=(\\d+) offset=(\\d+)\\)");

    private final List<WorkerProcess> workers = new ArrayList<>();
    private Admin admin;
    private String appId;
    private String input;
    private String output;
    private String dlq;

    /** One record written to the input, with its origin header's value (never compared as a whole). */
    @SuppressWarnings("ArrayRecordComponent")
    private record Written(String key, byte[] value, String origin, Position at, boolean poison) {
    }

    /** One record being written. */
    @SuppressWarnings("ArrayRecordComponent")
    private record Pending(String key, byte[] value, String origin, boolean poison, Future<RecordMetadata> sent) {
    }

    @BeforeEach
    void setUp() throws Exception {
        admin = Reliability.admin();
        appId = Reliability.unique("policies");
        input = appId + "-in";
        output = appId + "-out";
        dlq = appId + "-dlq";
        Reliability.createTopic(admin, input, PARTITIONS, Map.of());
        Reliability.createTopic(admin, output, PARTITIONS, Map.of());
    }

    @AfterEach
    void tearDown() {
        workers.forEach(WorkerProcess::destroy);
        admin.close(Duration.ofSeconds(5));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
            "e, skip",
            "e, dead-letter",
            "e, retry",
            "e, fail",
            "k, skip",
            "k, dead-letter",
            "k, retry",
            "k, fail",
    })
    void everyGoodRecordOnceAndEveryPoisonRecordWhereThePolicySays(String test, String policyName) throws Exception {
        boolean decode = test.equals("e");
        String policy = switch (policyName) {
            case "skip" -> "skip";
            case "dead-letter" -> "dead-letter:" + dlq;
            case "retry" -> "retry:3:10ms:dead-letter:" + dlq;
            case "fail" -> "fail";
            default -> throw new IllegalArgumentException(policyName);
        };
        List<Written> written = writeInput(decode);
        List<Written> poison = written.stream().filter(Written::poison).toList();
        Map<String, Position> good = new LinkedHashMap<>();
        written.stream().filter(w -> !w.poison()).forEach(w -> good.put(w.key(), w.at()));
        assertThat(poison).hasSize(decode ? (GOOD - FIRST_POISON) / POISON_EVERY : (GOOD - FIRST_POISON) / 100);
        assertThat(good).hasSize(decode ? GOOD : GOOD - poison.size());

        // test e: the decode policy is under test and the agent never throws (fail, should it ever);
        // test k: the agent's policy is under test and every record decodes (fail, should one ever not)
        WorkerProcess w = start("w1", decode ? policy : "fail", decode ? "fail" : policy,
                decode ? "-" : THROW_ON);
        String prefix = (decode ? "e: poison records, " : "k: agent throws on chosen records, ");
        if (policyName.equals("fail")) {
            failStopsAtTheRecord(prefix + "fail: stops at the record (counts only the records before it)", w, good,
                    poison, decode);
            return;
        }

        w.awaitReady();
        await("committed offsets at the end offsets (lag 0)").atMost(PATIENCE)
                .until(() -> Reliability.lagZero(admin, appId, input, PARTITIONS));
        List<Out> out = awaitOutput(good.size());
        boolean deadLetters = !policyName.equals("skip");
        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters ? readBytes(dlq) : List.of();
        int exit = w.terminate();

        Set<String> seen = out.stream().map(Out::value).collect(Collectors.toSet());
        long lostGood = good.keySet().stream().filter(id -> !seen.contains(id)).count();
        int duplicated = out.size() - seen.size();
        long extraOut = out.stream().filter(r -> !good.containsKey(r.value()) || !r.value().equals(r.key())).count();
        String expectedAttempts = !decode && policyName.equals("retry") ? "3" : "1";
        Map<Position, Written> poisonAt = poison.stream().collect(Collectors.toMap(Written::at, p -> p));
        List<String> badCopies = new ArrayList<>();
        Set<Position> copied = new TreeSet<>(java.util.Comparator.comparingInt(Position::partition)
                .thenComparingLong(Position::offset));
        for (ConsumerRecord<byte[], byte[]> r : dead) {
            String problem = deadLetterProblem(r, poisonAt, expectedAttempts);
            if (problem != null) {
                badCopies.add(problem);
            } else if (!copied.add(origin(r))) {
                badCopies.add("second copy of " + origin(r));
            }
        }
        long lostPoison = deadLetters ? poison.size() - copied.size() : 0;
        BatteryTable.add(new BatteryTable.Row(prefix + policyName, written.size(), lostGood + lostPoison,
                duplicated, 0, extraOut + badCopies.size(), 0, null, WorkerProcess.peakHeapMb(workers),
                "w1: " + exit));

        assertThat(exit).as("exit status after SIGTERM; log:\n" + w.output()).isZero();
        assertHygiene(w);
        assertThat(out.stream().filter(r -> !good.containsKey(r.value()) || !r.value().equals(r.key()))
                .map(r -> r.key() + "=" + r.value()).toList()).as("outputs that are not good inputs").isEmpty();
        assertThat(out).as("every good id once").hasSize(good.size());
        assertThat(seen).as("every good id").isEqualTo(good.keySet());
        assertThat(badCopies).as("dead-letter records that are not exact copies of a poison record").isEmpty();
        if (deadLetters) {
            assertThat(copied).as("the origins of the dead-letter copies")
                    .containsExactlyInAnyOrderElementsOf(poisonAt.keySet());
        } else {
            String skipped = decode ? "Skipping a record that cannot be decoded" : "; skipped (acked)";
            // one line per skipped record, at most ten a minute (the log budget: a topic of bad records is no flood)
            assertThat(w.output().lines().filter(l -> l.contains(skipped)).count())
                    .as("poison records the worker says it skipped").isEqualTo(Math.min(poison.size(), 10));
            assertThat(admin.listTopics().names().get()).as("topics").doesNotContain(dlq);
        }
    }

    /**
     * reliability.md S3 and S9 after poison records: the worker's flight recording saw no Java deserialization, and
     * no log line is longer than 2 KB (payloads are never logged, error messages are bounded).
     */
    private static void assertHygiene(WorkerProcess w) {
        assertThat(w.deserializations()).as("Java deserializations in " + w.name + "'s flight recording (S3)")
                .isZero();
        assertThat(w.longestLogLine()).as("the longest line of " + w.name + "'s log (S9)").isLessThanOrEqualTo(2048);
    }

    /**
     * The fail policy: the worker exits with 1 at the first poison record it meets, the committed offset of that
     * partition is exactly the record's offset and no partition's commit passed its first poison record; every
     * good record below the committed offsets has its output.
     */
    private void failStopsAtTheRecord(String rowName, WorkerProcess w, Map<String, Position> good, List<Written> poison,
                                      boolean decode)
            throws Exception {
        int exit = w.awaitExit();
        String log = w.output();
        Map<TopicPartition, Long> committed = Reliability.committed(admin, appId, input);
        List<Out> out = Reliability.readAll(output);

        Position stoppedAt = stoppedAt(log, decode);
        Map<Integer, Long> firstPoison = new TreeMap<>();
        poison.forEach(p -> firstPoison.merge(p.at().partition(), p.at().offset(), Math::min));
        long committedAtStop = committed.getOrDefault(new TopicPartition(input, stoppedAt.partition()), 0L);
        long pastPoison = firstPoison.entrySet().stream().filter(e -> committed.getOrDefault(
                new TopicPartition(input, e.getKey()), 0L) > e.getValue()).count();
        long violations = pastPoison + (committedAtStop == stoppedAt.offset() ? 0 : 1);

        List<String> before = good.entrySet().stream().filter(e -> e.getValue().offset() < committed.getOrDefault(
                new TopicPartition(input, e.getValue().partition()), 0L)).map(Map.Entry::getKey).toList();
        Set<String> seen = out.stream().map(Out::value).collect(Collectors.toSet());
        List<String> lost = before.stream().filter(id -> !seen.contains(id)).toList();
        int duplicated = out.size() - seen.size();
        long extra = out.stream().filter(r -> !good.containsKey(r.value()) || !r.value().equals(r.key())).count();
        System.out.printf("[reliability] %s: stopped at %s, first poison per partition %s, committed %s,"
                + " outputs %d%n", rowName, stoppedAt, firstPoison, committed, out.size());
        BatteryTable.add(new BatteryTable.Row(rowName, before.size(), lost.size(), duplicated, 0, extra, violations,
                null, WorkerProcess.peakHeapMb(workers), "w1: " + exit));

        assertThat(exit).as("exit status under the fail policy; log:\n" + log).isEqualTo(1);
        assertHygiene(w);
        assertThat(stoppedAt.offset()).as("the worker stopped at the first poison record of partition "
                + stoppedAt.partition()).isEqualTo(firstPoison.get(stoppedAt.partition()));
        assertThat(committedAtStop).as("committed offset of the partition it stopped on (committed " + committed
                + ")").isEqualTo(stoppedAt.offset());
        assertThat(pastPoison).as("partitions committed past their first poison record (committed " + committed
                + ", first poison " + firstPoison + ")").isZero();
        assertThat(before).as("good records before the poison record").isNotEmpty();
        assertThat(lost).as("good records below the committed offsets without output").isEmpty();
        assertThat(extra).as("outputs that are not good inputs").isZero();
        assertThat(duplicated).as("duplicated outputs").isZero();
        assertThat(admin.listTopics().names().get()).as("topics").doesNotContain(dlq);
    }

    /** Where the worker says it stopped: its one error line under the fail policy. */
    private Position stoppedAt(String log, boolean decode) {
        String line = log.lines().filter(l -> decode
                ? l.contains("Stopping the worker: a record cannot be decoded and the policy is fail")
                : l.contains("and its policy is fail: stopping the worker"))
                .findFirst().orElseThrow(() -> new AssertionError("no fail line in the worker's log:\n" + log));
        Matcher m = decode ? DECODE_FAIL_AT.matcher(line)
                : Pattern.compile(Pattern.quote(input) + "-(\\d+)@(\\d+)").matcher(line);
        assertThat(m.find()).as("position in " + line).isTrue();
        return new Position(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)));
    }

    private WorkerProcess start(String name, String decodePolicy, String agentPolicy, String throwOn) {
        WorkerProcess w = WorkerProcess.start(PolicyWorker.class, appId, name, List.of(appId,
                Reliability.kafka().brokerUrl(), input, output, name, decodePolicy, agentPolicy, throwOn));
        workers.add(w);
        return w;
    }

    /**
     * Writes the input, in order with one producer: the good items {@code id(0..GOOD)} keyed by id (JSON), and
     * for test e a poison record (raw bytes that are no {@code Item}) after every {@value #POISON_EVERY}th of them
     * from the {@value #FIRST_POISON}th on, for test k nothing more (the items matching {@link #THROW_ON} are its
     * poison). Every record
     * carries an origin header, so dead-letter copies can be checked for the original headers.
     */
    private List<Written> writeInput(boolean decode) throws Exception {
        List<Pending> pending = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = bytesProducer()) {
            int poisonCount = 0;
            for (int i = 0; i < GOOD; i++) {
                String id = Reliability.id(i);
                byte[] value = Codecs.json(PolicyWorker.Item.class).encode(new PolicyWorker.Item(id));
                pending.add(send(producer, id, value, !decode && id.matches(THROW_ON), i));
                if (decode && i >= FIRST_POISON && i % POISON_EVERY == POISON_EVERY / 2) {
                    String key = String.format("poison-%04d", poisonCount);
                    pending.add(send(producer, key, poisonBytes(poisonCount), true, i));
                    poisonCount++;
                }
            }
            producer.flush();
            List<Written> out = new ArrayList<>();
            for (Pending p : pending) {
                RecordMetadata md = p.sent().get();
                out.add(new Written(p.key(), p.value(), p.origin(), new Position(md.partition(), md.offset()),
                        p.poison()));
            }
            return out;
        }
    }

    private Pending send(KafkaProducer<byte[], byte[]> producer, String key, byte[] value, boolean poison, int seq) {
        String origin = (poison ? "poison-" : "good-") + seq;
        RecordHeaders headers = new RecordHeaders();
        headers.add(ORIGIN_HEADER, origin.getBytes(StandardCharsets.UTF_8));
        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(input, null, key.getBytes(
                StandardCharsets.UTF_8), value, headers));
        return new Pending(key, value, origin, poison, sent);
    }

    /** Five kinds of bytes that are not an {@code Item} in JSON, in turn. */
    private static byte[] poisonBytes(int n) {
        String text = switch (n % 5) {
            case 0 -> "{\"id\":\"poison-" + n; // cut short
            case 1 -> "not json at all " + n;
            case 2 -> "{\"id\":{\"nested\":" + n + "}}"; // an object where a string belongs
            case 3 -> ""; // empty, but not a tombstone
            default -> "null"; // the JSON document null
        };
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (n % 10 == 1) {
            // and a byte that is not UTF-8 at all
            byte[] withBadByte = java.util.Arrays.copyOf(bytes, bytes.length + 1);
            withBadByte[bytes.length] = (byte) 0xC3;
            return withBadByte;
        }
        return bytes;
    }

    private static KafkaProducer<byte[], byte[]> bytesProducer() {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", Reliability.kafka().bootstrapServers());
        config.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        config.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
        config.put("acks", "all");
        config.put("linger.ms", "5");
        config.put("max.in.flight.requests.per.connection", "1"); // positions in the order written
        return new KafkaProducer<>(config);
    }

    /** Waits until the output has at least {@code n} records; returns the output as read then. */
    private List<Out> awaitOutput(int n) {
        await("at least " + n + " outputs").atMost(PATIENCE).pollInterval(Duration.ofMillis(250))
                .until(() -> Reliability.total(Reliability.endOffsets(admin, output, PARTITIONS)) >= n);
        return Reliability.readAll(output);
    }

    /** Every record of the topic, bytes and headers as stored. */
    private static List<ConsumerRecord<byte[], byte[]>> readBytes(String topic) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", Reliability.kafka().bootstrapServers());
        config.put("key.deserializer", ByteArrayDeserializer.class.getName());
        config.put("value.deserializer", ByteArrayDeserializer.class.getName());
        config.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                assertThat(System.nanoTime() - deadline).as("reading " + topic + " up to " + end).isNegative();
                consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            }
            return out;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
        org.apache.kafka.common.header.Header h = r.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private Position origin(ConsumerRecord<byte[], byte[]> r) {
        return new Position(Integer.parseInt(header(r, "faust4j.dlq.partition")),
                Long.parseLong(header(r, "faust4j.dlq.offset")));
    }

    /**
     * What is wrong with a dead-letter record ({@code null}: nothing): it must name its origin in the input, be a
     * byte-for-byte copy of the poison record there (key, value, the original header) and carry the error's class
     * and the attempts.
     */
    private String deadLetterProblem(ConsumerRecord<byte[], byte[]> r, Map<Position, Written> poisonAt,
                                     String expectedAttempts) {
        if (!input.equals(header(r, "faust4j.dlq.topic")) || header(r, "faust4j.dlq.partition") == null
                || header(r, "faust4j.dlq.offset") == null) {
            return "no origin headers at " + r.partition() + "@" + r.offset();
        }
        Position at = origin(r);
        Written p = poisonAt.get(at);
        if (p == null) {
            return "a copy of a record that is not poison: " + at;
        }
        if (!java.util.Arrays.equals(r.key(), p.key().getBytes(StandardCharsets.UTF_8))
                || !java.util.Arrays.equals(r.value(), p.value())) {
            return "key or value differs from the original at " + at;
        }
        long originHeaders = java.util.Arrays.stream(r.headers().toArray())
                .filter(h -> h.key().equals(ORIGIN_HEADER)).count();
        if (originHeaders != 1 || !p.origin().equals(header(r, ORIGIN_HEADER))) {
            return "the original header is missing, changed or repeated at " + at;
        }
        if (header(r, "faust4j.dlq.error.class") == null || header(r, "faust4j.dlq.error.message") == null) {
            return "no error headers at " + at;
        }
        if (!expectedAttempts.equals(header(r, "faust4j.dlq.attempts"))) {
            return "attempts " + header(r, "faust4j.dlq.attempts") + " instead of " + expectedAttempts + " at " + at;
        }
        return null;
    }
}
