package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * One partition of one table on this worker, as {@link TableImpl} reads and writes it and {@link ChangelogRestorer}
 * restores it: {@link PartitionStore} (in memory, {@code memory://}) or {@link RocksStore} ({@code rocksdb://}).
 *
 * <p>Design. An update is atomic per key: within it the store applies the function to the current value, sends
 * the changelog record of the new value ({@link ChangelogSend}) and stores the value, so that one key's records go
 * out in the order its values are stored. {@link #committed} tells the store that the records of its partition
 * were committed (a RocksDB store persists what is durable); {@link #close} releases what the store holds.
 *
 * <p>Thread-safety: thread-safe, except {@link #committed} and {@link #close}, called on the poll thread.
 */
interface TableStore<K, V> extends ChangelogRestorer.Target, AutoCloseable {
    /** Sends the changelog record of a new value (the encoded value, null for a tombstone). */
    @FunctionalInterface
    interface ChangelogSend {
        CompletableFuture<RecordMetadata> send(byte @Nullable [] value);

        /**
         * False when the record is sent later with the value of that moment (a write cache): a store that keeps no
         * bytes of its own then passes null instead of encoding the value.
         */
        default boolean wantsBytes() {
            return true;
        }
    }

    /**
     * What an update function returns to leave the value as it is and send nothing (a window closed meanwhile, a
     * set change that changes nothing). Compared by identity.
     */
    Object UNCHANGED = new Object() {
        @Override
        public String toString() {
            return "UNCHANGED";
        }
    };

    /** Whether an update function's result is {@link #UNCHANGED}. */
    static boolean isUnchanged(@Nullable Object value) {
        return value == UNCHANGED;
    }

    /** The stored value, or null. */
    @Nullable
    V get(K key);

    /**
     * Atomically replaces the key's value (null deletes it) by {@code next} of the current one, sending its
     * changelog record through {@code send} within; returns the new value. When {@code next} returns
     * {@link #UNCHANGED} (cast to {@code V}), nothing changes, nothing is sent, and the current value is returned.
     */
    @Nullable
    V update(K key, UnaryOperator<@Nullable V> next, ChangelogSend send);

    /**
     * Removes the key from this worker's store only, writing no changelog record (an expired window: the changelog
     * deletes it by time).
     */
    void evict(K key);

    /** The largest changelog record timestamp this store has restored, or -1 (a windowed table's stream time). */
    default long maxTimestamp() {
        return -1;
    }

    /** Puts every key and value of this partition into {@code out} (a weakly consistent view). */
    void copyTo(Map<K, V> out);

    /** Keys updated and held on the heap until the next commit writes them (RocksDB), or 0. */
    default int pending() {
        return 0;
    }

    /** The changelog records of this partition written so far were committed. Poll thread. */
    default void committed() {
    }

    /** Releases the store (nothing may use it afterwards). Poll thread. */
    @Override
    default void close() {
    }
}
