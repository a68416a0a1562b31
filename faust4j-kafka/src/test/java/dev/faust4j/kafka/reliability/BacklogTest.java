package dev.faust4j.kafka.reliability;

import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.kafka.reliability.Reliability.Out;
import dev.faust4j.kafka.reliability.Reliability.Position;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.faust4j.kafka.reliability.Reliability.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability battery test f (shared/reference/reliability.md §3, P5): a slow agent under a backlog larger than its
 * worker's heap. 40,000 records of 4 KiB (160 MiB) wait in the input before a worker with a 64 MiB heap starts; its
 * agent parks 300 µs per record, so the backlog takes longer than the consumer's {@code max.poll.interval.ms}
 * (10 s here). The worker must stay within its heap (flow control bounds the buffers, not the backlog), keep its
 * partitions (never evicted: one assignment, no revocation, no duplicate) and process every record. Full battery
 * only ({@code faust4j.reliability.full}).
 */
@EnabledIfSystemProperty(named = "faust4j.reliability.full", matches = "true")
class BacklogTest {

    private static final int PARTITIONS = 4;
    private static final int RECORDS = 40_000;
    private static final int VALUE_BYTES = 4_096;
    private static final int HEAP_MB = 64;

    private Admin admin;
    private String appId;
    private String input;
    private String output;
    private WorkerProcess worker;

    @BeforeEach
    void setUp() throws Exception {
        admin = Reliability.admin();
        Reliability.Pipeline p = Reliability.pipeline(admin, "backlog", PARTITIONS);
        appId = p.appId();
        input = p.input();
        output = p.output();
    }

    @AfterEach
    void tearDown() {
        if (worker != null) {
            worker.destroy();
        }
        admin.close(Duration.ofSeconds(5));
    }

    @Test
    void aSlowAgentWorksThroughABacklogLargerThanItsHeapWithoutEvictionOrLoss() throws Exception {
        Map<String, Position> ids = Reliability.produceIds(input, 0, RECORDS, VALUE_BYTES);
        worker = WorkerProcess.start(appId, input, output, "w1", 300, ProcessingGuarantee.AT_LEAST_ONCE, null,
                List.of("-Xmx" + HEAP_MB + "m", "consumer.max.poll.interval.ms=10000"));
        worker.awaitReady();
        await("lag 0").atMost(PATIENCE.multipliedBy(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(worker.process.isAlive()).as("the worker is alive; log:\n" + worker.output()).isTrue();
            return Reliability.lagZero(admin, appId, input, PARTITIONS);
        });
        String log = worker.output(); // before the stop, which revokes the partitions
        int exit = worker.terminate();

        List<Out> out = Reliability.readAll(output);
        Map<String, Long> counts = out.stream().collect(Collectors.groupingBy(r -> idOf(r.value()),
                Collectors.counting()));
        Set<String> lost = ids.keySet().stream().filter(id -> !counts.containsKey(id))
                .collect(Collectors.toCollection(TreeSet::new));
        long duplicated = counts.values().stream().mapToLong(c -> c - 1).sum();
        long extra = out.stream().filter(r -> !ids.containsKey(idOf(r.value())) || !idOf(r.value()).equals(r.key()))
                .count();
        long assignments = log.lines().filter(l -> l.contains("Rebalancer") && l.contains(" assigned ")).count();
        long revocations = log.lines().filter(l -> l.contains("Rebalancer")
                && (l.contains(" revoking ") || l.contains(" lost "))).count();
        long peakHeap = worker.peakHeapMb();
        System.out.printf("[reliability] f: backlog %d MiB, heap %d MiB, peak heap %d MiB, assignments %d,"
                + " revocations %d%n", (long) RECORDS * VALUE_BYTES >> 20, HEAP_MB, peakHeap, assignments, revocations);
        BatteryTable.add(new BatteryTable.Row("f: slow agent, " + ((long) RECORDS * VALUE_BYTES >> 20)
                + " MiB backlog, " + HEAP_MB + " MiB heap", RECORDS, lost.size(), duplicated, 0, extra,
                revocations, null, peakHeap, "w1: " + exit));

        assertThat(lost).as("inputs with no output").isEmpty();
        assertThat(duplicated).as("duplicates (a member evicted for a slow agent would process records again)")
                .isZero();
        assertThat(extra).isZero();
        assertThat(assignments).as("assignments in the worker's log (an eviction means a second one)").isEqualTo(1);
        assertThat(revocations).as("revocations or lost partitions in the worker's log").isZero();
        assertThat(peakHeap).as("peak heap in use (MiB)").isLessThanOrEqualTo(HEAP_MB);
        assertThat(exit).as("exit code after SIGTERM").isZero();
    }

    private static String idOf(String value) {
        int colon = value.indexOf(':');
        return colon < 0 ? value : value.substring(0, colon);
    }
}
