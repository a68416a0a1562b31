package dev.faust4j.kafka.reliability;

import dev.faust4j.App;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.KeyValue;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import dev.faust4j.kafka.reliability.Reliability.Out;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static dev.faust4j.kafka.reliability.Reliability.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability battery test j (shared/reference/reliability.md §3, promise P7, pain point 1): commits keep
 * advancing through offset gaps. Input with aborted transactions (transaction markers and, for read_committed,
 * skipped records), a compacted topic, and tombstones: in every case the app's committed offset reaches the end
 * offset of every partition (lag 0), checked with an AdminClient against {@code listOffsets(latest)}. Each
 * scenario adds a row to the {@link BatteryTable}.
 */
class OffsetGapsTest {

    private static final int PARTITIONS = 4;

    private final List<App> apps = new ArrayList<>();
    private Admin admin;
    private String appId;
    private String input;

    @BeforeEach
    void setUp() {
        admin = Reliability.admin();
        appId = Reliability.unique("gaps");
        input = appId + "-in";
    }

    @AfterEach
    void tearDown() {
        apps.forEach(App::stop);
        admin.close(Duration.ofSeconds(5));
    }

    /** Starts an app whose one agent records every (key, value) it is given. */
    private ConcurrentLinkedQueue<KeyValue<String, String>> startCollector(Map<String, String> clientProperties) {
        App.Builder builder = App.builder(appId)
                .broker(Reliability.kafka().brokerUrl())
                .commitInterval(Duration.ofMillis(200))
                .shutdownGracePeriod(Duration.ofSeconds(5))
                .decodeErrorPolicy(ErrorPolicy.skip());
        clientProperties.forEach(builder::clientProperty);
        App app = builder.build();
        apps.add(app);
        Topic<String, String> topic = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(input).partitions(PARTITIONS).build());
        ConcurrentLinkedQueue<KeyValue<String, String>> seen = new ConcurrentLinkedQueue<>();
        app.agent(topic, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                seen.add(kv);
            }
        }).name("collect");
        app.start();
        return seen;
    }

    /** Waits for lag 0; returns the partitions whose committed offset is not the end offset then (0). */
    private long awaitLagZero() {
        await("committed offsets of " + appId + " at the end offsets of " + input).atMost(PATIENCE)
                .until(() -> Reliability.lagZero(admin, appId, input, PARTITIONS));
        Map<TopicPartition, Long> end = uncheck(() -> Reliability.endOffsets(admin, input, PARTITIONS));
        Map<TopicPartition, Long> committed = uncheck(() -> Reliability.committed(admin, appId, input));
        System.out.printf("[reliability] %s: end offsets %s, committed %s%n", appId, end, committed);
        return end.entrySet().stream().filter(e -> !e.getValue().equals(committed.get(e.getKey()))).count();
    }

    /**
     * Adds the scenario's row: {@code expected} the values that must be processed, each once; a value seen that is
     * not expected (or a null) is extra.
     */
    private static void row(String scenario, Set<String> expected, Collection<KeyValue<String, String>> seen,
                            long commitViolations) {
        Set<String> seenValues = values(seen);
        long lost = expected.stream().filter(v -> !seenValues.contains(v)).count();
        long extra = seenValues.stream().filter(v -> v == null || !expected.contains(v)).count();
        BatteryTable.add(new BatteryTable.Row("j: offset gaps, " + scenario, expected.size(), lost,
                seen.size() - seenValues.size(), 0, extra, commitViolations, "-"));
    }

    private static Set<String> values(Iterable<KeyValue<String, String>> kvs) {
        Set<String> out = new HashSet<>();
        kvs.forEach(kv -> out.add(kv.value()));
        return out;
    }

    @ParameterizedTest(name = "isolation.level={0}")
    @ValueSource(strings = {"read_committed", "read_uncommitted"})
    void commitReachesTheEndThroughAbortedTransactions(String isolation) throws Exception {
        Reliability.createTopic(admin, input, PARTITIONS, Map.of());
        Set<String> committedValues = new HashSet<>();
        Set<String> abortedValues = new HashSet<>();
        try (KafkaProducer<String, String> producer = Reliability.producer(Map.of(
                "transactional.id", appId + "-tx", "enable.idempotence", "true"))) {
            producer.initTransactions();
            // 30 transactions of 40 records over the 4 partitions; every third aborted, the last one too, so
            // every partition ends with an abort marker after records a read_committed consumer never receives
            for (int tx = 0; tx < 30; tx++) {
                boolean abort = tx % 3 == 2 || tx == 29;
                producer.beginTransaction();
                for (int i = 0; i < 40; i++) {
                    String value = (abort ? "aborted-" : "committed-") + tx + "-" + i;
                    producer.send(new ProducerRecord<>(input, i % PARTITIONS, "k" + i, value));
                    (abort ? abortedValues : committedValues).add(value);
                }
                if (abort) {
                    producer.flush();
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
        ConcurrentLinkedQueue<KeyValue<String, String>> seen = startCollector(Map.of("isolation.level", isolation));

        long commitViolations = awaitLagZero();

        Set<String> expected = new HashSet<>(committedValues);
        if (isolation.equals("read_uncommitted")) {
            expected.addAll(abortedValues);
        }
        row("aborted transactions (" + isolation + ")", expected, List.copyOf(seen), commitViolations);

        Set<String> seenValues = values(seen);
        assertThat(seenValues).as("every committed record processed").containsAll(committedValues);
        if (isolation.equals("read_committed")) {
            assertThat(seen).as("each committed record once, no aborted one").hasSize(committedValues.size());
            assertThat(seenValues).as("only committed records").doesNotContainAnyElementsOf(abortedValues);
        } else {
            assertThat(seen).as("every record written, aborted ones included, once")
                    .hasSize(committedValues.size() + abortedValues.size());
        }
    }

    @Test
    void commitReachesTheEndOfACompactedTopic() throws Exception {
        Reliability.createTopic(admin, input, PARTITIONS, Map.of(
                "cleanup.policy", "compact",
                "segment.ms", "100",
                "min.cleanable.dirty.ratio", "0.01",
                "min.compaction.lag.ms", "0",
                "delete.retention.ms", "100"));
        speedUpLogCleaner();
        Map<String, String> latest = new HashMap<>();
        Set<String> written = ConcurrentHashMap.newKeySet();
        int[] round = {0};
        try (KafkaProducer<String, String> producer = Reliability.producer(Map.of())) {
            // rounds of 50 keys until the log cleaner has removed superseded records (the offsets show gaps),
            // or a bounded number of rounds: the commit must reach the end offset either way
            try {
                await("compaction (best effort)").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                        .until(() -> {
                            for (int k = 0; k < 50; k++) {
                                String value = "v" + round[0] + "-k" + k;
                                producer.send(new ProducerRecord<>(input, "k" + k, value));
                                latest.put("k" + k, value);
                                written.add(value);
                            }
                            producer.flush();
                            round[0]++;
                            return round[0] >= 3 && Reliability.readAll(input).size() < Reliability
                                    .total(Reliability.endOffsets(admin, input, PARTITIONS));
                        });
            } catch (ConditionTimeoutException notCompactedYet) {
                // the log cleaner did not run in time; the topic has no gaps from compaction, still a valid run
            }
        }
        List<Out> onDisk = Reliability.readAll(input);
        long end = Reliability.total(Reliability.endOffsets(admin, input, PARTITIONS));
        System.out.printf("[reliability] compacted topic: %d records in %d offsets (%d removed by compaction)%n",
                onDisk.size(), end, end - onDisk.size());

        ConcurrentLinkedQueue<KeyValue<String, String>> seen = startCollector(Map.of());
        long commitViolations = awaitLagZero();

        Map<String, String> lastSeen = new HashMap<>();
        seen.forEach(kv -> lastSeen.put(kv.key(), kv.value()));
        // records: the latest value of every key (superseded ones may be gone); lost: keys whose latest value was
        // not the last one processed; extra: values never written
        List<KeyValue<String, String>> seenNow = List.copyOf(seen);
        Set<String> seenValues = values(seenNow);
        BatteryTable.add(new BatteryTable.Row("j: offset gaps, compacted topic (" + (end - onDisk.size())
                + " offsets removed)", latest.size(),
                latest.entrySet().stream().filter(e -> !e.getValue().equals(lastSeen.get(e.getKey()))).count(),
                seenNow.size() - seenValues.size(), 0,
                seenValues.stream().filter(v -> v == null || !written.contains(v)).count(), commitViolations, "-"));
        assertThat(lastSeen).as("the latest value of every key processed").isEqualTo(latest);
        // the cleaner may still remove superseded records while the app reads, so no exact count; never twice
        assertThat(values(seen)).as("no record processed twice").hasSize(seen.size());
    }

    @Test
    void commitReachesTheEndPastSkippedTombstones() throws Exception {
        Reliability.createTopic(admin, input, PARTITIONS, Map.of());
        Set<String> values = new HashSet<>();
        int tombstones = 0;
        try (KafkaProducer<String, String> producer = Reliability.producer(Map.of())) {
            for (int i = 0; i < 1_000; i++) {
                int partition = i % PARTITIONS;
                // 20 % null values; the last record of every partition is a tombstone
                boolean tombstone = i % 5 == 0 || i >= 1_000 - PARTITIONS;
                String value = tombstone ? null : "v" + i;
                producer.send(new ProducerRecord<>(input, partition, "k" + i, value));
                if (tombstone) {
                    tombstones++;
                } else {
                    values.add(value);
                }
            }
            producer.flush();
        }
        ConcurrentLinkedQueue<KeyValue<String, String>> seen = startCollector(Map.of());

        long commitViolations = awaitLagZero();

        row("tombstones (" + tombstones + " null values skipped)", values, List.copyOf(seen), commitViolations);
        assertThat(tombstones).isGreaterThanOrEqualTo(200);
        assertThat(seen).as("every non-null value processed once; tombstones skipped").hasSize(values.size());
        assertThat(values(seen)).isEqualTo(values);
    }

    /**
     * Makes the shared broker's log cleaner look for work every 500 ms instead of every 15 s (a dynamic,
     * cluster-wide setting); harmless for the other tests, which use no compacted topics.
     */
    private void speedUpLogCleaner() {
        try {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""), List.of(
                    new AlterConfigOp(new ConfigEntry("log.cleaner.backoff.ms", "500"), AlterConfigOp.OpType.SET))))
                    .all().get();
        } catch (Exception e) {
            System.out.println("[reliability] could not speed up the log cleaner: " + e);
        }
    }

    private interface Call<T> {
        T call() throws Exception;
    }

    private static <T> T uncheck(Call<T> call) {
        try {
            return call.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
