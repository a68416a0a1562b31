package dev.faust4j.internal.table;

import dev.faust4j.spi.ConsumedRecord;

import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One partition of one table, held in memory: the decoded keys and values, and the changelog offset it has
 * applied up to.
 *
 * <p>Design. Agents read and write it through {@link #map} (a {@link ConcurrentHashMap}, so a write of one key
 * is one atomic {@code compute}); the restore applies changelog records to it before any agent sees a record of its
 * partition ({@link ChangelogRestorer.Target}), with a tombstone deleting the key. An undecodable changelog record
 * fails the restore with its position (never skipped: that would silently lose state).
 *
 * <p>Thread-safety: thread-safe.
 */
final class PartitionStore<K, V> implements ChangelogRestorer.Target {
    final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
    private final Applier<K, V> applier;
    private volatile long next;
    private volatile long maxTimestamp = -1;

    /** How one changelog record changes the map when restored. */
    @FunctionalInterface
    interface Applier<K, V> {
        /**
         * Applies the record with these key and value bytes (null value: a tombstone).
         *
         * @throws RuntimeException when the record cannot be decoded (the restore then fails with its position)
         */
        void apply(ConcurrentHashMap<K, V> map, byte[] key, byte @Nullable [] value);
    }

    /** A plain table's records: each sets its key's value, a tombstone deletes it. */
    static <K, V> Applier<K, V> replacing(ChangelogCodec<K, V> codec) {
        return (map, keyBytes, valueBytes) -> {
            K key = codec.decodeKey(keyBytes);
            V value = codec.decodeValue(valueBytes);
            if (value == null) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
        };
    }

    PartitionStore(Applier<K, V> applier) {
        this.applier = applier;
    }

    PartitionStore(ChangelogCodec<K, V> codec) {
        this(replacing(codec));
    }

    @Override
    public long nextOffset() {
        return next;
    }

    /** The largest timestamp of the changelog records restored, or -1 (a windowed table's stream time). */
    long maxTimestamp() {
        return maxTimestamp;
    }

    @Override
    public void apply(List<ConsumedRecord> records, long nextOffset) {
        long maxTs = maxTimestamp;
        for (ConsumedRecord r : records) {
            maxTs = Math.max(maxTs, r.timestamp());
            try {
                applier.apply(map, r.key(), r.value());
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot restore the changelog record at topic=" + r.topic()
                        + " partition=" + r.partition() + " offset=" + r.offset() + ": " + e.getMessage(), e);
            }
        }
        maxTimestamp = maxTs;
        next = nextOffset;
    }
}
