package dev.faust4j.internal.conductor;

import dev.faust4j.AppState;
import dev.faust4j.Partition;
import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.flow.FlowControl;
import dev.faust4j.internal.sensor.Partitions;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the poll loop tells about its progress: a {@link Snapshot} (records fetched, committed offsets, paused
 * partitions) published about once a second for {@code App.lag()} and the progress line, and, while the worker
 * waits for the consumer group to give it partitions, a line saying so every few seconds.
 *
 * <p>Design. Poll thread only, and no I/O: fetched records are counted per batch; once a second the committed
 * offsets of the held partitions are copied into an immutable snapshot. The partitions' ends are asked of the
 * broker by whoever reads the lag, on their own thread ({@link Snapshot#lag}).
 *
 * <p>Thread-safety: {@link #snapshot()} from any thread; the rest on the poll thread.
 */
final class Progress {
    private static final Logger log = LoggerFactory.getLogger(Progress.class);
    private static final long SNAPSHOT_PERIOD = Duration.ofSeconds(1).toNanos();
    private static final long WAITING_PERIOD = Duration.ofSeconds(5).toNanos();

    /**
     * The poll loop's progress at one moment.
     *
     * @param fetched    records fetched since the worker started
     * @param committed  the committed offset of each partition held
     * @param paused     how many of them are paused
     */
    record Snapshot(long fetched, Map<TopicPartition, Long> committed, int paused) {
        static final Snapshot NONE = new Snapshot(0, Map.of(), 0);

        /** The records not committed yet of each partition whose end is in {@code ends}, sorted by partition. */
        Map<Partition, Long> lag(Map<TopicPartition, Long> ends) {
            Map<Partition, Long> out = new TreeMap<>();
            committed.forEach((tp, c) -> {
                Long end = ends.get(tp);
                if (end != null) {
                    out.put(Partitions.of(tp), Math.max(0, end - c));
                }
            });
            return Collections.unmodifiableMap(out);
        }
    }

    private final String appId;
    private final Ticker ticker;
    private final Assignment assignment;
    private final FlowControl flow;
    private volatile Snapshot snapshot = Snapshot.NONE;
    private long fetched;
    private long snapshotAt;
    private long waitingSince = -1;
    private long waitingLineAt;

    Progress(String appId, Ticker ticker, Assignment assignment, FlowControl flow) {
        this.appId = appId;
        this.ticker = ticker;
        this.assignment = assignment;
        this.flow = flow;
        this.snapshotAt = ticker.nanoTime() - SNAPSHOT_PERIOD;
    }

    /** A poll returned {@code n} records of one partition. */
    void fetched(int n) {
        fetched += n;
    }

    /** The latest snapshot (at most about a second old while the loop runs). */
    Snapshot snapshot() {
        return snapshot;
    }

    /** Once per turn of the poll loop. */
    void tick(AppState phase) {
        long now = ticker.nanoTime();
        if (now - snapshotAt >= SNAPSHOT_PERIOD) {
            snapshotAt = now;
            Map<TopicPartition, Long> committed = new HashMap<>();
            for (PartitionTracker t : assignment.all()) {
                committed.put(t.partition(), t.committed());
            }
            snapshot = new Snapshot(fetched, Map.copyOf(committed), flow.pausedCount());
        }
        waiting(phase == AppState.REBALANCING && assignment.all().isEmpty(), now);
    }

    private void waiting(boolean waiting, long now) {
        if (!waiting) {
            waitingSince = -1;
            return;
        }
        if (waitingSince < 0) {
            waitingSince = now;
            waitingLineAt = now;
            return;
        }
        if (now - waitingLineAt >= WAITING_PERIOD) {
            waitingLineAt = now;
            log.info("app {} is waiting for the consumer group to assign it partitions ({} s so far); a worker"
                    + " restarted after a crash waits here until the dead member's session times out, unless it"
                    + " keeps its group.instance.id (static membership)", appId,
                    Duration.ofNanos(now - waitingSince).toSeconds());
        }
    }
}
