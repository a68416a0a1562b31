package dev.faust4j.internal.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per-agent rates (records per second) from samples of the agents' counts, taken when the status is asked for.
 *
 * <p>Design. No timer thread: each request adds a sample (at most one per {@link #MIN_GAP_NANOS}, so a busy page
 * cannot grow the list) and the rate is the difference with the oldest sample kept, divided by the time between
 * them. Samples older than the window are dropped, except the newest of them, so a page polled once a second
 * always has a baseline about one window old. The first sample is taken when the server starts: the first answer
 * is the average since then.
 *
 * <p>Thread-safety: thread-safe (one lock, held for a few map operations).
 */
final class Rates {
    private static final long MIN_GAP_NANOS = 100_000_000L;

    private record Sample(long nanos, Map<String, Long> counts) {
    }

    private final long windowNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Sample> samples = new ArrayList<>();

    Rates(long windowNanos, long startNanos) {
        this.windowNanos = windowNanos;
        samples.add(new Sample(startNanos, Map.of()));
    }

    /** Records these counts at {@code nanos} and returns each agent's rate per second over the window. */
    Map<String, Double> update(long nanos, Map<String, Long> counts) {
        lock.lock();
        try {
            if (nanos - samples.getLast().nanos() >= MIN_GAP_NANOS) {
                samples.add(new Sample(nanos, Map.copyOf(counts)));
            }
            while (samples.size() > 2 && nanos - samples.get(1).nanos() >= windowNanos) {
                samples.removeFirst();
            }
            Sample base = samples.getFirst();
            double seconds = (nanos - base.nanos()) / 1e9;
            Map<String, Double> rates = new TreeMap<>();
            for (Map.Entry<String, Long> c : counts.entrySet()) {
                long delta = c.getValue() - base.counts().getOrDefault(c.getKey(), 0L);
                rates.put(c.getKey(), seconds <= 0 ? 0.0 : Math.round(delta / seconds * 10) / 10.0);
            }
            return rates;
        } finally {
            lock.unlock();
        }
    }
}
