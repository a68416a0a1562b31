package dev.faust4j.kafka.reliability;

import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.kafka.reliability.Reliability.Out;
import dev.faust4j.kafka.reliability.Reliability.Position;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.faust4j.kafka.reliability.Reliability.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability battery test b (shared/reference/reliability.md §3, P4) with workers in separate JVMs on the
 * the battery broker ({@link BrokerProcess}, its own JVM): two exactly-once workers copy 20,000 ids; one of them is killed with SIGKILL three times at
 * seeded random points and restarted with the same worker id each time (its transactional id fences its
 * predecessor's open transaction), then one is frozen with SIGSTOP past its session timeout, replaced by a new
 * instance with the same worker id, and resumed once the replacement made progress: that zombie is fenced, so none
 * of its writes after the freeze is ever visible. A {@code read_committed} reader must then see every input id
 * exactly once.
 *
 * <p>The seed is printed; {@code -Dfaust4j.reliability.seed=<seed>} replays a run.
 */
class ExactlyOnceKillTest {

    private static final int PARTITIONS = 4;
    private static final int RECORDS = 20_000;
    /**
     * The input arrives in phases of this many ids, one per disruption and one for the replacement; each disruption
     * comes 500 to 1,500 records into its phase, while both workers still have records of it to process.
     */
    private static final int PHASE = RECORDS / 5;
    private static final int KILLS = 3;
    /** Per-record work in the agent (1 ms): a phase takes two workers ~2 s, so a disruption comes mid-stream. */
    private static final long DELAY_MICROS = 1_000;

    private final List<WorkerProcess> started = new ArrayList<>();
    private List<String> options = List.of();
    private Admin admin;
    private String appId;
    private String input;
    private String output;

    @BeforeEach
    void setUp() throws Exception {
        admin = Reliability.admin();
        Reliability.Pipeline p = Reliability.pipeline(admin, "eos", PARTITIONS);
        appId = p.appId();
        input = p.input();
        output = p.output();
    }

    @AfterEach
    void tearDown() {
        started.forEach(WorkerProcess::destroy);
        admin.close(Duration.ofSeconds(5));
    }

    /** Instance {@code n} of worker id {@code workerId}: its outputs carry the header {@code workerId#n}. */
    private WorkerProcess start(String workerId, int n) {
        WorkerProcess w = WorkerProcess.start(appId, input, output, workerId + "." + n, DELAY_MICROS,
                ProcessingGuarantee.EXACTLY_ONCE, workerId, options);
        started.add(w);
        return w;
    }

    /** Input records whose offsets the group committed: processed, their outputs committed in the same transaction. */
    private long committedInputs() throws Exception {
        return Reliability.total(Reliability.committed(admin, appId, input));
    }

    private long committedOutputsOf(WorkerProcess w) {
        return fromWorker(Reliability.readAll(output, "read_committed"), w.name);
    }

    /**
     * Waits until the group committed {@code atLeast} input records and {@code w} committed outputs of the new phase:
     * it is in the middle of its records, with a transaction open.
     */
    private void awaitMidPhase(long atLeast, WorkerProcess w, long outputsBefore) {
        await("the group committed " + atLeast + " input records, " + w.name + " some of them").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> committedInputs() >= atLeast && committedOutputsOf(w) > outputsBefore);
    }

    /** Waits until the group has exactly two members and each owns partitions. */
    private void awaitTwoMembers() {
        await("two members, each with partitions").atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Integer> members = Reliability.members(admin, appId);
            return members.size() == 2 && members.values().stream().allMatch(c -> c > 0)
                    && members.values().stream().mapToInt(Integer::intValue).sum() == PARTITIONS * topics();
        });
    }

    /** Topics the group reads: the input, and the repartition topic under {@code --group-by}. */
    private int topics() {
        return options.contains("--group-by") ? 2 : 1;
    }

    private static long fromWorker(List<Out> out, String worker) {
        return out.stream().filter(r -> worker.equals(r.worker())).count();
    }

    @Test
    void killedAndZombieWorkersNeverLoseNorDuplicateACommittedOutput() throws Exception {
        run("b: exactly-once, kill -9 x3 + SIGSTOP zombie", List.of());
    }

    /**
     * Battery test i: the same through a {@code groupBy} (a repartition topic between the input and the agent), so
     * that both legs are in the kills' transactions (the count of the reference through a table is battery test l,
     * {@link TableCountKillTest}); full battery only
     * ({@code faust4j.reliability.full}).
     */
    @Test
    @EnabledIfSystemProperty(named = "faust4j.reliability.full", matches = "true")
    void aGroupByUnderExactlyOnceThroughKillsAndAZombieWritesEveryInputOnce() throws Exception {
        run("i: groupBy under exactly-once, kill -9 x3 + SIGSTOP zombie", List.of("--group-by"));
    }

    private void run(String testName, List<String> workerOptions) throws Exception {
        options = workerOptions;
        long seed = Long.getLong("faust4j.reliability.seed", 20_261_202L);
        System.out.println("[reliability] exactly-once kill test: seed " + seed
                + " (replay with -Dfaust4j.reliability.seed=" + seed + ")");
        Random random = new Random(seed);
        long startNanos = System.nanoTime();

        Map<String, WorkerProcess> live = new LinkedHashMap<>();
        Map<String, Integer> instances = new TreeMap<>();
        for (String id : List.of("w1", "w2")) {
            live.put(id, start(id, 0));
            instances.put(id, 0);
        }
        live.values().forEach(WorkerProcess::awaitReady);
        awaitTwoMembers();

        // the input arrives in phases, so that every disruption hits a worker in the middle of its records
        Map<String, Position> ids = new LinkedHashMap<>();
        List<String> events = new ArrayList<>();
        Map<String, Integer> exitCodes = new TreeMap<>();
        Duration recovery = Duration.ZERO;
        for (int phase = 0; phase < KILLS; phase++) {
            String victim = random.nextBoolean() ? "w1" : "w2";
            WorkerProcess w = live.get(victim);
            long before = committedOutputsOf(w);
            ids.putAll(Reliability.produceIds(input, phase * PHASE, (phase + 1) * PHASE));
            awaitMidPhase(phase * PHASE + 500 + random.nextInt(1_000), w, before);
            w.kill();
            long killedAt = System.nanoTime();
            Map<TopicPartition, Long> committedAtKill = Reliability.committed(admin, appId, input);
            Map<TopicPartition, Long> endAtKill = Reliability.endOffsets(admin, input, PARTITIONS);
            exitCodes.put(w.name, w.process.exitValue());
            events.add("SIGKILL " + w.name + " at " + committedInputs());
            int n = instances.merge(victim, 1, Integer::sum);
            live.put(victim, start(victim, n).awaitReady());
            Duration r = Reliability.awaitRecovery(admin, appId, input, committedAtKill, endAtKill, killedAt);
            recovery = r.compareTo(recovery) > 0 ? r : recovery;
            awaitTwoMembers(); // the dead member's session timed out and the new instance owns partitions
        }

        // the zombie: frozen past its session timeout, replaced, then resumed
        String zombieId = random.nextBoolean() ? "w1" : "w2";
        WorkerProcess zombie = live.get(zombieId);
        long zombieBefore = committedOutputsOf(zombie);
        ids.putAll(Reliability.produceIds(input, KILLS * PHASE, (KILLS + 1) * PHASE));
        awaitMidPhase(KILLS * PHASE + 500 + random.nextInt(1_000), zombie, zombieBefore);
        zombie.suspend();
        events.add("SIGSTOP " + zombie.name + " at " + committedInputs());
        int n = instances.merge(zombieId, 1, Integer::sum);
        WorkerProcess replacement = start(zombieId, n).awaitReady();
        live.put(zombieId, replacement);
        // the replacement's producer is initialised (READY comes after): the zombie's open transaction is aborted
        // and whatever it committed before is in; from here on, nothing more of it may become visible
        long zombieOutputsAtReplacement = committedOutputsOf(zombie);
        awaitTwoMembers(); // the frozen member's session timed out and the replacement owns its partitions
        ids.putAll(Reliability.produceIds(input, (KILLS + 1) * PHASE, RECORDS));
        long progressFrom = committedInputs();
        await("the replacement " + replacement.name + " commits outputs of its own").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> committedInputs() >= progressFrom + 500
                        && committedOutputsOf(replacement) > 0);
        zombie.resume();
        events.add("SIGCONT " + zombie.name + " at " + committedInputs());

        await("every input and repartitioned record committed (lag 0)").atMost(PATIENCE)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> Reliability.lagZeroEverywhere(admin, appId, input));
        // the fenced zombie stops by itself with a non-zero exit code; if it is still alive it is killed here
        boolean zombieExited = zombie.process.waitFor(PATIENCE.toSeconds() / 3, TimeUnit.SECONDS);
        if (!zombieExited) {
            zombie.kill();
        }
        int zombieExit = zombie.process.exitValue();
        exitCodes.put(zombie.name + (zombieExited ? "" : "(killed at the end)"), zombieExit);
        live.values().forEach(WorkerProcess::sigterm); // both at once: each commits its last transaction
        for (WorkerProcess w : live.values()) {
            exitCodes.put(w.name, w.awaitExit());
        }

        List<Out> out = Reliability.readAll(output, "read_committed");
        Map<String, Integer> counts = Reliability.counts(out);
        Set<String> lost = ids.keySet().stream().filter(id -> !counts.containsKey(id))
                .collect(Collectors.toCollection(TreeSet::new));
        Map<String, Integer> duplicated = new TreeMap<>();
        counts.forEach((id, c) -> {
            if (c > 1) {
                duplicated.put(id, c);
            }
        });
        Set<String> extra = out.stream().filter(r -> !ids.containsKey(r.value()) || !r.value().equals(r.key()))
                .map(r -> r.key() + "=" + r.value()).collect(Collectors.toCollection(TreeSet::new));
        long zombieOutputs = fromWorker(out, zombie.name);
        Map<String, Long> perWorker = out.stream().collect(Collectors.groupingBy(r -> String.valueOf(r.worker()),
                TreeMap::new, Collectors.counting()));
        List<TransactionListing> open = admin.listTransactions().all().get().stream()
                .filter(t -> t.transactionalId().startsWith(appId + "-"))
                .filter(t -> t.state() == TransactionState.ONGOING || t.state() == TransactionState.PREPARE_COMMIT
                        || t.state() == TransactionState.PREPARE_ABORT)
                .toList();
        long restarts = instances.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("[reliability] exactly-once: seed=%d records=%d committedOutputs=%d lost=%d duplicated=%d"
                + " restarts=%d exitCodes=%s zombieOutputsAfterReplacement=%d zombieFenced=%s openTransactions=%d"
                + " perWorker=%s events=%s seconds=%.1f%n", seed, ids.size(), out.size(), lost.size(),
                duplicated.values().stream().mapToInt(c -> c - 1).sum(), restarts, exitCodes,
                zombieOutputs - zombieOutputsAtReplacement, zombie.output().contains("TransactionFencedException"),
                open.size(), perWorker, events,
                (System.nanoTime() - startNanos) / 1e9);
        // exactly-once allows no duplicate; the zombie's late outputs and open transactions count as violations
        BatteryTable.add(new BatteryTable.Row(testName + " (seed " + seed + ")",
                ids.size(), lost.size(), duplicated.values().stream().mapToInt(c -> c - 1).sum(), 0, extra.size(),
                (zombieOutputs - zombieOutputsAtReplacement) + open.size(), recovery, WorkerProcess.peakHeapMb(started),
                exitCodes.toString()));

        assertThat(extra).as("outputs that were never inputs").isEmpty();
        assertThat(lost).as("input ids with no committed output (seed " + seed + ")").isEmpty();
        assertThat(duplicated).as("input ids with more than one committed output (seed " + seed + ")").isEmpty();
        assertThat(out).hasSize(RECORDS);
        assertThat(zombieOutputs).as("committed outputs of the zombie " + zombie.name + " after its replacement")
                .isEqualTo(zombieOutputsAtReplacement);
        if (zombieExited) {
            assertThat(zombieExit).as("exit code of the fenced zombie; log:\n" + zombie.output()).isNotZero();
        }
        assertThat(open).as("transactions left open").isEmpty();
        for (WorkerProcess w : live.values()) {
            assertThat(exitCodes.get(w.name)).as("exit code of " + w.name + " after SIGTERM; log:\n" + w.output())
                    .isZero();
        }
    }
}
