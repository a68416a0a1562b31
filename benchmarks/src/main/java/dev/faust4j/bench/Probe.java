package dev.faust4j.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a contender JVM measures about itself and how it reports it: a daemon thread samples used heap every
 * 10 ms (peak), the kernel's VmHWM gives peak RSS, and {@link #report} prints one {@code @@RESULT} line on
 * stdout that the harness parses.
 */
final class Probe {
    static final String RESULT = "@@RESULT";
    static final String READY = "@@READY";

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private volatile long peakHeap;
    private volatile boolean running = true;
    private final Thread sampler;

    Probe() {
        sampler = Thread.ofPlatform().daemon().name("bench-probe").start(() -> {
            while (running) {
                long used = memory.getHeapMemoryUsage().getUsed();
                if (used > peakHeap) {
                    peakHeap = used;
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    long peakHeapBytes() {
        long used = memory.getHeapMemoryUsage().getUsed();
        return Math.max(peakHeap, used);
    }

    /** Peak resident set size of this process (VmHWM), in bytes, or -1 where /proc is absent. */
    static long peakRssBytes() {
        return procStatus("VmHWM:");
    }

    static long rssBytes() {
        return procStatus("VmRSS:");
    }

    private static long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).trim().split("\\s+", -1)[0]) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Milliseconds since this JVM started. */
    static long uptimeMs() {
        return ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** Epoch microseconds (Instant.now() has microsecond precision on Linux with JDK 21). */
    static long epochMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    Map<String, Object> memoryFigures() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peak_heap_mb", peakHeapBytes() / (1024.0 * 1024));
        m.put("peak_rss_mb", peakRssBytes() / (1024.0 * 1024));
        return m;
    }

    void stop() {
        running = false;
        sampler.interrupt();
    }

    static void report(String name, Map<String, Object> figures) {
        StringBuilder sb = new StringBuilder(RESULT).append(" name=").append(name);
        figures.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        System.out.println(sb);
        System.out.flush();
    }

    /**
     * Watches a counter until it reaches {@code warm} and then {@code total}, polling every 0.2 ms; returns
     * {nanos at first non-zero, nanos at warm, nanos at total}. Fails after {@code timeoutMs} without progress.
     */
    static long[] watch(LongAdder counter, long warm, long total, long timeoutMs) throws InterruptedException {
        long first = 0;
        long atWarm = warm == 0 ? System.nanoTime() : 0;
        long lastProgress = System.nanoTime();
        long last = -1;
        while (true) {
            long c = counter.sum();
            long now = System.nanoTime();
            if (c != last) {
                last = c;
                lastProgress = now;
            }
            if (first == 0 && c > 0) {
                first = now;
            }
            if (atWarm == 0 && c >= warm) {
                atWarm = now;
            }
            if (c >= total) {
                return new long[] {first, atWarm, now};
            }
            if (now - lastProgress > timeoutMs * 1_000_000L) {
                throw new IllegalStateException(
                        "no progress for " + timeoutMs + " ms: counter at " + c + " of " + total);
            }
            java.util.concurrent.locks.LockSupport.parkNanos(200_000);
        }
    }
}
