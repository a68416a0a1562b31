package dev.faust4j.internal.commit;

import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.send.Transactions;
import dev.faust4j.internal.sensor.Partitions;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransactionFencedException;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.time.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The exactly-once commit protocol (KIP-447): the worker's sends and its input offsets in one transaction.
 *
 * <p>Design. A transaction may only commit offsets at a cut: every record below it processed, no record above it
 * touched, on every owned partition at once (agents run on their own threads, ahead of the poll thread). So a
 * periodic commit is a short barrier: when due, the poll thread keeps fetching but keeps the new records back
 * ({@link #holdsDelivery}, {@link Holdback}; past a bound it pauses fetching with {@code hold}), the agents finish
 * what they already have (polls are short meanwhile), and once every delivered record is acked the producer is
 * flushed and the transaction commits with, per partition, the first record kept back (or the consumer's position)
 * and the group metadata; then the kept records go to the agents at once. A release
 * (revoke, stop) drops the leaving partitions' buffered records, gives the records in readers' hands the grace
 * period and commits at each partition's {@link PartitionTracker#cut}, the others drained. When there is no cut (a
 * commit failed, partitions were lost, agents reading the same records are uneven) the transaction is aborted and
 * every remaining partition rewinds to its committed offset: the records are processed again and nothing aborted is
 * ever read. A fenced worker (replaced by a newer one) and one whose agents do not let go of their records within
 * the grace period stop: going on would write outputs nobody can take back. So does a worker whose transactions
 * fail {@value #MAX_ABORTS_IN_A_ROW} times in a row (a send that can never succeed fails every transaction it is
 * in): it stops with the cause rather than loop.
 *
 * <p>Thread-safety: poll thread only, except {@link #request()}.
 */
public final class ExactlyOnceCommitter implements CommitProtocol {
    private static final Logger log = LoggerFactory.getLogger(ExactlyOnceCommitter.class);
    private static final Duration DRAIN_POLL = Duration.ofMillis(1);
    /** Aborts in a row, without a commit between them, after which the worker stops instead of looping. */
    static final int MAX_ABORTS_IN_A_ROW = 5;

    private final String appId;
    private final TransportConsumer consumer;
    private final Assignment assignment;
    private final Ticker ticker;
    private final long intervalNanos;
    private final long every;
    private final Transactions transactions;
    private final Consumer<Boolean> hold;
    private final Holdback holdback;
    private final Runnable dropStale;
    private final Duration grace;
    /** Per-partition state (tables): dropped and restored from committed data when partitions rewind. */
    private final Consumer<Collection<TopicPartition>> stateReleased;
    private final Consumer<Collection<TopicPartition>> stateAssigned;
    private final Consumer<Collection<TopicPartition>> stateCommitted;
    private final Runnable committing;
    private volatile boolean requested;
    private volatile @Nullable String abortRequested;
    private boolean stopped;
    private int abortsInARow;
    private String lastAbortCause = "";
    private boolean draining;
    /** When the drain last made progress (a record finished), and the ack count then. */
    private long drainProgressNanos;
    private long drainProgressAcks;
    private long lastCommitNanos;
    private long acksAtLastCommit;
    private final Sensors sensors;

    /**
     * @param hold      pauses ({@code true}) or resumes fetching of every partition
     * @param holdback  the records fetched but kept back while a commit waits for the agents
     * @param dropStale drops the buffered events of revoked partitions from every subscription
     * @param grace     how long a release or a barrier waits for the agents
     */
    public ExactlyOnceCommitter(String appId, TransportConsumer consumer, Assignment assignment, Ticker ticker,
                                Duration interval, int every, Transactions transactions, Consumer<Boolean> hold,
                                Holdback holdback, Runnable dropStale, Duration grace,
                                Consumer<Collection<TopicPartition>> stateReleased,
                                Consumer<Collection<TopicPartition>> stateAssigned,
                                Consumer<Collection<TopicPartition>> stateCommitted, Runnable committing,
                                Sensors sensors) {
        this.sensors = sensors;
        this.stateCommitted = stateCommitted;
        this.committing = committing;
        this.stateReleased = stateReleased;
        this.stateAssigned = stateAssigned;
        this.appId = appId;
        this.consumer = consumer;
        this.assignment = assignment;
        this.ticker = ticker;
        this.intervalNanos = interval.toNanos();
        this.every = every;
        this.transactions = transactions;
        this.hold = hold;
        this.holdback = holdback;
        this.dropStale = dropStale;
        this.grace = grace;
        this.lastCommitNanos = ticker.nanoTime();
    }

    @Override
    public void request() {
        requested = true;
    }

    /** Abort the open transaction and rewind at the next turn (an agent failed after sending). Thread-safe. */
    public void requestAbort(String cause) {
        abortRequested = cause;
    }

    @Override
    public boolean holdsDelivery() {
        return draining;
    }

    @Override
    public Duration pollTimeout(Duration normal) {
        return draining ? DRAIN_POLL : normal;
    }

    @Override
    public void maybeCommit() {
        String abort = abortRequested;
        if (abort != null && !stopped) {
            abortRequested = null;
            log.warn("app {}: {}; aborting the transaction and processing the records again", appId, abort);
            lastAbortCause = abort;
            abortAndRewind(List.copyOf(assignment.all()), List.of());
            return;
        }
        if (!draining) {
            long now = ticker.nanoTime();
            long acks = assignment.ackCount();
            if (!requested && now - lastCommitNanos < intervalNanos && acks - acksAtLastCommit < every) {
                return;
            }
            requested = false;
            lastCommitNanos = now;
            acksAtLastCommit = acks;
            if (!transactions.dirty() && !advanced()) {
                return; // nothing to commit
            }
            draining = true; // records fetched from now on are kept back (holdsDelivery) until the commit
            drainProgressNanos = System.nanoTime();
            drainProgressAcks = acks;
        }
        if (!drained(assignment.all())) {
            long acks = assignment.ackCount();
            if (acks != drainProgressAcks) { // a slow agent with a long buffer is waited for as long as it progresses
                drainProgressAcks = acks;
                drainProgressNanos = System.nanoTime();
                return;
            }
            if (System.nanoTime() - drainProgressNanos < grace.toNanos()) {
                return;
            }
            log.warn("app {}: no fetched record was finished for {} ms while the commit waited for the agents;"
                    + " aborting the transaction and processing the records again", appId, grace.toMillis());
            lastAbortCause = "no fetched record was finished for the grace period while the commit waited";
            abortAndRewind(List.copyOf(assignment.all()), List.of());
            return;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (PartitionTracker t : assignment.all()) {
            long held = holdback.firstHeld(t.partition()); // records kept back are not processed yet
            offsets.put(t.partition(), held >= 0 ? held : consumer.position(t.partition()));
        }
        commitOrRewind(offsets, List.of());
    }

    @Override
    public void release(List<PartitionTracker> released, boolean commit) {
        if (stopped) { // the worker stops because of this protocol: nothing may be committed (or aborted) any more
            for (PartitionTracker t : released) {
                t.revoke();
            }
            dropStale.run();
            return;
        }
        hold.accept(true);
        draining = true;
        holdback.discard(partitionsOf(released)); // the staying partitions fetch them again
        for (PartitionTracker t : released) {
            t.revoke();
        }
        dropStale.run();
        List<PartitionTracker> all = List.copyOf(assignment.all());
        List<PartitionTracker> staying = new ArrayList<>(all);
        staying.removeAll(released);
        boolean settled = awaitSettled(released, staying, commit ? grace : Duration.ZERO);
        if (!commit || !settled) {
            abortAndRewind(all, released);
            return;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (PartitionTracker t : all) {
            long cut = t.cut(consumer.position(t.partition()));
            if (cut < 0) {
                log.warn("app {}: agents reading {} progressed unevenly; aborting the transaction", appId,
                        t.partition());
                abortAndRewind(all, released);
                return;
            }
            offsets.put(t.partition(), cut);
        }
        commitOrRewind(offsets, released);
    }

    /** Released partitions idle and the staying ones drained, within {@code wait}. */
    private boolean awaitSettled(List<PartitionTracker> released, List<PartitionTracker> staying, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (!(Quiesce.idle(released) && drained(staying))) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        return true;
    }

    private void commitOrRewind(Map<TopicPartition, Long> offsets, List<PartitionTracker> released) {
        try {
            committing.run(); // at the barrier: the tables' held-back changelog records join the transaction
        } catch (RuntimeException e) {
            log.warn("app {}: sending the tables' cached changelog records failed ({}); aborting the transaction and"
                    + " processing the records again", appId, e.toString());
            lastAbortCause = e.toString();
            abortAndRewind(List.copyOf(assignment.all()), released);
            return;
        }
        offsets.entrySet().removeIf(e -> {
            PartitionTracker t = assignment.get(e.getKey());
            return t == null || e.getValue() <= t.committed();
        });
        if (offsets.isEmpty() && !transactions.dirty()) {
            draining = false;
            hold.accept(false);
            return;
        }
        long started = sensors.start();
        sensors.onCommitStarted();
        try {
            transactions.commit(offsets, consumer.groupMetadata());
        } catch (TransactionFencedException e) {
            stopped = true;
            sensors.onCommitFailed(e, Sensors.since(started));
            throw e; // the Conductor stops the worker: a newer instance owns its work now
        } catch (RuntimeException e) {
            sensors.onCommitFailed(e, Sensors.since(started));
            log.warn("app {}: the transaction failed to commit ({}); aborting it and processing the records again",
                    appId, e.toString());
            lastAbortCause = e.toString();
            abortAndRewind(List.copyOf(assignment.all()), released);
            return;
        }
        offsets.forEach((tp, c) -> assignment.get(tp).committed(c));
        if (sensors.enabled()) {
            sensors.onCommitCompleted(Partitions.offsets(offsets), Sensors.since(started));
        }
        // still at the barrier (no agent holds a record, new ones are kept back): the tables' pending updates are
        // exactly the committed transaction's, so they may be persisted now and never hold aborted data
        stateCommitted.accept(partitionsOf(List.copyOf(assignment.all())));
        abortsInARow = 0;
        lastAbortCause = "";
        if (log.isDebugEnabled()) {
            log.debug("committed transaction with offsets {}", offsets);
        }
        draining = false;
        hold.accept(false);
    }

    /**
     * Aborts the open transaction and rewinds every owned partition to its committed offset: readers drop what they
     * buffered, the records in their hands get the grace period (past it the worker must stop: they could still send
     * into the next transaction), and each partition that stays is tracked afresh from its committed offset.
     */
    private void abortAndRewind(List<PartitionTracker> all, List<PartitionTracker> leaving) {
        boolean giveUp = ++abortsInARow >= MAX_ABORTS_IN_A_ROW && !lastAbortCause.isEmpty();
        holdback.discard(partitionsOf(leaving));
        for (PartitionTracker t : all) {
            t.revoke();
        }
        dropStale.run();
        if (!Quiesce.awaitIdle(all, grace)) {
            stopped = true;
            throw new IllegalStateException("app " + appId + ": agents still hold records " + grace.toMillis()
                    + " ms after the transaction was aborted; stopping, so that none of their outputs is written twice");
        }
        try {
            transactions.abort();
        } catch (TransactionFencedException e) {
            stopped = true;
            throw e;
        }
        if (giveUp) {
            stopped = true; // what the trackers say was processed went with the aborted transaction: never commit it
            throw new IllegalStateException("app " + appId + ": " + abortsInARow + " transactions in a row were "
                    + "aborted, the last because " + lastAbortCause + "; stopping instead of processing the same "
                    + "records again (a send that can never succeed, such as a record larger than max.request.size, "
                    + "fails every transaction it is in)");
        }
        List<TopicPartition> rewound = new ArrayList<>();
        for (PartitionTracker t : all) {
            if (leaving.contains(t)) {
                continue; // the caller forgets it; the next owner starts from its committed offset
            }
            long committed = t.committed();
            if (committed >= 0) {
                consumer.seek(t.partition(), committed);
            }
            assignment.assign(t.partition(), committed >= 0 ? committed : consumer.position(t.partition()));
            rewound.add(t.partition());
        }
        // the tables' partitions hold the aborted transaction's updates: restore them from what was committed
        stateReleased.accept(rewound);
        stateAssigned.accept(rewound);
        draining = false;
        hold.accept(false);
    }

    private static List<TopicPartition> partitionsOf(List<PartitionTracker> trackers) {
        List<TopicPartition> out = new ArrayList<>(trackers.size());
        for (PartitionTracker t : trackers) {
            out.add(t.partition());
        }
        return out;
    }

    /** True when every fetched record of these partitions is fully processed. */
    private static boolean drained(Iterable<PartitionTracker> which) {
        for (PartitionTracker t : which) {
            if (t.oldestInFlight() >= 0) {
                return false;
            }
        }
        return true;
    }

    /** True when some partition's position moved past its committed offset. */
    private boolean advanced() {
        for (PartitionTracker t : assignment.all()) {
            if (consumer.position(t.partition()) > t.committed()) {
                return true;
            }
        }
        return false;
    }
}
