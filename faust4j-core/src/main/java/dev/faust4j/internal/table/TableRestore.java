package dev.faust4j.internal.table;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.Transport;
import dev.faust4j.time.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Restores table partitions from their changelogs for {@link Tables}: the partitions newly held, into new stores
 * (in memory, or RocksDB stores opened from {@link RocksStores}), and the stale ones held so far only through topics
 * that never wrote them, in place.
 *
 * <p>Design. A restore runs on a restore job's thread ({@link Restoring}) while the assigned partitions stay paused:
 * {@link ChangelogRestorer} brings every store (a standby's, taken over, or a new one) from its stored offset (0 for
 * a new memory store) to its changelog's end (the last stable offset under exactly-once), and only then are the
 * stores published, so an agent never sees a half-restored partition; a cancelled restore publishes nothing. A
 * store whose offset lies outside its changelog fails the restore with the table, partition and place named, or is
 * wiped and restored in full when {@code wipeOnInconsistentOffset}. The in-place catch-up of stale partitions runs
 * on the poll thread.
 *
 * <p>Thread-safety: {@link #restore} and {@link #openStandby} may run on several threads at once (a restore job,
 * the poll thread); {@link #catchUp} on the poll thread.
 */
final class TableRestore {
    private static final Logger log = LoggerFactory.getLogger(TableRestore.class);
    private final String appId;
    private final boolean readCommitted;
    private final Ticker ticker;
    private final Supplier<Transport> transport;
    private final @Nullable RocksStores rocks;
    private final boolean wipeOnInconsistentOffset;

    TableRestore(String appId, boolean readCommitted, Ticker ticker, Supplier<Transport> transport,
                 @Nullable RocksStores rocks, boolean wipeOnInconsistentOffset) {
        this.appId = appId;
        this.readCommitted = readCommitted;
        this.ticker = ticker;
        this.transport = transport;
        this.rocks = rocks;
        this.wipeOnInconsistentOffset = wipeOnInconsistentOffset;
    }

    /**
     * Opens a store for each table partition of these numbers (or takes over the standby's, from {@code warm}),
     * restores them from their stored offsets to their changelogs' ends, and publishes them once all are restored;
     * returns false, having published nothing and closed the stores, when {@code cancelled} said stop. A restore
     * thread ({@link Restoring}).
     */
    boolean restore(Collection<TablePartitions<?, ?>> tables, Set<Integer> fresh,
                    Function<TopicPartition, @Nullable TableStore<?, ?>> warm, BooleanSupplier cancelled) {
        Map<TopicPartition, Opened<?, ?>> opened = new LinkedHashMap<>();
        try {
            for (TablePartitions<?, ?> t : tables) {
                for (int p : fresh) {
                    TopicPartition tp = new TopicPartition(t.changelog, p);
                    TableStore<?, ?> standby = warm.apply(tp);
                    opened.put(tp, standby == null ? open(t, p) : adopt(t, p, standby));
                    if (standby != null) {
                        log.info("app {}: table {} partition {}: taking over the standby replica at changelog offset"
                                + " {}", appId, t.name, p, standby.nextOffset());
                    }
                }
            }
            List<ChangelogRestorer.Restored> restored = restoreOrWipe(opened, cancelled);
            if (cancelled.getAsBoolean()) {
                opened.values().forEach(o -> o.store.close()); // what RocksDB applied stays, with its offset
                return false;
            }
            if (rocks != null) {
                for (ChangelogRestorer.Restored r : restored) {
                    Opened<?, ?> o = opened.get(r.partition());
                    log.info("app {}: table {} partition {}: RocksDB store at changelog offset {}, {} record(s)"
                            + " replayed up to offset {}", appId, o.table.name, o.partition, r.from(), r.records(),
                            r.to());
                }
            }
        } catch (RuntimeException e) {
            opened.values().forEach(o -> o.store.close());
            throw e;
        }
        opened.values().forEach(Opened::publish); // only once restored: an agent never sees a half-restored partition
        return true;
    }

    /** Restores the stores; one whose offset lies outside its changelog fails, or is wiped and restored in full. */
    private List<ChangelogRestorer.Restored> restoreOrWipe(Map<TopicPartition, Opened<?, ?>> opened,
                                                           BooleanSupplier cancelled) {
        while (true) {
            Map<TopicPartition, ChangelogRestorer.Target> targets = new LinkedHashMap<>();
            opened.forEach((tp, o) -> targets.put(tp, o.store));
            try (ChangelogReader reader = transport.get().changelogReader(readCommitted)) {
                return new ChangelogRestorer(reader, ticker, appId).restore(targets, cancelled);
            } catch (ChangelogRestorer.InconsistentOffsetException e) {
                Opened<?, ?> o = opened.get(e.partition());
                if (o == null) {
                    throw e;
                }
                if (rocks == null || !wipeOnInconsistentOffset) {
                    throw new IllegalStateException("table " + o.table.name + " partition " + o.partition + ": "
                            + e.getMessage() + " (or set tableWipeOnInconsistentOffset to do it at once), in "
                            + (rocks == null ? "memory" : rocks.dir(o.table.name, o.partition)), e);
                }
                log.warn("table {} partition {}: {}; tableWipeOnInconsistentOffset is set: deleting the store and"
                        + " restoring it from the changelog", o.table.name, o.partition, e.getMessage());
                o.store.close();
                rocks.wipe(o.table.name, o.partition);
                opened.put(e.partition(), open(o.table, o.partition));
            }
        }
    }

    /** Opens a standby's store of a table partition: as an assigned partition's, but never waiting for a lock. */
    TableStore<?, ?> openStandby(TablePartitions<?, ?> t, int partition) {
        return open(t, partition, false).store;
    }

    @SuppressWarnings("unchecked")
    private static <K, V> Opened<K, V> adopt(TablePartitions<K, V> t, int partition, TableStore<?, ?> store) {
        return new Opened<>(t, partition, (TableStore<K, V>) store);
    }

    private <K, V> Opened<K, V> open(TablePartitions<K, V> t, int partition) {
        return open(t, partition, true);
    }

    private <K, V> Opened<K, V> open(TablePartitions<K, V> t, int partition, boolean waitForLock) {
        TableStore<K, V> store = rocks == null || t.memoryOnly() ? t.newMemoryStore()
                : rocks.open(t.name, partition, t.codec, waitForLock);
        return new Opened<>(t, partition, store);
    }

    /** A table partition's store, opened, being restored. */
    private record Opened<K, V>(TablePartitions<K, V> table, int partition, TableStore<K, V> store) {
        void publish() {
            table.publish(partition, store);
        }
    }

    /**
     * Brings table partitions held so far only through topics that never wrote them here up to their changelog's
     * end, in place: another worker may have written them meanwhile (Kafka's assignor does not keep partitions of
     * one number of a {@code groupBy}'s input and repartition topics together), and this worker is about to.
     * Writes wait meanwhile ({@link TablePartitions#lockWrites}). Poll thread.
     */
    void catchUp(Map<TopicPartition, TablePartitions<?, ?>> stale) {
        Map<TopicPartition, ChangelogRestorer.Target> targets = new LinkedHashMap<>();
        stale.forEach((tp, t) -> {
            TableStore<?, ?> store = t.storeOrNull(tp.partition());
            if (store != null) {
                targets.put(tp, store);
            }
        });
        List<TablePartitions<?, ?>> locked = new ArrayList<>(new LinkedHashSet<>(stale.values()));
        locked.forEach(TablePartitions::lockWrites);
        try (ChangelogReader reader = transport.get().changelogReader(readCommitted)) {
            new ChangelogRestorer(reader, ticker, appId).restore(targets, () -> false);
        } finally {
            locked.forEach(TablePartitions::unlockWrites);
        }
    }

}
