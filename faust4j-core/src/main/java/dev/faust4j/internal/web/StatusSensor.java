package dev.faust4j.internal.web;

import dev.faust4j.Partition;
import dev.faust4j.Sensor;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the status page needs that only the worker's events tell: the records each agent is done with, the
 * partitions this worker holds, and which of them are paused.
 *
 * <p>Design. A {@link Sensor} added only when the web server is enabled, so an app without it pays nothing. One
 * {@link LongAdder} per agent, found in a concurrent map (one lookup per record, no allocation after the first);
 * the held and paused partitions as concurrent sets, changed only by rebalances and pauses. Rates are not computed
 * here: {@link Rates} samples {@link #events()} when the status is asked for.
 *
 * <p>Thread-safety: the hooks run on the worker's threads, many at once; the readers on the server's threads.
 */
final class StatusSensor implements Sensor {
    private final ConcurrentHashMap<String, LongAdder> events = new ConcurrentHashMap<>();
    private final Set<Partition> held = ConcurrentHashMap.newKeySet();
    private final Set<Partition> paused = ConcurrentHashMap.newKeySet();

    @Override
    public void onStreamEventOut(String agent, String topic, int partition, long offset, long timestampMs,
                                 long processingNanos) {
        LongAdder n = events.get(agent);
        if (n == null) {
            n = events.computeIfAbsent(agent, a -> new LongAdder());
        }
        n.increment();
    }

    @Override
    public void onRebalanceStarted(Set<Partition> revoked) {
        held.removeAll(revoked);
        paused.removeAll(revoked);
    }

    @Override
    public void onRebalanceEnded(Set<Partition> assigned, long nanos) {
        held.retainAll(assigned);
        held.addAll(assigned);
        paused.retainAll(assigned);
    }

    @Override
    public void onPartitionsPaused(Set<Partition> partitions) {
        paused.addAll(partitions);
    }

    @Override
    public void onPartitionsResumed(Set<Partition> partitions) {
        paused.removeAll(partitions);
    }

    /** The records each agent is done with so far, by agent name (agents with none are absent). */
    Map<String, Long> events() {
        Map<String, Long> out = new TreeMap<>();
        events.forEach((agent, n) -> out.put(agent, n.sum()));
        return out;
    }

    /** The partitions this worker holds, sorted. */
    Set<Partition> held() {
        return new TreeSet<>(held);
    }

    /** True when fetching from this partition is paused. */
    boolean paused(Partition partition) {
        return paused.contains(partition);
    }
}
