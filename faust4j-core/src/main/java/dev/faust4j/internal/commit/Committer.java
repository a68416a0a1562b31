package dev.faust4j.internal.commit;

import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.sensor.Partitions;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.spi.CommitFailedException;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The commit protocol: what is committed, when, and how.
 *
 * <p>Design. For each owned partition the committable offset is the oldest offset in flight, or the consumer's
 * position when nothing is ({@link PartitionTracker#committable}); commits only move forward. A commit is due every
 * {@code commitInterval}, every {@code commitEvery} acks, or when requested (after a failure). Before committing,
 * the producer is flushed, so a send made because of a record (even one not tied to it) is durable before the
 * record's offset is committed; sends tied to an event already hold its ack until they are durable. The periodic
 * commit never blocks the poll loop: it snapshots the offsets (every record below them is acked, so every send
 * it caused was issued), flushes on a virtual thread while the loop keeps polling, then commits the snapshot
 * asynchronously (one commit in flight; the result arrives on the poll thread). Revoke and stop flush and commit
 * synchronously ({@link #commitNow}). A failed commit is retried at the next one; a run of failures (a broker
 * outage) is logged once, then every 30 s, then once when commits go through again ({@link RepeatingFailureLog}).
 *
 * <p>Thread-safety: poll thread only, except {@link #request()}.
 */
public final class Committer implements CommitProtocol {
    private static final Logger log = LoggerFactory.getLogger(Committer.class);
    /** While commits keep failing, at most one WARN per period ({@link RepeatingFailureLog}). */
    static final Duration FAILURE_LOG_PERIOD = Duration.ofSeconds(30);

    private final TransportConsumer consumer;
    private final Assignment assignment;
    private final Ticker ticker;
    private final long intervalNanos;
    private final long every;
    private final Runnable flush;
    private final Runnable wakeup;
    private final Runnable dropStale;
    private final Duration grace;
    private final Consumer<Collection<TopicPartition>> stateCommitted;
    private volatile boolean requested;
    private long lastCommitNanos;
    private long acksAtLastCommit;
    private Map<TopicPartition, Long> flushing;
    private volatile boolean flushed;
    private boolean inFlight;
    private final RepeatingFailureLog failures;
    private final Sensors sensors;
    /** When the commit being made started (a {@link Sensors#start()} reading). */
    private long commitStarted;

    /**
     * @param consumer   the worker's consumer
     * @param assignment the owned partitions
     * @param ticker     the app's clock
     * @param interval   {@code commitInterval}
     * @param every      {@code commitEvery} acks
     * @param flush      flushes the producer (blocking)
     * @param wakeup     wakes the poll loop (when an asynchronous flush completes)
     * @param dropStale  drops the buffered events of revoked partitions from every subscription
     * @param grace      how long a release waits for events in readers' hands
     * @param committed  told the partitions whose offsets were committed (tables persist their updates)
     * @param sensors    told of each commit
     */
    public Committer(TransportConsumer consumer, Assignment assignment, Ticker ticker, Duration interval, int every,
                     Runnable flush, Runnable wakeup, Runnable dropStale, Duration grace,
                     Consumer<Collection<TopicPartition>> committed, Sensors sensors) {
        this.stateCommitted = committed;
        this.sensors = sensors;
        this.consumer = consumer;
        this.assignment = assignment;
        this.ticker = ticker;
        this.intervalNanos = interval.toNanos();
        this.every = every;
        this.flush = flush;
        this.wakeup = wakeup;
        this.dropStale = dropStale;
        this.grace = grace;
        this.lastCommitNanos = ticker.nanoTime();
        this.failures = new RepeatingFailureLog(log, ticker, FAILURE_LOG_PERIOD, "Commits");
    }

    @Override
    public void request() {
        requested = true;
    }

    /** The periodic commit: finishes a flushed snapshot, or starts a new one when due. Never blocks. */
    @Override
    public void maybeCommit() {
        if (flushing != null && flushed) {
            Map<TopicPartition, Long> snapshot = flushing;
            flushing = null;
            flushed = false;
            commit(snapshot, true);
        }
        long now = ticker.nanoTime();
        long acks = assignment.ackCount();
        boolean due = requested || now - lastCommitNanos >= intervalNanos || acks - acksAtLastCommit >= every;
        if (!due || flushing != null || inFlight) {
            return;
        }
        requested = false;
        lastCommitNanos = now;
        acksAtLastCommit = acks;
        Map<TopicPartition, Long> offsets = committable(assignment.all());
        if (offsets.isEmpty()) {
            return;
        }
        flushing = offsets;
        Thread.ofVirtual().name("faust4j-flush").start(() -> {
            try {
                flush.run();
            } catch (RuntimeException e) {
                log.warn("producer flush failed: {}", e.toString());
            } finally {
                flushed = true;
                wakeup.run();
            }
        });
    }

    @Override
    public boolean holdsDelivery() {
        return false;
    }

    @Override
    public Duration pollTimeout(Duration normal) {
        return normal;
    }

    /**
     * Marks the partitions revoked (readers drop their buffered events instead of processing them), waits at most the
     * grace period for the events in readers' hands (not for those a busy reader merely read ahead), then (when
     * {@code commit}) flushes and commits what is acked.
     */
    @Override
    public void release(List<PartitionTracker> released, boolean commit) {
        for (PartitionTracker t : released) {
            t.revoke();
        }
        dropStale.run();
        Quiesce.awaitIdle(released, commit ? grace : Duration.ZERO);
        if (commit) {
            commitNow(released);
        }
    }

    /** Flushes and commits these partitions synchronously (revoke, stop). */
    private void commitNow(Collection<PartitionTracker> which) {
        Map<TopicPartition, Long> offsets = committable(which);
        if (offsets.isEmpty()) {
            return;
        }
        try {
            flush.run();
        } catch (RuntimeException e) {
            log.warn("producer flush failed: {}", e.toString());
        }
        commit(offsets, false);
    }

    private Map<TopicPartition, Long> committable(Collection<PartitionTracker> which) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (PartitionTracker t : which) {
            long c = t.committable(consumer.position(t.partition()));
            if (c > t.committed()) {
                offsets.put(t.partition(), c);
            }
        }
        return offsets;
    }

    /** Commits a snapshot for the partitions still owned, only forward. */
    private void commit(Map<TopicPartition, Long> snapshot, boolean async) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        snapshot.forEach((tp, c) -> {
            PartitionTracker t = assignment.get(tp);
            if (t != null && c > t.committed()) {
                offsets.put(tp, c);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        commitStarted = sensors.start();
        sensors.onCommitStarted();
        if (async) {
            inFlight = true;
            consumer.commitAsync(offsets, failure -> {
                inFlight = false;
                committed(offsets, failure);
            });
            return;
        }
        try {
            consumer.commit(offsets);
            committed(offsets, null);
        } catch (CommitFailedException e) {
            committed(offsets, e);
        }
    }

    private void committed(Map<TopicPartition, Long> offsets, CommitFailedException failure) {
        if (failure != null) {
            sensors.onCommitFailed(failure, Sensors.since(commitStarted));
            failures.failed("commit of " + offsets.size() + " partitions: " + failure.getMessage());
            return;
        }
        if (sensors.enabled()) {
            sensors.onCommitCompleted(Partitions.offsets(offsets), Sensors.since(commitStarted));
        }
        failures.succeeded();
        offsets.forEach((tp, c) -> {
            PartitionTracker t = assignment.get(tp); // gone when revoked meanwhile
            if (t != null) {
                t.committed(c);
            }
        });
        if (log.isDebugEnabled()) {
            log.debug("committed {}", offsets);
        }
        stateCommitted.accept(offsets.keySet());
    }
}
