package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
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
    }

    void requireNotStarted(String what) {
        if (started.getAsBoolean()) {
            throw new IllegalStateException("cannot " + what + ": the app has started; declare tables and their"
                    + " defaults before start");
        }
    }

    void publish(int partition, TableStore<K, V> store) {
        stores.put(partition, store);
    }

    /** Removes the store of a partition released; returns it (for the caller to close), or null. */
    @Nullable
    TableStore<K, V> drop(int partition) {
        return stores.remove(partition);
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
