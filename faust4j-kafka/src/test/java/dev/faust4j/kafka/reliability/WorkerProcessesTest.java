package dev.faust4j.kafka.reliability;

import dev.faust4j.kafka.reliability.Reliability.Out;
import dev.faust4j.kafka.reliability.Reliability.Position;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static dev.faust4j.kafka.reliability.Reliability.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability battery tests a, c and g (shared/reference/reliability.md §3) with workers in separate JVMs on
 * the battery broker ({@link BrokerProcess}, its own JVM): several workers of one app share the partitions; workers SIGKILLed three times at seeded
 * points ({@code -Dfaust4j.reliability.seed=<seed>} replays) lose nothing and duplicate only inputs of their
 * uncommitted windows (P1, P2); a SIGTERMed worker leaves with no duplicate (P3).
 *
 * <p>Each worker is a {@link PipelineWorker} copying ids from a 4-partition input topic to an output topic.
 * The verifier reads the output back with a plain Kafka consumer and compares it to the input as written.
 */
class WorkerProcessesTest {

    private static final int PARTITIONS = 4;
    /** Test a: three kills, each in its own phase of the input, then a last phase after the third restart. */
    private static final int KILLS = 3;
    private static final int KILL_PHASE = 5_000;
    /** Test a: per-record work, so that a phase takes two workers about a second and a kill comes mid-stream. */
    private static final long KILL_DELAY_MICROS = 200;

    private final List<WorkerProcess> workers = new ArrayList<>();
    private Admin admin;
    private String appId;
    private String input;
    private String output;

    @BeforeEach
    void setUp() throws Exception {
        admin = Reliability.admin();
        Reliability.Pipeline p = Reliability.pipeline(admin, "pipeline", PARTITIONS);
        appId = p.appId();
        input = p.input();
        output = p.output();
    }

    @AfterEach
    void tearDown() {
        workers.forEach(WorkerProcess::destroy);
        admin.close(Duration.ofSeconds(5));
    }

    private WorkerProcess start(String name, long delayMicros) {
        return start(name, delayMicros, List.of());
    }

    private WorkerProcess start(String name, long delayMicros, List<String> options) {
        WorkerProcess w = WorkerProcess.start(appId, input, output, name, delayMicros,
                dev.faust4j.ProcessingGuarantee.AT_LEAST_ONCE, null, options);
        workers.add(w);
        return w;
    }

    /** Waits until the group has exactly {@code n} members and every one of them owns a partition. */
    private void awaitMembers(int n) {
        await("group of " + n + " members, each with partitions").atMost(PATIENCE).until(() -> {
            Map<String, Integer> members = Reliability.members(admin, appId);
            return members.size() == n && members.values().stream().allMatch(c -> c > 0)
                    && members.values().stream().mapToInt(Integer::intValue).sum() == PARTITIONS;
        });
    }

    private long outputCount() throws Exception {
        return Reliability.total(Reliability.endOffsets(admin, output, PARTITIONS));
    }

    /** Waits until every input id appears in the output; returns the output as read then. */
    private List<Out> awaitAllIds(Set<String> ids) {
        List<List<Out>> last = new ArrayList<>(List.of(List.of()));
        await("every input id in the output").atMost(PATIENCE).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (outputCount() < ids.size()) {
                return false;
            }
            List<Out> out = Reliability.readAll(output);
            last.set(0, out);
            return out.stream().map(Out::value).collect(Collectors.toSet()).containsAll(ids);
        });
        return last.get(0);
    }

    private static Map<String, Integer> duplicates(List<Out> out) {
        Map<String, Integer> dups = new TreeMap<>();
        Reliability.counts(out).forEach((id, n) -> {
            if (n > 1) {
                dups.put(id, n);
            }
        });
        return dups;
    }

    private static Set<String> extra(List<Out> out, Set<String> ids) {
        Set<String> extra = new TreeSet<>();
        for (Out r : out) {
            if (!ids.contains(r.value()) || !r.value().equals(r.key())) {
                extra.add(r.key() + "=" + r.value());
            }
        }
        return extra;
    }

    /** Prints the battery's figures for the run (shared/reference/reliability.md §3). */
    private void figures(String test, int produced, List<Out> out, long duplicatesAllowed, long commitViolations,
                         @Nullable Duration recovery, long peakHeapMb, String exitCodes, String more) {
        Set<String> seen = out.stream().map(Out::value).collect(Collectors.toSet());
        long lost = produced - seen.size();
        int duplicated = duplicates(out).values().stream().mapToInt(n -> n - 1).sum();
        Map<String, Long> perWorker = out.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.worker()),
                TreeMap::new, Collectors.counting()));
        System.out.printf("[reliability] %s: produced=%d outputs=%d lost=%d duplicated=%d duplicatesAllowed=%d"
                + " perWorker=%s %s%n", test, produced, out.size(), lost, duplicated, duplicatesAllowed, perWorker,
                more);
        long extra = out.stream().filter(r -> !r.value().equals(r.key())).count();
        BatteryTable.add(new BatteryTable.Row(test, produced, lost, duplicated, duplicatesAllowed, extra,
                commitViolations, recovery, peakHeapMb, exitCodes));
    }

    private void awaitLagZero() {
        await("committed offsets at the end offsets (lag 0)").atMost(PATIENCE)
                .until(() -> Reliability.lagZero(admin, appId, input, PARTITIONS));
    }

    @Test
    void twoThenThreeWorkersSplitThePartitionsAndProcessEveryId() throws Exception {
        start("w1", 50).awaitReady();
        start("w2", 50).awaitReady();
        awaitMembers(2);

        Map<String, Position> phase1 = Reliability.produceIds(input, 0, 10_000);
        // a third worker joins mid-stream: a member join is an ordinary rebalance (P3: no duplicates)
        await().atMost(PATIENCE).until(() -> outputCount() >= 2_000);
        start("w3", 50).awaitReady();
        awaitMembers(3);
        Map<String, Position> phase2 = Reliability.produceIds(input, 10_000, 20_000);

        Map<String, Position> all = new HashMap<>(phase1);
        all.putAll(phase2);
        List<Out> out = awaitAllIds(all.keySet());
        awaitLagZero();
        out = Reliability.readAll(output);

        figures("c: two then three workers", all.size(), out, 0, 0, null, WorkerProcess.peakHeapMb(workers), "-", "");
        assertThat(extra(out, all.keySet())).as("outputs that were never inputs").isEmpty();
        assertThat(duplicates(out)).as("duplicates after member joins").isEmpty();
        assertThat(out).hasSize(20_000);
        Set<String> phase1Workers = out.stream().filter(r -> phase1.containsKey(r.value())).map(Out::worker)
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> phase2Workers = out.stream().filter(r -> phase2.containsKey(r.value())).map(Out::worker)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(phase1Workers).as("workers that processed the first 10,000 ids").contains("w1", "w2");
        assertThat(phase2Workers).as("workers that processed the last 10,000 ids (all three in the group)")
                .containsExactly("w1", "w2", "w3");
        // each input partition's phase-2 records were processed by the member that owned it: never by two at once
        Map<Integer, Set<String>> byPartition = new TreeMap<>();
        for (Out r : out) {
            if (phase2.containsKey(r.value())) {
                byPartition.computeIfAbsent(phase2.get(r.value()).partition(), p -> new TreeSet<>()).add(r.worker());
            }
        }
        assertThat(byPartition).as("phase-2 workers per input partition").hasSize(PARTITIONS)
                .allSatisfy((p, ws) -> assertThat(ws).hasSize(1));
    }

    @Test
    void workersKilledThreeTimesWithSigkillLoseNothingAndDuplicateOnlyTheirUncommittedWindows() throws Exception {
        killThreeTimes("a: kill -9 x3 under at-least-once", KILL_DELAY_MICROS, List.of());
    }

    /**
     * Battery test h: eight agent instances per worker take records of the same partitions and finish them out of
     * order (each record parks 0 to 4 ms, fixed per id), so acks arrive out of order; the commit must
     * never pass an unfinished record, through three kills. Full battery only ({@code faust4j.reliability.full}).
     */
    @Test
    @EnabledIfSystemProperty(named = "faust4j.reliability.full", matches = "true")
    void outOfOrderAcksOfConcurrentInstancesThroughThreeKillsLoseNothing() throws Exception {
        killThreeTimes("h: out-of-order acks (concurrency 8), kill -9 x3", 1_000,
                List.of("--concurrency=8", "--jitter"));
    }

    private void killThreeTimes(String testName, long delayMicros, List<String> options) throws Exception {
        long seed = Long.getLong("faust4j.reliability.seed", 20_261_202L);
        System.out.println("[reliability] " + testName + ": seed " + seed
                + " (replay with -Dfaust4j.reliability.seed=" + seed + ")");
        Random random = new Random(seed);
        Map<String, WorkerProcess> live = new LinkedHashMap<>();
        Map<String, Integer> instances = new TreeMap<>();
        for (String id : List.of("w1", "w2")) {
            live.put(id, start(id + ".0", delayMicros, options));
            instances.put(id, 0);
        }
        live.values().forEach(WorkerProcess::awaitReady);
        awaitMembers(2);

        Map<String, Position> ids = new LinkedHashMap<>();
        // per kill, per input partition: the offsets at or above the committed one and below the end, which the
        // killed worker may have processed without its commit: the only inputs allowed to come out twice (P2)
        List<Map<TopicPartition, long[]>> windows = new ArrayList<>();
        List<String> commitViolations = new ArrayList<>();
        Map<String, Integer> exitCodes = new TreeMap<>();
        Duration recovery = Duration.ZERO;
        for (int kill = 0; kill < KILLS; kill++) {
            ids.putAll(Reliability.produceIds(input, kill * KILL_PHASE, (kill + 1) * KILL_PHASE));
            long atLeast = (long) kill * KILL_PHASE + 500 + random.nextInt(1_000);
            await("the group committed " + atLeast + " inputs").atMost(PATIENCE).pollInterval(Duration.ofMillis(100))
                    .until(() -> Reliability.total(Reliability.committed(admin, appId, input)) >= atLeast);
            String victim = random.nextBoolean() ? "w1" : "w2";
            WorkerProcess w = live.get(victim);
            w.kill();
            long killedAt = System.nanoTime();
            exitCodes.put(w.name, w.process.exitValue());
            Map<TopicPartition, Long> committedAtKill = Reliability.committed(admin, appId, input);
            Map<TopicPartition, Long> endAtKill = Reliability.endOffsets(admin, input, PARTITIONS);
            Map<TopicPartition, long[]> window = new HashMap<>();
            endAtKill.forEach((tp, end) -> window.put(tp, new long[] {committedAtKill.getOrDefault(tp, 0L), end}));
            windows.add(window);

            // P1: every input below the committed offset already has its output (durable before the commit)
            Set<String> seenAtKill = Reliability.readAll(output).stream().map(Out::value).collect(Collectors.toSet());
            ids.entrySet().stream()
                    .filter(e -> e.getValue().offset() < committedAtKill.getOrDefault(
                            new TopicPartition(input, e.getValue().partition()), 0L))
                    .map(Map.Entry::getKey).filter(id -> !seenAtKill.contains(id)).sorted()
                    .forEach(commitViolations::add);

            int n = instances.merge(victim, 1, Integer::sum);
            live.put(victim, start(victim + "." + n, delayMicros, options).awaitReady());
            Duration r = Reliability.awaitRecovery(admin, appId, input, committedAtKill, endAtKill, killedAt);
            recovery = r.compareTo(recovery) > 0 ? r : recovery;
            awaitMembers(2);
        }
        ids.putAll(Reliability.produceIds(input, KILLS * KILL_PHASE, (KILLS + 1) * KILL_PHASE));
        List<Out> out = awaitAllIds(ids.keySet());
        awaitLagZero();
        live.values().forEach(WorkerProcess::sigterm);
        for (WorkerProcess w : live.values()) {
            exitCodes.put(w.name, w.awaitExit());
        }
        out = Reliability.readAll(output);

        Map<String, Integer> dups = duplicates(out);
        long allowed = ids.values().stream().filter(p -> inAnyWindow(windows, p)).count();
        figures(testName + " (seed " + seed + ")", ids.size(), out, allowed,
                commitViolations.size(), recovery, WorkerProcess.peakHeapMb(workers), exitCodes.toString(),
                "windows " + windows.size());
        assertThat(commitViolations).as("inputs below the committed offset at a kill with no output then").isEmpty();
        assertThat(extra(out, ids.keySet())).as("outputs that were never inputs").isEmpty();
        List<String> dupsOutsideWindows = dups.keySet().stream().filter(id -> !inAnyWindow(windows, ids.get(id)))
                .toList();
        assertThat(dupsOutsideWindows).as("duplicates outside every kill's uncommitted window (seed " + seed + ")")
                .isEmpty();
        assertThat(Set.copyOf(out.stream().map(Out::value).toList())).hasSize(ids.size());
        live.values().forEach(w -> assertThat(exitCodes.get(w.name)).as("exit code of " + w.name + " after SIGTERM")
                .isZero());
    }

    private boolean inAnyWindow(List<Map<TopicPartition, long[]>> windows, Position p) {
        TopicPartition tp = new TopicPartition(input, p.partition());
        return windows.stream().anyMatch(w -> {
            long[] range = w.get(tp);
            return range != null && p.offset() >= range[0] && p.offset() < range[1];
        });
    }

    @Test
    void workerLeavingWithSigtermCausesNoLossNoDuplicateAndExitsCleanly() throws Exception {
        start("w1", 200).awaitReady();
        WorkerProcess w2 = start("w2", 200).awaitReady();
        awaitMembers(2);
        Map<String, Position> ids = Reliability.produceIds(input, 0, 20_000);

        await().atMost(PATIENCE).until(() -> outputCount() >= 4_000);
        int exit = w2.terminate();
        long outAtStop = outputCount();

        List<Out> out = awaitAllIds(ids.keySet());
        awaitLagZero();
        out = Reliability.readAll(output);

        figures("g: SIGTERM mid-stream", ids.size(), out, 0, 0, null, WorkerProcess.peakHeapMb(workers), "w2: " + exit,
                "outputs at SIGTERM " + outAtStop);
        assertThat(outAtStop).as("the SIGTERM came mid-stream").isLessThan(ids.size());
        // the worker stopped cleanly (its own exit code 0) within the grace period; the JVM's exit status is
        // checked by sigtermedWorkerProcessExitsWithStatusZero
        assertThat(w2.output()).as("w2's log").contains("stopped (exit code 0)");
        assertThat(exit).as("exit status of the SIGTERMed worker").isZero();
        assertThat(extra(out, ids.keySet())).as("outputs that were never inputs").isEmpty();
        assertThat(duplicates(out)).as("duplicates after a graceful leave").isEmpty();
        assertThat(out).hasSize(ids.size());
        assertThat(out.stream().map(Out::worker).collect(Collectors.toSet())).containsExactlyInAnyOrder("w1", "w2");
    }

    @Test
    void aSecondSigtermWhileStoppingExitsAtOnceWithoutCommittingTheHeldRecord() throws Exception {
        // the agent holds each record for 60 s, longer than the worker's 10 s grace period
        WorkerProcess w = start("w1", 60_000_000).awaitReady();
        awaitMembers(1);
        Map<String, Position> ids = Reliability.produceIds(input, 0, 1);
        await().atMost(PATIENCE).until(() -> w.output().contains("HOLDING "));
        w.sigterm();
        await().atMost(PATIENCE).until(() -> w.output().contains("stopping"));
        w.sigterm();
        int exit = w.awaitExit();
        assertThat(exit).as("exit status after a second SIGTERM; log:\n" + w.output()).isEqualTo(130);
        assertThat(w.output()).contains("second stop signal").doesNotContain("stopped (exit code");
        Position held = ids.values().iterator().next();
        assertThat(Reliability.committed(admin, appId, input).getOrDefault(new TopicPartition(input, held.partition()),
                0L))
                .as("the held record stays uncommitted").isLessThanOrEqualTo(held.offset());
    }

    @Test
    void sigtermedWorkerProcessExitsWithStatusZero() throws Exception {
        WorkerProcess w = start("w1", 0).awaitReady();
        awaitMembers(1);
        int exit = w.terminate();
        assertThat(w.output()).contains("stopped (exit code 0)");
        assertThat(exit).as("exit status after a clean stop on SIGTERM; log:\n" + w.output()).isZero();
    }
}
