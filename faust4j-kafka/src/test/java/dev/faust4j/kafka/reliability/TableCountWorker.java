package dev.faust4j.kafka.reliability;

import dev.faust4j.App;
import dev.faust4j.EventStream;
import dev.faust4j.KeyValue;
import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.Table;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker process of {@link TableCountKillTest}: a one-agent faust4j app that counts the records of each key in
 * a table {@code counts} ({@code counts.update(key, n -> n + 1)}), whose changelog is
 * {@code {appId}-counts-changelog}.
 *
 * <p>Arguments: {@code appId brokerUrl inputTopic workerName guarantee workerId [option...]}: the guarantee is
 * {@code at_least_once} or {@code exactly_once}, the worker id ({@code -}: none) is stable across the restarts of
 * one worker. Options: {@code --group-by} (the input is keyed by a record id and carries the key to count as its
 * value: the stream is regrouped by the value through the repartition topic {@code by-key} first, as users do),
 * {@code --delay-micros=N} (the agent parks that long per record, so that a test can kill it mid-count), and
 * {@code --report=controlTopic,file}: the worker also reads the control topic, and once it has received a record
 * of each of its four partitions (delivered only after the table partitions of that number were restored, so the
 * worker holds every partition restored) it writes {@code table.local()} to the file, one {@code key<TAB>count}
 * line each, and prints {@code REPORTED <keys>}. It runs {@code app.main("worker")}, so SIGTERM stops it
 * gracefully, and prints {@code READY <name>} once the worker runs.
 *
 * <p>Topics have four partitions (the app's {@code topicPartitions}, hence the changelog's too); the test creates
 * the input and control topics beforehand. The consumer uses a 6 s session timeout (the broker's minimum) so a
 * SIGKILLed member is noticed quickly.
 */
public final class TableCountWorker {

    static final int PARTITIONS = 4;

    private TableCountWorker() {
    }

    public static void main(String[] args) {
        if (args.length < 6) {
            System.err.println("usage: TableCountWorker appId brokerUrl inputTopic workerName guarantee workerId"
                    + " [--group-by] [--delay-micros=N] [--report=controlTopic,file]");
            System.exit(2);
        }
        String appId = args[0];
        String broker = args[1];
        String input = args[2];
        String name = args[3];
        ProcessingGuarantee guarantee = ProcessingGuarantee.parse(args[4]);
        String workerId = args[5];
        boolean groupBy = false;
        long delayNanos = 0;
        String control = null;
        Path report = null;
        for (int i = 6; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--group-by")) {
                groupBy = true;
            } else if (arg.startsWith("--delay-micros=")) {
                delayNanos = Long.parseLong(arg.substring("--delay-micros=".length())) * 1000L;
            } else if (arg.startsWith("--report=")) {
                String[] parts = arg.substring("--report=".length()).split(",", 2);
                control = parts[0];
                report = Path.of(parts[1]);
            } else {
                throw new IllegalArgumentException("unknown option " + arg);
            }
        }

        HeapReporter.start();
        App.Builder builder = App.builder(appId)
                .broker(broker)
                .processingGuarantee(guarantee)
                .topicPartitions(PARTITIONS);
        if (guarantee == ProcessingGuarantee.AT_LEAST_ONCE) {
            builder.commitInterval(Duration.ofMillis(200)); // exactly-once keeps its 100 ms default
        }
        if (!workerId.equals("-")) {
            builder.workerId(workerId);
        }
        App app = builder.shutdownGracePeriod(Duration.ofSeconds(10))
                .clientProperty("consumer.session.timeout.ms", "6000")
                .clientProperty("consumer.heartbeat.interval.ms", "1000")
                .clientProperty("consumer.max.poll.interval.ms", "30000")
                .build();
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(input).partitions(PARTITIONS).build());
        boolean regrouped = groupBy;
        long delay = delayNanos;
        app.agent(in, stream -> {
            // --group-by: the value is the key to count; through the repartition topic keyed by it
            EventStream<String, String> byKey = regrouped ? stream.groupBy(v -> v, "by-key", PARTITIONS) : stream;
            for (KeyValue<String, String> kv : byKey.items()) {
                if (delay > 0) {
                    LockSupport.parkNanos(delay);
                }
                var unused = counts.update(kv.key(), n -> n + 1);
            }
        }).name("count");
        if (control != null) {
            Path file = report;
            Topic<String, String> controlTopic = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                    .names(control).partitions(PARTITIONS).build());
            Set<Integer> seen = ConcurrentHashMap.newKeySet();
            app.agent(controlTopic, stream -> {
                for (var event : stream.events()) {
                    seen.add(event.partition());
                    if (seen.size() == PARTITIONS) {
                        Map<String, Long> local = new TreeMap<>(counts.local());
                        write(file, local);
                        System.out.println("REPORTED " + local.size());
                        System.out.flush();
                    }
                }
            }).name("report");
        }
        app.task(() -> {
            System.out.println("READY " + name);
            System.out.flush();
        });
        app.main("worker");
    }

    private static void write(Path file, Map<String, Long> local) {
        StringBuilder text = new StringBuilder();
        local.forEach((k, n) -> text.append(k).append('\t').append(n).append('\n'));
        try {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
