package dev.faust4j.kafka.reliability;

import dev.faust4j.ProcessingGuarantee;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * A worker main class ({@link PipelineWorker} unless told otherwise, or {@link PolicyWorker}) in its own JVM: the
 * current {@code java} with this test run's class path, an empty environment (nothing inherited, so nothing
 * secret), stdout and stderr to {@code target/reliability-workers/}.
 */
final class WorkerProcess {

    private static final Path LOG_DIR = Path.of("target", "reliability-workers");

    final String name;
    final Path log;
    final Process process;

    private WorkerProcess(String name, Path log, Process process) {
        this.name = name;
        this.log = log;
        this.process = process;
    }

    static WorkerProcess start(String appId, String input, String output, String name, long delayMicros) {
        return start(appId, input, output, name, delayMicros, ProcessingGuarantee.AT_LEAST_ONCE, null);
    }

    /**
     * A worker with this processing guarantee and worker id ({@code null}: none); {@code name} (the output's
     * {@code worker} header and the log file) may differ per instance of one worker id.
     */
    static WorkerProcess start(String appId, String input, String output, String name, long delayMicros,
                               ProcessingGuarantee guarantee, @Nullable String workerId) {
        return start(appId, input, output, name, delayMicros, guarantee, workerId, List.of());
    }

    /**
     * Like {@link #start(String, String, String, String, long, ProcessingGuarantee, String)}, with
     * {@link PipelineWorker}'s options ({@code --concurrency=N}, {@code --jitter}, {@code --group-by},
     * {@code clientProperty=value}) and JVM options such as {@code -Xmx64m} (which win over the default
     * {@code -Xmx256m}).
     */
    static WorkerProcess start(String appId, String input, String output, String name, long delayMicros,
                               ProcessingGuarantee guarantee, @Nullable String workerId, List<String> options) {
        List<String> args = new ArrayList<>(List.of(
                appId, Reliability.kafka().brokerUrl(), input, output, name, Long.toString(delayMicros),
                guarantee.faustName(), workerId == null ? "-" : workerId));
        args.addAll(options);
        return start(PipelineWorker.class, appId, name, args);
    }

    /**
     * Runs {@code mainClass} with {@code args}; the log is {@code <appId>-<name>.log}. Arguments starting with
     * {@code -X} are JVM options (the last {@code -Xmx} wins over the default {@code -Xmx256m}).
     */
    static WorkerProcess start(Class<?> mainClass, String appId, String name, List<String> args) {
        try {
            Files.createDirectories(LOG_DIR);
            Path log = LOG_DIR.resolve(appId + "-" + name + ".log");
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // reliability.md S3: a flight recording of every Java deserialization (there must be none), kept when the
            // worker exits (not when it is killed)
            Path jfr = LOG_DIR.resolve(appId + "-" + name + ".jfr").toAbsolutePath();
            List<String> command = new ArrayList<>(List.of(java,
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                    "-XX:StartFlightRecording=filename=" + jfr + ",settings=none,dumponexit=true,"
                            + "+jdk.Deserialization#enabled=true"));
            args.stream().filter(o -> o.startsWith("-X")).forEach(command::add);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
            args.stream().filter(o -> !o.startsWith("-X")).forEach(command::add);
            ProcessBuilder pb = new ProcessBuilder(command);
            Map<String, String> env = pb.environment();
            env.clear();
            env.put("PATH", "/usr/bin:/bin");
            pb.redirectErrorStream(true);
            pb.redirectOutput(log.toFile());
            return new WorkerProcess(name, log, pb.start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The Java deserializations the worker's flight recording saw (reliability.md S3: there must be none); -1 when
     * there is no recording (a killed worker does not write it).
     */
    long deserializations() {
        Path jfr = log.resolveSibling(log.getFileName().toString().replaceFirst("\\.log$", ".jfr"));
        if (!Files.exists(jfr)) {
            return -1;
        }
        // the JDK's own jfr tool, as reliability.md S3 says: `jfr print --events jdk.Deserialization` prints nothing
        Path java = Path.of(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        try {
            Process p = new ProcessBuilder(java.resolveSibling("jfr").toString(), "print", "--events",
                    "jdk.Deserialization", jfr.toString()).redirectErrorStream(true).start();
            String printed = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError("jfr print failed on " + jfr + ":\n" + printed);
            }
            return printed.lines().filter(l -> l.startsWith("jdk.Deserialization")).count();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jfr, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The length of the longest line of the worker's log (reliability.md S9: at most 2 KB). */
    int longestLogLine() {
        return output().lines().mapToInt(String::length).max().orElse(0);
    }

    /** The highest heap in use the worker reported ({@link HeapReporter}), in MiB; -1 when it reported none. */
    long peakHeapMb() {
        return output().lines().filter(l -> l.startsWith(HeapReporter.PREFIX))
                .mapToLong(l -> Long.parseLong(l.substring(HeapReporter.PREFIX.length()).trim())).max().orElse(-1);
    }

    /** The highest heap in use any of these workers reported, in MiB; -1 when none did. */
    static long peakHeapMb(java.util.Collection<WorkerProcess> workers) {
        return workers.stream().mapToLong(WorkerProcess::peakHeapMb).max().orElse(-1);
    }

    /** Waits for the worker's {@code READY} line; fails at once if the process died. */
    WorkerProcess awaitReady() {
        await("worker " + name + " ready").atMost(Reliability.PATIENCE).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("worker " + name + " exited with " + process.exitValue() + ":\n" + output());
            }
            return output().contains("READY " + name);
        });
        return this;
    }

    /** SIGKILL, then wait for the process to be gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGSTOP: the process freezes (a zombie once its session times out) until {@link #resume()}. */
    void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /**
     * For a worker that hangs: SIGQUIT makes the JVM print every thread's stack to the worker's log; returns the log
     * once the dump is in it (or as it is, if the dump does not come).
     */
    private String threadDump() {
        try {
            signal("QUIT");
            await("thread dump of " + name).atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> output().contains("Full thread dump"));
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            return output() + "\n(no thread dump: " + e + ")";
        }
        return output();
    }

    /** SIGTERM, without waiting. */
    void sigterm() {
        process.destroy();
    }

    /** Waits for the exit (a failure after {@link Reliability#PATIENCE}); returns the exit code. */
    int awaitExit() throws InterruptedException {
        if (!process.waitFor(Reliability.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("worker " + name + " did not exit:\n" + threadDump());
        }
        return process.exitValue();
    }

    /** SIGTERM, then wait for the exit; returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(Reliability.PATIENCE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("worker " + name + " did not exit after SIGTERM:\n" + threadDump());
        }
        return process.exitValue();
    }

    /** For cleanup: SIGKILL if still alive. */
    void destroy() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
