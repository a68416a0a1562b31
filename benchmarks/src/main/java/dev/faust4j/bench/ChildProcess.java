package dev.faust4j.bench;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A contender (or the broker) in a fresh JVM: the same {@code java} binary and class path as the harness,
 * {@code Main child <kind> key=value...}. Its stdout is scanned for {@code @@READY} and {@code @@RESULT} lines;
 * everything else (and stderr) goes to a log file.
 */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final String label;
    private final Path log;
    private final CompletableFuture<Map<String, String>> ready = new CompletableFuture<>();
    private final CompletableFuture<Map<String, String>> result = new CompletableFuture<>();

    private ChildProcess(Process process, String label, Path log, boolean echo) {
        this.process = process;
        this.label = label;
        this.log = log;
        Thread.ofPlatform().daemon().name("child-out-" + label).start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                 PrintStream out = new PrintStream(new java.io.FileOutputStream(log.toFile(), true), true,
                         StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith(Probe.RESULT)) {
                        result.complete(parse(line.substring(Probe.RESULT.length())));
                    } else if (line.startsWith(Probe.READY)) {
                        ready.complete(parse(line.substring(Probe.READY.length())));
                    }
                    out.println(line);
                    if (echo) {
                        System.err.println("  [" + label + "] " + line);
                    }
                }
            } catch (IOException e) {
                // process gone
            }
            var unused = process.onExit().thenRun(() -> {
                String why = label + " exited with code " + process.exitValue() + " before reporting; see " + log;
                ready.completeExceptionally(new IllegalStateException(why));
                result.completeExceptionally(new IllegalStateException(why));
            });
        });
    }

    private static Map<String, String> parse(String s) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String part : s.trim().split("\\s+", -1)) {
            int i = part.indexOf('=');
            if (i > 0) {
                m.put(part.substring(0, i), part.substring(i + 1));
            }
        }
        return m;
    }

    static ChildProcess start(String label, List<String> jvmOptions, String kind, Map<String, ?> args, Path logDir,
                              boolean echo)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmOptions);
        cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        cmd.add("-Dorg.slf4j.simpleLogger.showDateTime=true");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.add("child");
        cmd.add(kind);
        args.forEach((k, v) -> cmd.add(k + "=" + v));
        Path log = logDir.resolve(label.replaceAll("[^A-Za-z0-9_.-]", "_") + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .directory(new File(System.getProperty("user.dir")));
        return new ChildProcess(pb.start(), label, log, echo);
    }

    Map<String, String> awaitReady(long timeoutSeconds) throws Exception {
        return await(ready, timeoutSeconds, "ready");
    }

    Map<String, String> awaitResult(long timeoutSeconds) throws Exception {
        Map<String, String> r = await(result, timeoutSeconds, "result");
        process.waitFor(30, TimeUnit.SECONDS);
        return r;
    }

    private Map<String, String> await(CompletableFuture<Map<String, String>> f, long timeoutSeconds, String what)
            throws Exception {
        try {
            return f.get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(
                    label + " gave no " + what + " within " + timeoutSeconds + " s; see " + log);
        } catch (java.util.concurrent.ExecutionException e) {
            throw (Exception) e.getCause();
        }
    }

    long pid() {
        return process.pid();
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
