package dev.faust4j.internal.table;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps every partition of the app's global tables on this worker, following their changelogs (Faust's
 * {@code GlobalTable}, Kafka Streams' {@code GlobalKTable}, but writable by the worker that owns a partition).
 *
 * <p>Design. At start every partition is restored (before any record is consumed) and published; then one virtual
 * thread follows all of them with one {@link ChangelogReader}, applying the records of the partitions this worker
 * does not own. A partition this worker owns (it is assigned the source partition of that number) is written here
 * by the agents, so the follower only moves its offset past the records (our own writes, already applied: never
 * consume your own active changelog, faust-tables.md §8.2 item 10). On assignment ({@link #owned}, poll thread) the
 * partition is first caught up to its changelog's end with a reader of its own, under the partition's lock, so an
 * agent never reads state older than the previous owner's last write. On release under exactly-once the
 * partition's writes may include aborted ones: its store is replaced by an empty one and read again from the
 * beginning (the follower drops what it reads of it until it has sought back). The lock of a partition guards its
 * store's replacement and its "owned" flag against the follower.
 *
 * <p>Thread-safety: thread-safe; {@link #start}, {@link #owned}, {@link #released} and {@link #close} are called by
 * one thread at a time (start and stop, the poll thread).
 */
final class GlobalFollower {
    private static final Logger log = LoggerFactory.getLogger(GlobalFollower.class);
    private static final Duration POLL = Duration.ofMillis(100);

    /** One partition of one global table. */
    private static final class Slot {
        final TablePartitions<?, ?> table;
        final int partition;
        final ReentrantLock lock = new ReentrantLock();
        volatile PartitionStore<?, ?> store;
        boolean owned; // guarded by lock
        boolean awaitingSeek; // guarded by lock: records read before the seek back are of the replaced store

        Slot(TablePartitions<?, ?> table, int partition) {
            this.table = table;
            this.partition = partition;
            this.store = table.newMemoryStore();
        }

        void publish() {
            publishStore(table, partition, store);
        }
    }

    private final Map<TopicPartition, Slot> slots = new LinkedHashMap<>();
    private final int partitions;
    private final Supplier<ChangelogReader> readers;
    private final Ticker ticker;
    private final String appId;
    private final boolean exactlyOnce;
    private final Queue<TopicPartition> seeks = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;
    private volatile ChangelogReader reader;
    private Thread thread;

    GlobalFollower(Collection<TablePartitions<?, ?>> tables, int partitions, Supplier<ChangelogReader> readers,
                   Ticker ticker, String appId, boolean exactlyOnce) {
        this.partitions = partitions;
        this.readers = readers;
        this.ticker = ticker;
        this.appId = appId;
        this.exactlyOnce = exactlyOnce;
        for (TablePartitions<?, ?> t : tables) {
            for (int p = 0; p < partitions; p++) {
                slots.put(new TopicPartition(t.changelog, p), new Slot(t, p));
            }
        }
    }

    /** Restores every partition, publishes them, and starts following. */
    void start() {
        if (slots.isEmpty()) {
            return;
        }
        Map<TopicPartition, ChangelogRestorer.Target> targets = new LinkedHashMap<>();
        slots.forEach((tp, slot) -> targets.put(tp, slot.store));
        try (ChangelogReader r = readers.get()) {
            new ChangelogRestorer(r, ticker, appId).restore(targets, () -> false);
        }
        slots.values().forEach(Slot::publish);
        ChangelogReader follow = readers.get();
        follow.assign(slots.keySet());
        slots.forEach((tp, slot) -> follow.seek(tp, slot.store.nextOffset()));
        reader = follow;
        thread = Thread.ofVirtual().name("faust4j-global-tables").start(this::follow);
    }

    /** This worker now owns these partitions: catch each up to its end, then stop following it. Poll thread. */
    void owned(Collection<Integer> owned) {
        List<Slot> taken = new ArrayList<>();
        Map<TopicPartition, ChangelogRestorer.Target> targets = new LinkedHashMap<>();
        for (Map.Entry<TopicPartition, Slot> e : slots.entrySet()) {
            if (owned.contains(e.getValue().partition)) {
                e.getValue().lock.lock();
                taken.add(e.getValue());
                targets.put(e.getKey(), e.getValue().store);
            }
        }
        try {
            if (!targets.isEmpty()) {
                try (ChangelogReader r = readers.get()) {
                    new ChangelogRestorer(r, ticker, appId).restore(targets, () -> false);
                }
            }
            taken.forEach(s -> s.owned = true);
        } finally {
            taken.forEach(s -> s.lock.unlock());
        }
    }

    /** This worker no longer owns these partitions (or rewinds them): follow them again. Poll thread. */
    void released(Collection<Integer> released) {
        for (Map.Entry<TopicPartition, Slot> e : slots.entrySet()) {
            Slot slot = e.getValue();
            if (!released.contains(slot.partition)) {
                continue;
            }
            slot.lock.lock();
            try {
                slot.owned = false;
                if (exactlyOnce) { // its writes may have been aborted: read it again from the committed changelog
                    slot.store = slot.table.newMemoryStore();
                    slot.publish();
                    slot.awaitingSeek = true;
                    seeks.add(e.getKey());
                }
            } finally {
                slot.lock.unlock();
            }
        }
        ChangelogReader r = reader;
        if (r != null && exactlyOnce) {
            r.wakeup();
        }
    }

    /** Stops following (at stop, after the agents stopped). */
    void close() {
        closed = true;
        ChangelogReader r = reader;
        if (r != null) {
            r.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void follow() {
        ChangelogReader r = reader;
        try {
            while (!closed) {
                for (TopicPartition tp; (tp = seeks.poll()) != null;) {
                    Slot slot = slots.get(tp);
                    slot.lock.lock();
                    try {
                        r.seek(tp, slot.store.nextOffset());
                        slot.awaitingSeek = false;
                    } finally {
                        slot.lock.unlock();
                    }
                }
                for (PartitionRecords batch : r.poll(POLL)) {
                    apply(slots.get(batch.partition()), batch.records());
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                log.error("app {}: following the global tables' changelogs failed; their partitions this worker"
                        + " does not own stop changing: {}", appId, e.toString(), e);
            }
        } finally {
            r.close();
        }
    }

    private static void apply(Slot slot, List<ConsumedRecord> records) {
        if (slot == null || records.isEmpty()) {
            return;
        }
        slot.lock.lock();
        try {
            if (slot.awaitingSeek) {
                return;
            }
            PartitionStore<?, ?> store = slot.store;
            long next = store.nextOffset();
            long last = records.getLast().offset();
            if (last < next) {
                return;
            }
            if (slot.owned) { // our own writes, applied when they were made
                store.apply(List.of(), last + 1);
                return;
            }
            int from = 0;
            while (records.get(from).offset() < next) {
                from++;
            }
            store.apply(records.subList(from, records.size()), last + 1);
        } finally {
            slot.lock.unlock();
        }
    }

    private static <K, V> void publishStore(TablePartitions<K, V> table, int partition, PartitionStore<?, ?> store) {
        @SuppressWarnings("unchecked") PartitionStore<K, V> typed = (PartitionStore<K, V>) store;
        table.publish(partition, typed);
    }

    @Override
    public String toString() {
        return "GlobalFollower[" + slots.size() + " partitions of " + partitions + "]";
    }
}
