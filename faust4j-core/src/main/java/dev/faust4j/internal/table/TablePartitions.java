package dev.faust4j.internal.table;

import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
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
    private final Consumer<ProducedRecord> send;
    private final Map<Integer, PartitionStore<K, V>> stores = new ConcurrentHashMap<>();
    /** The source topics whose records updated this table on this worker. */
    private final Set<String> writers = ConcurrentHashMap.newKeySet();
    /** Writes hold it shared, {@link #publish} exclusively: a write never lands in a store being replaced. */
    private final ReentrantReadWriteLock publishing = new ReentrantReadWriteLock();

    TablePartitions(String name, String changelog, ChangelogCodec<K, V> codec, int partitions,
                    BooleanSupplier started, ToIntFunction<String> sourcePartitions, Consumer<ProducedRecord> send) {
        this.name = name;
        this.changelog = changelog;
        this.codec = codec;
        this.partitions = partitions;
        this.started = started;
        this.sourcePartitions = sourcePartitions;
        this.send = send;
    }

    void requireNotStarted(String what) {
        if (started.getAsBoolean()) {
            throw new IllegalStateException("cannot " + what + ": the app has started; declare tables and their"
                    + " defaults before start");
        }
    }

    /**
     * Publishes a restored store, unless one of {@code heldBefore} (the topics the partition was held through while it
     * was restored) wrote to this table meanwhile: then this worker is the partition's writer and its current store,
     * which holds its writes, stays.
     */
    void publish(int partition, PartitionStore<K, V> store, Set<String> heldBefore) {
        Lock lock = publishing.writeLock();
        lock.lock();
        try {
            if (heldBefore.stream().noneMatch(writers::contains)) {
                stores.put(partition, store);
            }
        } finally {
            lock.unlock();
        }
    }

    /** True when a record of {@code topic} updated this table on this worker. */
    boolean writtenFrom(String topic) {
        return writers.contains(topic);
    }

    /**
     * Runs a write caused by a record of {@code sourceTopic}, which becomes a writer of this table; no store is
     * published meanwhile, so the write lands in the store that stays.
     */
    <T> T writing(String sourceTopic, Supplier<T> write) {
        Lock lock = publishing.readLock();
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

    void drop(int partition) {
        stores.remove(partition);
    }

    @Nullable
    PartitionStore<K, V> storeOrNull(int partition) {
        return stores.get(partition);
    }

    PartitionStore<K, V> store(int partition) {
        PartitionStore<K, V> s = stores.get(partition);
        if (s == null) {
            throw new IllegalStateException("table " + name + ": partition " + partition + " is not held by this"
                    + " worker (it holds " + new TreeSet<>(stores.keySet()) + "); the changelog has " + partitions
                    + " partitions, so the table can follow topics of " + partitions + " partitions only");
        }
        return s;
    }

    Collection<PartitionStore<K, V>> all() {
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

    void send(ProducedRecord record) {
        send.accept(record);
    }
}
