package dev.faust4j.internal.table;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * This worker's standby replicas: table partitions it does not process but keeps up to date from their changelogs,
 * so that when one is assigned to it (the assignor prefers a standby) only the changelog's tail is replayed (Faust's
 * and Kafka Streams' standbys, {@code tableStandbyReplicas}).
 *
 * <p>Design. The transport's assignor names the partition numbers this worker is standby for, in every rebalance
 * before the partitions it is assigned ({@link #assign}, poll thread). For every table and every such number a
 * store is opened (in memory, empty; or the RocksDB store on disk, which a standby of an earlier run or an earlier
 * owner left at its offset), never published to the agents; one virtual thread follows all of them with one
 * {@link ChangelogReader} and applies each batch it reads (a RocksDB store writes the batch with its offset, so the
 * copy survives a restart too). A number about to become active is handed over ({@link #take}, called by the
 * restore of the newly assigned partitions, which brings the store from where it stands to the changelog's end and
 * publishes it); a number that is neither standby nor about to be active has its stores closed. The reader is
 * single-threaded, so a new set of partitions reaches the follower as a flag it acts on between polls, after a
 * wakeup. A slot's lock guards its store against the follower while it is handed over or closed. A store whose
 * offset lies outside its changelog is not followed (the restore that takes it over applies the worker's policy).
 *
 * <p>Thread-safety: thread-safe; {@link #assign}, {@link #take} and {@link #close} are called by one thread at a
 * time (the poll thread, and stop).
 */
final class Standbys {
    private static final Logger log = LoggerFactory.getLogger(Standbys.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final long FAILURE_LOG_EVERY = TimeUnit.MINUTES.toNanos(1);

    /** One standby table partition. */
    private static final class Slot {
        final TablePartitions<?, ?> table;
        final int partition;
        final TableStore<?, ?> store;
        final ReentrantLock lock = new ReentrantLock();
        boolean gone; // guarded by lock: handed over or closed
        boolean warned; // follower thread only: its offset lies outside its changelog, said once

        Slot(TablePartitions<?, ?> table, int partition, TableStore<?, ?> store) {
            this.table = table;
            this.partition = partition;
            this.store = store;
        }
    }

    private final String appId;
    private final Supplier<ChangelogReader> readers;
    private final BiFunction<TablePartitions<?, ?>, Integer, TableStore<?, ?>> opener;
    private final Map<TopicPartition, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicBoolean reassign = new AtomicBoolean();
    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition assigned = idleLock.newCondition();
    private final AtomicLong applied = new AtomicLong();
    private volatile boolean closed;
    private volatile @Nullable ChangelogReader reader;
    private @Nullable Thread thread;

    /**
     * @param readers opens a changelog reader (read committed under exactly-once)
     * @param opener  opens a table partition's store, as an active partition's would be
     */
    Standbys(String appId, Supplier<ChangelogReader> readers,
             BiFunction<TablePartitions<?, ?>, Integer, TableStore<?, ?>> opener) {
        this.appId = appId;
        this.readers = readers;
        this.opener = opener;
    }

    /**
     * The standby numbers from now on: opens the stores of the new ones and closes those of the numbers no longer
     * kept, except the numbers in {@code keep} (about to become active: {@link #take} hands them over). Poll thread.
     */
    void assign(Collection<TablePartitions<?, ?>> tables, Set<Integer> standbys, Set<Integer> keep) {
        if (closed) {
            return;
        }
        boolean changed = false;
        for (TopicPartition tp : List.copyOf(slots.keySet())) {
            int p = tp.partition();
            if (!standbys.contains(p) && !keep.contains(p)) {
                Slot slot = slots.remove(tp);
                if (slot != null) {
                    closeSlot(slot);
                    changed = true;
                }
            }
        }
        for (TablePartitions<?, ?> t : tables) {
            for (int p : standbys) {
                TopicPartition tp = new TopicPartition(t.changelog, p);
                if (!slots.containsKey(tp)) {
                    TableStore<?, ?> store;
                    try {
                        store = opener.apply(t, p);
                    } catch (RuntimeException e) { // a standby is an optimisation: never fail the rebalance for one
                        log.warn("app {}: cannot keep a standby replica of table {} partition {} (another worker on"
                                + " this machine may hold it in the same dataDir): {}", appId, t.name, p, e.toString());
                        continue;
                    }
                    slots.put(tp, new Slot(t, p, store));
                    changed = true;
                }
            }
        }
        if (changed) {
            log.info("app {}: standby for table partition(s) {}", appId, new java.util.TreeSet<>(standbys));
            signal();
            if (thread == null && !slots.isEmpty()) {
                thread = Thread.ofVirtual().name("faust4j-standbys").start(this::follow);
            }
        }
    }

    /**
     * Hands over the standby store of this table partition (which then leaves the follower), or null when this
     * worker holds no standby of it. Poll thread.
     */
    @Nullable
    TableStore<?, ?> take(TopicPartition changelogPartition) {
        Slot slot = slots.remove(changelogPartition);
        if (slot == null) {
            return null;
        }
        slot.lock.lock();
        try {
            slot.gone = true;
        } finally {
            slot.lock.unlock();
        }
        signal();
        return slot.store;
    }

    /** Changelog records applied to standby stores so far. */
    long applied() {
        return applied.get();
    }

    /** Stops following and closes the standby stores (the worker stops). */
    void close() {
        closed = true;
        signal();
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (TopicPartition tp : List.copyOf(slots.keySet())) {
            Slot slot = slots.remove(tp);
            if (slot != null) {
                closeSlot(slot);
            }
        }
    }

    /** Tells the follower to read the slots' partitions anew (or to stop), waking it wherever it waits. */
    private void signal() {
        reassign.set(true);
        ChangelogReader r = reader;
        if (r != null) {
            r.wakeup();
        }
        idleLock.lock();
        try {
            assigned.signalAll();
        } finally {
            idleLock.unlock();
        }
    }

    private static void closeSlot(Slot slot) {
        slot.lock.lock();
        try {
            if (!slot.gone) {
                slot.gone = true;
                slot.store.close();
            }
        } finally {
            slot.lock.unlock();
        }
    }

    private void follow() {
        long lastFailureLogged = Long.MIN_VALUE;
        while (!closed) {
            try (ChangelogReader r = readers.get()) {
                reader = r;
                reassign.set(true);
                List<TopicPartition> followed = List.of();
                while (!closed) {
                    if (reassign.getAndSet(false)) {
                        followed = reassign(r);
                    }
                    if (followed.isEmpty()) {
                        idle(false);
                        continue;
                    }
                    for (PartitionRecords batch : r.poll(POLL)) {
                        Slot slot = slots.get(batch.partition());
                        if (slot != null) {
                            apply(slot, batch.records());
                        }
                    }
                }
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                long now = System.nanoTime();
                if (lastFailureLogged == Long.MIN_VALUE || now - lastFailureLogged >= FAILURE_LOG_EVERY) {
                    lastFailureLogged = now;
                    log.warn("app {}: following the standby table partitions' changelogs failed (a takeover restores"
                            + " them from where they stand); trying again with a new reader: {}", appId, e.toString(),
                            e);
                }
                idle(true); // a pause before the new reader, unless the assignment changes or the worker stops
            } finally {
                reader = null;
            }
        }
    }

    /** Waits for a new assignment or the close (after a failure: at most {@link #RETRY}). */
    private void idle(boolean afterFailure) {
        idleLock.lock();
        try {
            long deadline = System.nanoTime() + RETRY.toNanos();
            while (!reassign.get() && !closed && (!afterFailure || System.nanoTime() < deadline)) {
                assigned.await(afterFailure ? Math.max(1, deadline - System.nanoTime()) : TimeUnit.SECONDS.toNanos(1),
                        TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        } finally {
            idleLock.unlock();
        }
    }

    /** Reads the partitions of the current slots from where their stores stand. Follower thread. */
    private List<TopicPartition> reassign(ChangelogReader r) {
        List<TopicPartition> wanted = new ArrayList<>();
        for (Map.Entry<TopicPartition, Slot> e : slots.entrySet()) {
            wanted.add(e.getKey());
        }
        r.assign(wanted);
        if (wanted.isEmpty()) {
            return wanted;
        }
        Map<TopicPartition, Long> end = r.endOffsets(wanted);
        Map<TopicPartition, Long> beginning = r.beginningOffsets(wanted);
        List<TopicPartition> followed = new ArrayList<>();
        for (TopicPartition tp : wanted) {
            Slot slot = slots.get(tp);
            if (slot == null) {
                continue;
            }
            slot.lock.lock();
            try {
                if (slot.gone) {
                    continue;
                }
                long stored = slot.store.nextOffset();
                long last = end.getOrDefault(tp, 0L);
                long first = beginning.getOrDefault(tp, 0L);
                if (stored > last || (stored > 0 && stored < first)) {
                    if (!slot.warned) {
                        slot.warned = true;
                        log.warn("app {}: standby table {} partition {} has applied its changelog up to offset {},"
                                + " outside the changelog's offsets {} to {}; it is not followed (taking the"
                                + " partition over applies tableWipeOnInconsistentOffset)", appId, slot.table.name,
                                slot.partition, stored, first, last);
                    }
                    continue;
                }
                r.seek(tp, Math.max(stored, first));
                followed.add(tp);
            } finally {
                slot.lock.unlock();
            }
        }
        if (followed.size() < wanted.size()) {
            r.assign(followed);
            for (TopicPartition tp : followed) {
                r.seek(tp, Math.max(slots.get(tp).store.nextOffset(), beginning.getOrDefault(tp, 0L)));
            }
        }
        return followed;
    }

    private void apply(Slot slot, List<ConsumedRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        slot.lock.lock();
        try {
            if (slot.gone) {
                return;
            }
            long next = slot.store.nextOffset();
            long last = records.getLast().offset();
            if (last < next) {
                return;
            }
            int from = 0;
            while (records.get(from).offset() < next) {
                from++;
            }
            slot.store.apply(records.subList(from, records.size()), last + 1);
            applied.addAndGet(records.size() - from);
        } finally {
            slot.lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "Standbys[" + slots.size() + " table partitions]";
    }
}
