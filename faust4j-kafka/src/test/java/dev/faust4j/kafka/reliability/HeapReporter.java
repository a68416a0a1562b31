package dev.faust4j.kafka.reliability;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The peak-heap figure of the battery's worker processes: a daemon thread samples the heap in use every 100 ms and
 * prints {@code PEAKHEAP <MiB>} each time the highest value so far grows, so that {@link WorkerProcess#peakHeapMb()}
 * can read it back from the log even of a worker that was killed.
 *
 * <p>Thread-safety: {@link #start()} may be called once per process.
 */
final class HeapReporter {

    static final String PREFIX = "PEAKHEAP ";

    private HeapReporter() {
    }

    static void start() {
        Runtime runtime = Runtime.getRuntime();
        AtomicLong peak = new AtomicLong();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("heap-reporter").factory());
        sampler.scheduleAtFixedRate(() -> {
            long mib = (runtime.totalMemory() - runtime.freeMemory()) >> 20;
            if (mib > peak.get()) {
                peak.set(mib);
                System.out.println(PREFIX + mib);
                System.out.flush();
            }
        }, 0, 100, TimeUnit.MILLISECONDS);
    }
}
