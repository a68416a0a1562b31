package dev.faust4j.bench;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The benchmark harness: {@code ./dev bench [all|memory|pipeline|repartition|latency|memory-use|jmh|smoke] [options]}.
 * Every contender runs in a fresh JVM ({@link ChildProcess}), contenders are interleaved run by run, and each
 * table gives medians with min–max over the runs plus ratios computed within each run. See BENCHMARKS.md.
 */
public final class Main {

    static final String USAGE = """
            usage: ./dev bench <mode> [options]      (java -jar benchmarks/target/benchmarks.jar <mode> ...)
              modes:
                all          memory, pipeline, repartition, windowed, restore, table-memory, latency, memory-use,
                               slowio (not jmh)
                memory       memory transport: 1/2/4 agents, concurrency(8), JSON, vs the JVM ceilings
                pipeline     Kafka consume-decode-change-produce-commit, one interleaved run of (a)-(h):
                               at-least-once: (a) raw loop, (b) faust4j, (c) faust4j c=4, (d) Kafka Streams,
                               (h) Spring for Apache Kafka listener container (concurrency 8, AckMode.BATCH);
                               exactly-once: (e) faust4j, (f) raw transactional loop, (g) Kafka Streams exactly_once_v2
                pipeline-eos the exactly-once contenders only: pipeline --contenders e,f,g
                repartition  groupBy + per-key count: faust4j Table (durable) and HashMap (not) vs Kafka Streams
                               selectKey/repartition/groupByKey().count(), record cache on (10 MiB) and off
                windowed     tumbling 1-minute windowed count, 10,000 keys, 36 windows: faust4j WindowedTable vs
                               Kafka Streams windowedBy(TimeWindows.ofSizeWithNoGrace(1 min)).count(), cache on/off
                restore      time to restore a table of --records keys (default 1000000) from its changelog:
                               faust4j vs Kafka Streams (RocksDB, in-memory) into a fresh state dir
                tables       repartition, windowed, restore, table-memory (issue 10)
                table-memory one worker (-Xmx256m unless --jvm) puts --records distinct keys with ~200-byte values
                               (default 2000000, ~450 MB) into a RocksDB table, tableRocksdbMemory 64 MiB then
                               256 MiB, then random gets: records/s, peak heap, peak RSS, store size on disk;
                               RSS bound checked (one run per setting unless --runs, about 2 minutes;
                               always one inside tables and all)
                slowio       every record blocks 1 ms (a database call), 8 partitions, 10,000 keys, --records
                               (default 200000) drained by: faust4j-partitions (concurrency(8)), faust4j-keyed
                               (concurrency(256).orderedByKey(), once it exists), parallel-consumer (Confluent, KEY
                               order, 256), spring-kafka (container concurrency 8); every record and key order checked
                latency      end-to-end latency at a fixed rate (linger 0): faust4j vs the raw loop
                memory-use   peak heap and RSS: faust4j pipeline, and a 2,000,000-record backlog with a slow agent
                jmh [args]   JMH micro-benchmarks (ack tracker, fan-out, JSON codec); args go to JMH
                smoke        tiny memory-transport run of the harness plus one short JMH pass (seconds)
              options:
                --runs N             runs per contender (default 3)
                --records N          records (default 2000000; windowed and restore: 1000000; memory mode
                                     measures this many after --warm)
                --table-stores L,L   faust4j table stores to run, one contender each (default memory://)
                --warm N             memory mode: records processed before measuring (default 2000000: the agent path needs about that to be fully JIT-compiled)
                --bootstrap H:P      use a running broker instead of starting one (loopback)
                --jvm "OPTS"         JVM options of the contender JVMs (default: none)
                --rate N             latency mode: records/s (default 10000)
                --seconds N          latency mode: measured seconds (default 20); memory-use backlog seconds (default 30)
                --contenders L,L     pipeline mode: run only these contenders, by letter (a to h); slowio mode: by
                                     name (faust4j-partitions, faust4j-keyed, parallel-consumer, spring-kafka)
                --commit-interval-ms N  table-memory: the worker's commitInterval (default: faust4j's, 2.8 s)
                --verbose            echo contender output
            """;

    final int runs;
    /** True when --runs was given (table-memory runs once otherwise). */
    final boolean runsGiven;
    final long records;
    /** True when --records was given (the table benchmarks default to 1,000,000 otherwise). */
    final boolean recordsGiven;
    /** The faust4j table stores the table benchmarks run, one contender each: memory:// unless --table-stores. */
    final List<String> tableStores;
    final long warm;
    final String bootstrapOption;
    final List<String> jvm;
    int failedRuns;
    final int rate;
    final Integer secondsOption;
    final boolean verbose;
    /** table-memory: the worker's commitInterval in ms (--commit-interval-ms), or null for faust4j's default. */
    final String commitIntervalMs;
    final String contendersOption;
    boolean pipelineEosOnly;
    final Path logDir;
    final StringBuilder summary = new StringBuilder();
    private ChildProcess broker;
    private String bootstrap;

    Main(Map<String, String> o) throws Exception {
        runs = Integer.parseInt(o.getOrDefault("runs", "3"));
        runsGiven = o.containsKey("runs");
        records = Long.parseLong(o.getOrDefault("records", "2000000").replace("_", ""));
        recordsGiven = o.containsKey("records");
        tableStores = Arrays.stream(o.getOrDefault("table-stores", "memory://").split(",", -1)).map(String::trim)
                .filter(x -> !x.isEmpty()).toList();
        if (tableStores.isEmpty()) {
            throw new IllegalArgumentException("--table-stores: name at least one store, e.g. memory://");
        }
        warm = Long.parseLong(o.getOrDefault("warm", "2000000").replace("_", ""));
        bootstrapOption = o.get("bootstrap");
        jvm = o.containsKey("jvm") ? Arrays.stream(o.get("jvm").trim().split("\\s+")).filter(s -> !s.isEmpty()).toList()
                : List.of();
        rate = Integer.parseInt(o.getOrDefault("rate", "10000"));
        secondsOption = o.containsKey("seconds") ? Integer.valueOf(o.get("seconds")) : null;
        verbose = o.containsKey("verbose");
        commitIntervalMs = o.get("commit-interval-ms");
        contendersOption = o.get("contenders");
        logDir = Files.createTempDirectory("faust4j-bench-");
    }

    public static void main(String[] argv) throws Exception {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (argv.length == 0 || argv[0].equals("-h") || argv[0].equals("--help") || argv[0].equals("help")) {
            System.out.print(USAGE);
            return;
        }
        String mode = argv[0];
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        switch (mode) {
            case "child" -> child(rest.getFirst(), new Args(rest.subList(1, rest.size())));
            case "jmh" -> org.openjdk.jmh.Main.main(rest.toArray(String[]::new));
            default -> System.exit(harness(mode, rest));
        }
    }

    /** Runs a mode of the harness; returns the exit code. Used by main and by the smoke test. */
    static int harness(String mode, List<String> rest) throws Exception {
        Map<String, String> o = new HashMap<>();
        for (int i = 0; i < rest.size(); i++) {
            String s = rest.get(i);
            if (!s.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument '" + s + "'\n" + USAGE);
            }
            String key = s.substring(2);
            if (key.equals("verbose")) {
                o.put(key, "true");
            } else {
                if (i + 1 >= rest.size()) {
                    throw new IllegalArgumentException("option " + s + " needs a value");
                }
                o.put(key, rest.get(++i));
            }
        }
        Main m = new Main(o);
        try {
            m.header(mode);
            switch (mode) {
                case "memory" -> m.memory();
                case "pipeline" -> m.pipeline();
                case "pipeline-eos" -> {
                    m.pipelineEosOnly = true;
                    m.pipeline();
                }
                case "repartition" -> m.repartition();
                case "windowed" -> new TablesSuite(m).windowed();
                case "restore" -> new TablesSuite(m).restore();
                case "tables" -> {
                    TablesSuite t = new TablesSuite(m);
                    t.repartition();
                    t.windowed();
                    t.restore();
                    t.tableMemory(1);
                }
                case "table-memory" -> new TablesSuite(m).tableMemory(m.runsGiven ? m.runs : 1);
                case "latency" -> m.latency();
                case "memory-use" -> m.memoryUse();
                case "slowio" -> new SlowIoSuite(m).run();
                case "all" -> {
                    m.memory();
                    m.pipeline();
                    m.repartition();
                    new TablesSuite(m).windowed();
                    new TablesSuite(m).restore();
                    new TablesSuite(m).tableMemory(1);
                    m.latency();
                    m.memoryUse();
                    new SlowIoSuite(m).run();
                }
                case "smoke" -> m.smoke();
                default -> {
                    System.err.print("unknown mode '" + mode + "'\n" + USAGE);
                    return 2;
                }
            }
            if (m.failedRuns > 0) {
                System.err
                        .println(m.failedRuns + " contender run(s) failed: see their logs; the tables leave them out");
                return 1;
            }
            return 0;
        } finally {
            m.close();
            System.out.println("\ncontender logs: " + m.logDir);
        }
    }

    static void child(String kind, Args a) throws Exception {
        switch (kind) {
            case "broker" -> BenchBroker.run(a);
            case "mem-faust" -> MemoryBench.faust(a);
            case "ceiling-queue" -> MemoryBench.ceilingQueue(a);
            case "ceiling-json" -> MemoryBench.ceilingJson(a);
            case "pipe-raw" -> KafkaBench.pipeRaw(a);
            case "pipe-raw-tx" -> KafkaBench.pipeRawTx(a);
            case "pipe-faust" -> KafkaBench.pipeFaust(a);
            case "pipe-streams" -> KafkaBench.pipeStreams(a);
            case "pipe-spring" -> SpringKafkaBench.pipe(a);
            case "slowio-faust" -> SlowIoBench.faust(a);
            case "slowio-pc" -> SlowIoBench.parallelConsumer(a);
            case "slowio-spring" -> SpringKafkaBench.slowIo(a);
            case "rep-faust" -> KafkaBench.repFaust(a);
            case "rep-streams" -> TableBench.countStreams(a);
            case "rep-faust-table" -> TableBench.countFaust(a);
            case "win-faust" -> TableBench.windowFaust(a);
            case "win-streams" -> TableBench.windowStreams(a);
            case "restore-faust" -> TableBench.restoreFaust(a);
            case "restore-streams" -> TableBench.restoreStreams(a);
            case "tablemem-faust" -> TableBench.memoryFaust(a);
            case "lat-producer" -> KafkaBench.latProducer(a);
            case "lat-raw" -> KafkaBench.latRaw(a);
            case "lat-faust" -> KafkaBench.latFaust(a);
            case "backlog-faust" -> KafkaBench.backlogFaust(a);
            default -> throw new IllegalArgumentException("unknown contender " + kind);
        }
        System.exit(0);
    }

    // ---- reporting ----

    void header(String mode) {
        out("# faust4j benchmarks: " + mode);
        out("date " + LocalDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME) + ", "
                + Runtime.getRuntime().availableProcessors()
                + " cores, " + (totalMemoryMb() / 1024) + " GB, java " + System.getProperty("java.version") + " ("
                + System.getProperty("java.vm.name") + "), runs=" + runs + ", records=" + records
                + (jvm.isEmpty() ? "" : ", contender JVM options " + jvm));
    }

    static long totalMemoryMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return -1;
    }

    void out(String s) {
        System.out.println(s);
        System.out.flush();
        summary.append(s).append('\n');
    }

    /** One contender's figures over runs. */
    record Row(String label, List<Map<String, String>> runs) {
        Stats stat(String key) {
            return Stats.of(
                    runs.stream().map(r -> r.containsKey(key) ? Double.parseDouble(r.get(key)) : Double.NaN).toList());
        }
    }

    record Contender(String label, String kind, Map<String, Object> args, List<String> jvm) {}

    /** Runs every contender {@code runs} times, interleaved and rotated run by run; returns rows by label. */
    Map<String, Row> runAll(List<Contender> contenders, Function<Contender, Map<String, String>> runner) {
        return runAll(contenders, runner, runs);
    }

    /** {@link #runAll(List, Function)} with {@code runs} runs per contender. */
    Map<String, Row> runAll(List<Contender> contenders, Function<Contender, Map<String, String>> runner, int runs) {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (Contender c : contenders) {
            rows.put(c.label, new Row(c.label, new ArrayList<>()));
        }
        for (int r = 0; r < runs; r++) {
            for (int k = 0; k < contenders.size(); k++) {
                Contender c = contenders.get((k + r) % contenders.size());
                System.err.printf(Locale.ROOT, "run %d/%d: %s ...%n", r + 1, runs, c.label);
                Map<String, String> res;
                try {
                    res = runner.apply(c);
                } catch (RuntimeException e) {
                    failedRuns++;
                    System.err.println("  FAILED: " + e.getMessage());
                    res = new LinkedHashMap<>();
                    res.put("failed", "1");
                }
                res.put("run", Integer.toString(r));
                System.err.println("  " + res);
                rows.get(c.label).runs.add(res);
            }
        }
        return rows;
    }

    Map<String, String> runChild(Contender c, long timeoutSeconds) {
        try (ChildProcess p = ChildProcess.start(c.label + "-" + UUID.randomUUID().toString().substring(0, 6), c.jvm,
                c.kind, c.args, logDir, verbose)) {
            return new LinkedHashMap<>(p.awaitResult(timeoutSeconds));
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** Per-run ratio of a figure between two rows: median (min–max). */
    static Stats ratio(Row num, Row den, String key) {
        List<Double> v = new ArrayList<>();
        for (Map<String, String> a : num.runs) {
            for (Map<String, String> b : den.runs) {
                if (a.get("run").equals(b.get("run")) && a.containsKey(key) && b.containsKey(key)) {
                    v.add(Double.parseDouble(a.get(key)) / Double.parseDouble(b.get(key)));
                }
            }
        }
        return Stats.of(v);
    }

    void table(Map<String, Row> rows, String[][] columns) {
        StringBuilder h = new StringBuilder("| contender |");
        StringBuilder sep = new StringBuilder("|---|");
        for (String[] col : columns) {
            h.append(' ').append(col[1]).append(" |");
            sep.append("---:|");
        }
        out(h.toString());
        out(sep.toString());
        for (Row row : rows.values()) {
            StringBuilder line = new StringBuilder("| " + row.label + " |");
            for (String[] col : columns) {
                line.append(' ').append(row.stat(col[0]).format(Integer.parseInt(col[2]))).append(" |");
            }
            long failed = row.runs.stream().filter(m -> m.containsKey("failed")).count();
            out(line + (failed > 0 ? " (" + failed + " run(s) failed)" : ""));
        }
    }

    void ratioLine(String what, Stats s, double target, boolean atLeast) {
        String verdict = Double.isNaN(target) ? "" : (atLeast
                ? (s.median() >= target ? " — target ≥ " + target + " MET" : " — target ≥ " + target + " MISSED")
                : (s.median() <= target ? " — target ≤ " + target + " MET" : " — target ≤ " + target + " MISSED"));
        out("- " + what + ": " + s.format(2) + verdict);
    }

    // ---- item 3: memory transport ----

    void memory() {
        memory(records, warm, runs);
    }

    void memory(long records, long warm, int runsUnused) {
        out("\n## Memory transport (records=" + records + " measured after " + warm
                + " warm-up, 8 partitions, ~100-byte values, acks + commits on)\n");
        List<String> mj = new ArrayList<>(List.of("-Xms2g", "-Xmx2g"));
        mj.addAll(jvm);
        Map<String, Object> base = Map.of("records", records, "warm", warm);
        List<Contender> cs = List.of(
                new Contender("faust4j raw, 1 agent", "mem-faust", with(base, "agents", 1, "codec", "raw"), mj),
                new Contender("faust4j raw, 2 agents", "mem-faust", with(base, "agents", 2, "codec", "raw"), mj),
                new Contender("faust4j raw, 4 agents", "mem-faust", with(base, "agents", 4, "codec", "raw"), mj),
                new Contender("faust4j raw, 1 agent concurrency(8)", "mem-faust",
                        with(base, "agents", 1, "concurrency", 8, "codec", "raw"), mj),
                new Contender("faust4j JSON records, 1 agent", "mem-faust", with(base, "agents", 1, "codec", "json"),
                        mj),
                new Contender("ceiling: bounded queue to a virtual thread, put/take one at a time", "ceiling-queue",
                        with(base, "batch", false), mj),
                new Contender("ceiling: same queue, virtual thread takes in batches (drainTo 256)", "ceiling-queue",
                        with(base, "batch", true), mj),
                new Contender("ceiling: JSON decode (key + value), same codecs, one thread", "ceiling-json", base, mj));
        Map<String, Row> rows = runAll(cs, c -> runChild(c, 600));
        table(rows,
                new String[][] {{"events_per_s", "events/s (agent deliveries)", "0"},
                        {"records_per_s", "records/s", "0"},
                        {"first_record_ms", "first record ms", "1"}, {"peak_heap_mb", "peak heap MB", "0"},
                        {"peak_rss_mb", "peak RSS MB", "0"}});
        out("");
        Row one = rows.get("faust4j raw, 1 agent");
        Row queue = rows.get("ceiling: bounded queue to a virtual thread, put/take one at a time");
        Row queueBatch = rows.get("ceiling: same queue, virtual thread takes in batches (drainTo 256)");
        Row json = rows.get("faust4j JSON records, 1 agent");
        Row jsonCeil = rows.get("ceiling: JSON decode (key + value), same codecs, one thread");
        ratioLine("faust4j raw 1 agent / queue ceiling (one at a time)", ratio(one, queue, "events_per_s"), Double.NaN,
                true);
        ratioLine("faust4j raw 1 agent / queue ceiling (batched take)", ratio(one, queueBatch, "events_per_s"),
                Double.NaN, true);
        for (String l : List.of("faust4j raw, 2 agents", "faust4j raw, 4 agents",
                "faust4j raw, 1 agent concurrency(8)")) {
            ratioLine(l + " / queue ceiling (one at a time)", ratio(rows.get(l), queue, "events_per_s"), Double.NaN,
                    true);
        }
        ratioLine("faust4j JSON 1 agent / JSON decode ceiling", ratio(json, jsonCeil, "events_per_s"), 0.8, true);
        Stats raw = one.stat("events_per_s");
        out("- faust4j raw 1 agent events/s: " + raw.format(0)
                + (raw.median() >= 3_000_000 ? " — target ≥ 3,000,000 MET" : " — target ≥ 3,000,000 MISSED"));
        out("- all offsets committed at stop: " + rows.values().stream().filter(r -> r.label.startsWith("faust4j"))
                .allMatch(r -> r.runs.stream().allMatch(m -> "true".equals(m.get("complete")))));
    }

    static Map<String, Object> with(Map<String, Object> base, Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>(base);
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    void smoke() throws Exception {
        memory(20_000, 20_000, 1);
        out("\n## JMH (smoke: forks 0, one 100 ms iteration per benchmark)\n");
        org.openjdk.jmh.runner.options.Options opt = new org.openjdk.jmh.runner.options.OptionsBuilder()
                .forks(0).warmupIterations(0).measurementIterations(1)
                .measurementTime(org.openjdk.jmh.runner.options.TimeValue.milliseconds(100))
                .shouldFailOnError(true).build();
        var results = new org.openjdk.jmh.runner.Runner(opt).run();
        out("JMH benchmarks run: " + results.size());
        if (results.isEmpty()) {
            throw new IllegalStateException("no JMH benchmark found (annotation processing did not run?)");
        }
    }

    // ---- Kafka ----

    String bootstrap() throws Exception {
        if (bootstrap != null) {
            return bootstrap;
        }
        if (bootstrapOption != null) {
            bootstrap = bootstrapOption;
        } else {
            System.err.println("starting the benchmark broker (single-node KRaft on 127.0.0.1, own JVM) ...");
            broker = ChildProcess.start("broker", List.of("-Xms1g", "-Xmx2g"), "broker", Map.of(), logDir, verbose);
            bootstrap = broker.awaitReady(120).get("bootstrap");
            System.err.println("broker at " + bootstrap + " (pid " + broker.pid() + ")");
        }
        if (!bootstrap.startsWith("127.0.0.1:") && !bootstrap.startsWith("localhost:")) {
            throw new IllegalArgumentException("benchmarks run on loopback only; got bootstrap " + bootstrap);
        }
        return bootstrap;
    }

    Admin admin() throws Exception {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
    }

    static final String INPUT = "bench-input";

    /** The input topic: {@code records} JSON records with string keys over 8 partitions, written once. */
    String input() throws Exception {
        String bs = bootstrap();
        try (Admin admin = admin()) {
            if (admin.listTopics().names().get().contains(INPUT)) {
                long n = endOffsets(admin, INPUT);
                if (n == records) {
                    return INPUT;
                }
                throw new IllegalStateException(
                        "topic " + INPUT + " holds " + n + " records, not " + records + "; use a fresh broker");
            }
            admin.createTopics(List.of(new NewTopic(INPUT, 8, (short) 1))).all().get();
        }
        awaitTopic(INPUT);
        System.err.println("writing " + records + " records to " + INPUT + " ...");
        long t0 = System.nanoTime();
        byte[][] values = Tx.jsonValues(4096, 1);
        Map<String, Object> p = KafkaBench.producerProps(bs,
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (long i = 0; i < records; i++) {
                byte[] v = values[(int) (i % values.length)];
                var unused = producer.send(new ProducerRecord<>(INPUT, Tx.keyOf(v), v));
            }
            producer.flush();
        }
        System.err.printf(Locale.ROOT, "input written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return INPUT;
    }

    static long endOffsets(Admin admin, String topic) throws Exception {
        var desc = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
        desc.partitions().forEach(pi -> q.put(new TopicPartition(topic, pi.partition()), OffsetSpec.latest()));
        return admin.listOffsets(q).all().get().values().stream().mapToLong(r -> r.offset()).sum();
    }

    void createTopic(String name) throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, 8, (short) 1))).all().get();
        }
    }

    /**
     * Waits until every partition of a topic just created has a leader that answers ListOffsets: a producer that
     * writes at once otherwise meets NOT_LEADER_OR_FOLLOWER on the embedded broker and can wedge its idempotent
     * sequence (OUT_OF_ORDER_SEQUENCE_NUMBER forever), as faust4j's KafkaTopicAdmin notes.
     */
    void awaitTopic(String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = admin()) {
            while (true) {
                try {
                    var desc = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
                    if (desc.partitions().stream().allMatch(pi -> pi.leader() != null && !pi.leader().isEmpty())) {
                        Map<TopicPartition, OffsetSpec> q = new HashMap<>();
                        desc.partitions().forEach(pi -> q.put(new TopicPartition(name, pi.partition()),
                                OffsetSpec.latest()));
                        var unused = admin.listOffsets(q).all().get();
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + name + " has no leader for every partition after 60 s");
                }
                Thread.sleep(50);
            }
        }
    }

    /** Deletes every topic whose name contains one of these strings (outputs, repartition and changelog topics). */
    void deleteTopics(String... containing) {
        try (Admin admin = admin()) {
            Set<String> names = admin.listTopics().names().get();
            List<String> doomed = names.stream().filter(n -> Arrays.stream(containing).anyMatch(n::contains)).toList();
            if (!doomed.isEmpty()) {
                admin.deleteTopics(doomed).all().get(60, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            System.err.println("  could not delete topics " + Arrays.toString(containing) + ": " + e);
        }
    }

    /**
     * Counts the records a {@code read_committed} consumer sees in {@code topic}, from the start to the last
     * stable offset of every partition: committed records only, no aborted ones and no transaction markers.
     */
    long countCommitted(String topic) throws Exception {
        Map<String, Object> p = KafkaBench.consumerProps(bootstrap(), "unused");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(pi -> new TopicPartition(topic, pi.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts); // the last stable offsets under read_committed
            long count = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within 300 s");
                }
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            return count;
        }
    }

    List<String> workerJvm() {
        return jvm;
    }

    /** Runs a contender that reads the input and writes {@code output}; checks the output holds every record. */
    Map<String, String> runPipeline(Contender c) {
        String id = c.kind + "-" + UUID.randomUUID().toString().substring(0, 8);
        String output = "out-" + id;
        try {
            createTopic(output);
            Map<String, Object> args = with(c.args, "bootstrap", bootstrap(), "input", input(), "output", output,
                    "group", id, "records", records);
            Map<String, String> res = runChild(new Contender(c.label, c.kind, args, c.jvm), 900);
            if (exactlyOnce(c)) {
                long committed = countCommitted(output);
                res.put("output_records", Long.toString(committed));
                if (committed != records) {
                    throw new IllegalStateException(c.label + " left " + committed + " committed records in " + output
                            + ", expected exactly " + records);
                }
                return res;
            }
            try (Admin admin = admin()) {
                long written = endOffsets(admin, output);
                res.put("output_records", Long.toString(written));
                if (written < records) {
                    throw new IllegalStateException(c.label + " wrote " + written + " of " + records + " records");
                }
            }
            return res;
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e.toString(), e);
        } finally {
            deleteTopics(id);
        }
    }

    // ---- item 1 ----

    /** The pipeline contenders by letter; {@code --contenders} picks some ({@code pipeline-eos} is e,f,g). */
    List<Contender> pipelineContenders() {
        List<Contender> all = List.of(
                new Contender("(a) raw KafkaConsumer + KafkaProducer loop, Jackson", "pipe-raw", Map.of(), workerJvm()),
                new Contender("(b) faust4j agent", "pipe-faust", Map.of("concurrency", 1), workerJvm()),
                new Contender("(c) faust4j agent, concurrency(4)", "pipe-faust", Map.of("concurrency", 4), workerJvm()),
                new Contender("(d) Kafka Streams mapValues + to", "pipe-streams", Map.of(), workerJvm()),
                new Contender("(e) faust4j agent, exactly_once", "pipe-faust",
                        Map.of("concurrency", 1, "guarantee", "exactly_once"), workerJvm()),
                new Contender("(f) raw transactional loop (read_committed, sendOffsetsToTransaction)", "pipe-raw-tx",
                        Map.of("guarantee", "exactly_once"), workerJvm()),
                new Contender("(g) Kafka Streams mapValues + to, exactly_once_v2", "pipe-streams",
                        Map.of("guarantee", "exactly_once_v2"), workerJvm()),
                new Contender("(h) Spring for Apache Kafka listener container, concurrency 8, AckMode.BATCH",
                        "pipe-spring", Map.of("concurrency", 8), workerJvm()));
        String pick = contendersOption != null ? contendersOption : pipelineEosOnly ? "e,f,g" : null;
        if (pick == null) {
            return all;
        }
        List<Contender> cs = new ArrayList<>();
        for (String letter : pick.split(",", -1)) {
            String l = letter.trim();
            cs.add(all.stream().filter(c -> c.label().startsWith("(" + l + ")")).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("--contenders: no pipeline contender '" + l
                            + "' (a to h)")));
        }
        return cs;
    }

    /** Under exactly-once the output is checked record by record, read back {@code read_committed}. */
    static boolean exactlyOnce(Contender c) {
        return c.args().containsKey("guarantee") && c.args().get("guarantee").toString().startsWith("exactly_once");
    }

    void pipeline() throws Exception {
        input();
        out("\n## Kafka pipeline (" + records + " records, 8 partitions, consume → decode JSON → change a field →"
                + " produce → commit; at-least-once commits every 2.8 s (Spring: after every poll, AckMode.BATCH),"
                + " exactly-once every 100 ms in a transaction)\n");
        List<Contender> cs = pipelineContenders();
        Map<String, Row> rows = runAll(cs, this::runPipeline);
        table(rows,
                new String[][] {{"records_per_s", "records/s", "0"},
                        {"first_record_ms", "first record ms (from start call)", "0"},
                        {"peak_heap_mb", "peak heap MB", "0"}, {"peak_rss_mb", "peak RSS MB", "0"}});
        out("");
        Map<String, Row> by = new HashMap<>();
        for (Contender c : cs) {
            by.put(c.label().substring(1, 2), rows.get(c.label()));
        }
        pipelineRatio(by, "b", "a", "faust4j / raw loop", 0.9);
        pipelineRatio(by, "b", "d", "faust4j / Kafka Streams", 1.3);
        pipelineRatio(by, "c", "a", "faust4j concurrency(4) / raw loop", Double.NaN);
        pipelineRatio(by, "a", "d", "raw loop / Kafka Streams", Double.NaN);
        pipelineRatio(by, "b", "h", "faust4j / Spring for Apache Kafka", Double.NaN);
        pipelineRatio(by, "h", "a", "Spring for Apache Kafka / raw loop", Double.NaN);
        pipelineRatio(by, "e", "f", "faust4j exactly_once / raw transactional loop", Double.NaN);
        pipelineRatio(by, "e", "g", "faust4j exactly_once / Kafka Streams exactly_once_v2", Double.NaN);
        pipelineRatio(by, "f", "g", "raw transactional loop / Kafka Streams exactly_once_v2", Double.NaN);
        pipelineRatio(by, "e", "b", "faust4j: exactly_once / at_least_once", Double.NaN);
        pipelineRatio(by, "f", "a", "raw loop: transactional / at-least-once", Double.NaN);
        pipelineRatio(by, "g", "d", "Kafka Streams: exactly_once_v2 / at_least_once", Double.NaN);
        Row b = by.get("b");
        if (b != null) {
            Stats startup = b.stat("first_record_ms");
            out("- faust4j start-up, first record processed after (ms from App.start()): " + startup.format(0)
                    + (startup.max() <= 1000 ? " — target ≤ 1000 MET" : " — target ≤ 1000 MISSED"));
            Stats rss = b.stat("peak_rss_mb");
            out("- faust4j (b) worker peak RSS MB: " + rss.format(0)
                    + (rss.max() < 400 ? " — target < 400 MET" : " — target < 400 MISSED"));
        }
        if (cs.stream().anyMatch(Main::exactlyOnce)) {
            out("- exactly-once outputs read back read_committed after every run: each held exactly " + records
                    + " records (a run that did not is listed as failed)");
        }
    }

    void pipelineRatio(Map<String, Row> by, String num, String den, String what, double target) {
        if (by.containsKey(num) && by.containsKey(den)) {
            ratioLine(num + "/" + den + " (" + what + ")", ratio(by.get(num), by.get(den), "records_per_s"), target,
                    true);
        }
    }

    // ---- item 2, and issue 10's table benchmarks: TablesSuite ----

    void repartition() throws Exception {
        new TablesSuite(this).repartition();
    }

    // ---- item 4 ----

    void latency() throws Exception {
        int seconds = secondsOption == null ? 20 : secondsOption;
        long expected = (long) rate * seconds;
        out("\n## Latency at " + rate + " records/s (producer linger 0, 3 s warm-up then " + seconds
                + " s measured; from the producer's timestamp in the record to the agent seeing it)\n");
        List<Contender> cs = List.of(
                new Contender("raw KafkaConsumer poll loop", "lat-raw", Map.of(), workerJvm()),
                new Contender("faust4j agent", "lat-faust", Map.of(), workerJvm()));
        Map<String, Row> rows = runAll(cs, c -> {
            String id = c.kind() + "-" + UUID.randomUUID().toString().substring(0, 8);
            String topic = "lat-" + id;
            try {
                createTopic(topic);
                Map<String, Object> args = with(c.args(), "bootstrap", bootstrap(), "topic", topic, "group", id,
                        "expected", expected);
                try (ChildProcess consumer = ChildProcess.start(c.label() + "-" + id, c.jvm(), c.kind(), args, logDir,
                        verbose)) {
                    consumer.awaitReady(60);
                    Thread.sleep(1000);
                    Map<String, String> prod;
                    try (ChildProcess producer = ChildProcess.start("lat-producer-" + id, List.of(), "lat-producer",
                            Map.of("bootstrap", bootstrap(), "topic", topic, "rate", rate, "warmup", 3, "seconds",
                                    seconds),
                            logDir, verbose)) {
                        prod = producer.awaitResult(seconds + 120L);
                    }
                    Map<String, String> res = new LinkedHashMap<>(consumer.awaitResult(120));
                    res.put("achieved_rate", prod.get("achieved_rate"));
                    res.put("late_over_1ms", prod.get("late_over_1ms"));
                    return res;
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e);
            } finally {
                deleteTopics(id);
            }
        });
        table(rows, new String[][] {{"p50_ms", "p50 ms", "2"}, {"p99_ms", "p99 ms", "2"}, {"p999_ms", "p99.9 ms", "2"},
                {"max_ms", "max ms", "1"}, {"samples", "samples", "0"}, {"achieved_rate", "producer rate/s", "0"}});
        out("");
        Row f = rows.get(cs.get(1).label());
        Stats p99 = f.stat("p99_ms");
        out("- faust4j p99: " + p99.format(2) + " ms"
                + (p99.median() < 10 ? " — target < 10 ms MET" : " — target < 10 ms MISSED"));
        ratioLine("faust4j / raw p99", ratio(f, rows.get(cs.get(0).label()), "p99_ms"), Double.NaN, true);
    }

    // ---- item 5 ----

    void memoryUse() throws Exception {
        input();
        int seconds = secondsOption == null ? 30 : secondsOption;
        out("\n## Worker memory: peak heap and RSS (contender JVM options: "
                + (jvm.isEmpty() ? "JVM defaults" : String.join(" ", jvm)) + ")\n");
        List<Contender> cs = List.of(
                new Contender("faust4j pipeline (b), " + records + " records", "pipe-faust", Map.of("concurrency", 1),
                        workerJvm()),
                new Contender("faust4j slow agent over a " + records + "-record backlog, " + seconds + " s",
                        "backlog-faust",
                        Map.of("seconds", seconds), workerJvm()));
        Map<String, Row> rows = runAll(cs, c -> {
            if (c.kind().equals("pipe-faust")) {
                return runPipeline(c);
            }
            String id = c.kind() + "-" + UUID.randomUUID().toString().substring(0, 8);
            try {
                return runChild(new Contender(c.label(), c.kind(),
                        with(c.args(), "bootstrap", bootstrap(), "input", input(), "group", id), c.jvm()), 600);
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e.toString(), e);
            }
        });
        table(rows,
                new String[][] {{"peak_heap_mb", "peak heap MB", "0"}, {"peak_rss_mb", "peak RSS MB", "0"},
                        {"processed", "records processed", "0"},
                        {"records_per_s", "records/s", "0"}});
        out("");
        Stats pipe = rows.get(cs.get(0).label()).stat("peak_rss_mb");
        Stats backlog = rows.get(cs.get(1).label()).stat("peak_rss_mb");
        out("- pipeline peak RSS MB: " + pipe.format(0)
                + (pipe.max() < 400 ? " — target < 400 MET" : " — target < 400 MISSED"));
        out("- backlog peak RSS MB: " + backlog.format(0)
                + (backlog.max() < 512 ? " — target < 512 MET" : " — target < 512 MISSED"));
    }

    void close() {
        if (broker != null) {
            broker.close();
        }
        String collected = summary.toString();
        if (!collected.isBlank()) {
            try {
                Files.writeString(logDir.resolve("summary.md"), collected);
            } catch (Exception e) {
                // best effort
            }
        }
    }

    static String join(List<String> l) {
        return l.stream().collect(Collectors.joining(" "));
    }
}
