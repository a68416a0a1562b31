package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;

/**
 * One table's partitions on this worker, and the few things its writes need from the app: the changelog topic and
 * codec, whether the app has started, the partition count of a source topic, and the sender.
 *
 * <p>Design. {@link Tables} publishes a partition's store here once it is restored and removes it when the
 * partition is released; {@link TableImpl} reads and writes the stores. A store is published whole, so an agent
 * never sees a partition half restored.
 *
 * <p>Thread-safety: thread-safe.
 */
final class TablePartitions<K, V> {
    final String name;
    final String changelog;
    final ChangelogCodec<K, V> codec;
    private final int partitions;
    private final BooleanSupplier started;
    private final ToIntFunction<String> sourcePartitions;
    private final Function<ProducedRecord, CompletableFuture<RecordMetadata>> send;
    private final Map<Integer, TableStore<K, V>> stores = new ConcurrentHashMap<>();
    private volatile PartitionStore.Applier<K, V> applier;
    private volatile boolean memoryOnly;
    private volatile Supplier<Map<String, String>> topicConfigs = () -> Map.of("cleanup.policy", "compact");
    /** The source topics whose records updated this table on this worker. */
    private final Set<String> writers = ConcurrentHashMap.newKeySet();
    /** Writes hold it shared, a catch-up of a stale partition exclusively: no write lands in a partition being caught up. */
    private final ReentrantReadWriteLock catchingUp = new ReentrantReadWriteLock();
    private volatile @Nullable WriteCache<K, V> cache;
    private volatile Listener<K, V> listener = new Listener<>() {
    };

    /** Told about partitions as they are published and dropped (a windowed table keeps an index of its windows). */
    interface Listener<K, V> {
        /** A restored partition is about to be published: not yet visible to agents. Poll thread. */
        default void publishing(int partition, TableStore<K, V> store) {
        }

        /** A partition was dropped. Poll thread. */
        default void dropped(int partition) {
        }
    }

    TablePartitions(String name, String changelog, ChangelogCodec<K, V> codec, int partitions,
                    BooleanSupplier started, ToIntFunction<String> sourcePartitions,
                    Function<ProducedRecord, CompletableFuture<RecordMetadata>> send) {
        this.name = name;
        this.changelog = changelog;
        this.codec = codec;
        this.partitions = partitions;
        this.started = started;
        this.sourcePartitions = sourcePartitions;
        this.send = send;
        this.applier = PartitionStore.replacing(codec);
    }

    /** Sends this table's changelog records at commits, one per key updated, instead of one per update. */
    void enableCache(int limit, Runnable requestCommit) {
        cache = new WriteCache<>(changelog, codec, stores::get, send, limit, requestCommit);
    }

    /** The write cache, or null when updates send their changelog records at once. */
    @Nullable
    WriteCache<K, V> cache() {
        return cache;
    }

    /** True when a record of {@code topic} updated this table on this worker. */
    boolean writtenFrom(String topic) {
        return writers.contains(topic);
    }

    /**
     * Runs a write caused by a record of {@code sourceTopic}, which becomes a writer of this table; no partition is
     * caught up meanwhile.
     */
    <T> T writing(String sourceTopic, Supplier<T> write) {
        Lock lock = catchingUp.readLock();
        lock.lock();
        try {
            if (!writers.contains(sourceTopic)) {
                writers.add(sourceTopic);
            }
            return write.get();
        } finally {
            lock.unlock();
        }
    }

    /** Holds off writes (a stale partition is caught up). Poll thread; pair with {@link #unlockWrites}. */
    void lockWrites() {
        catchingUp.writeLock().lock();
    }

    void unlockWrites() {
        catchingUp.writeLock().unlock();
    }

    void requireNotStarted(String what) {
        if (started.getAsBoolean()) {
            throw new IllegalStateException("cannot " + what + ": the app has started; declare tables and their"
                    + " defaults before start");
        }
    }

    /**
     * Sets how a restored changelog record changes a partition (a set table applies operations); such a table is
     * kept in memory whatever the table store.
     */
    void restoreWith(PartitionStore.Applier<K, V> applier) {
        this.applier = applier;
        this.memoryOnly = true;
    }

    /** Keeps this table in memory whatever the app's table store (a global table). */
    void keepInMemory() {
        this.memoryOnly = true;
    }

    /** Whether this table is kept in memory whatever the app's table store. */
    boolean memoryOnly() {
        return memoryOnly;
    }

    /** An empty in-memory store for one partition, to restore. */
    PartitionStore<K, V> newMemoryStore() {
        return new PartitionStore<>(codec, applier);
    }

    void listen(Listener<K, V> listener, Supplier<Map<String, String>> topicConfigs) {
        this.listener = listener;
        this.topicConfigs = topicConfigs;
    }

    /** The changelog topic's configuration, read when it is declared (at start). */
    Map<String, String> topicConfigs() {
        return topicConfigs.get();
    }

    void publish(int partition, TableStore<K, V> store) {
        listener.publishing(partition, store);
        stores.put(partition, store);
    }

    /** Removes the store of a partition released; returns it (for the caller to close), or null. */
    @Nullable
    TableStore<K, V> drop(int partition) {
        TableStore<K, V> store = stores.remove(partition);
        WriteCache<K, V> c = cache;
        if (c != null) {
            c.dropped(partition);
        }
        if (store != null) {
            listener.dropped(partition);
        }
        return store;
    }

    @Nullable
    TableStore<K, V> storeOrNull(int partition) {
        return stores.get(partition);
    }

    TableStore<K, V> store(int partition) {
        TableStore<K, V> s = stores.get(partition);
        if (s == null) {
            throw new IllegalStateException("table " + name + ": partition " + partition + " is not held by this"
                    + " worker (it holds " + new TreeSet<>(stores.keySet()) + "); the changelog has " + partitions
                    + " partitions, so the table can follow topics of " + partitions + " partitions only");
        }
        return s;
    }

    /** Keys updated and held until the next commit, over this worker's partitions. */
    long pending() {
        long n = 0;
        for (TableStore<K, V> s : stores.values()) {
            n += s.pending();
        }
        WriteCache<K, V> c = cache;
        return c == null ? n : Math.max(n, c.size()); // a RocksDB store's pending keys include its dirty keys
    }

    Collection<TableStore<K, V>> all() {
        return new ArrayList<>(stores.values());
    }

    /** The source topic feeding a write must have as many partitions as the changelog. */
    void checkCopartitioned(String sourceTopic) {
        int n = sourcePartitions.applyAsInt(sourceTopic);
        if (n != partitions) {
            throw new IllegalStateException("table " + name + ": the source topic " + sourceTopic + " has " + n
                    + " partitions, but the changelog topic " + changelog + " has " + partitions + "; a table"
                    + " follows topics of its changelog's partition count (the app's topicPartitions)");
        }
    }

    /** Sends a changelog record (tied to the record in hand); returns its outcome. */
    CompletableFuture<RecordMetadata> send(ProducedRecord record) {
        return send.apply(record);
    }
}
