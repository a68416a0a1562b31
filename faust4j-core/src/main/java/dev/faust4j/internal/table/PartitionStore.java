package dev.faust4j.internal.table;

import dev.faust4j.spi.ConsumedRecord;

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
    private final ChangelogCodec<K, V> codec;
    private volatile long next;
    private volatile long maxTimestamp = -1;

    PartitionStore(ChangelogCodec<K, V> codec) {
        this.codec = codec;
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
            K key;
            V value;
            try {
                key = codec.decodeKey(r.key());
                value = codec.decodeValue(r.value());
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot restore the changelog record at topic=" + r.topic()
                        + " partition=" + r.partition() + " offset=" + r.offset() + ": " + e.getMessage(), e);
            }
            if (value == null) {
                map.remove(key);
            } else {
                map.put(key, value);
            }
        }
        maxTimestamp = maxTs;
        next = nextOffset;
    }
}
