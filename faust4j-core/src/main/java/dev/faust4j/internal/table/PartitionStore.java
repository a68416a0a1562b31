package dev.faust4j.internal.table;

import dev.faust4j.spi.ConsumedRecord;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * One partition of one table, held in memory ({@code memory://}): the decoded keys and values, and the changelog
 * offset it has applied up to.
 *
 * <p>Design. Agents read and write it through a {@link ConcurrentHashMap}, so a write of one key is one atomic
 * {@code compute}; the restore applies changelog records to it before any agent sees a record of its partition
 * ({@link ChangelogRestorer.Target}), each through the table's {@link Applier} (a plain table's record sets its
 * key's value and a tombstone deletes it; a set table's record is an operation on a set). An undecodable changelog
 * record fails the restore with its position (never skipped: that would silently lose state). Nothing is persisted:
 * every assignment restores the partition from the changelog's beginning. The largest record timestamp restored
 * is kept: a windowed table's stream time.
 *
 * <p>Thread-safety: thread-safe.
 */
final class PartitionStore<K, V> implements TableStore<K, V> {
    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
    private final ChangelogCodec<K, V> codec;
    private final Applier<K, V> applier;
    private volatile long next;
    private volatile long maxTimestamp = -1;

    /** How one changelog record changes the map when restored. */
    @FunctionalInterface
    interface Applier<K, V> {
        /**
         * Applies the record (a null value: a tombstone).
         *
         * @throws RuntimeException when the record cannot be decoded (the restore then fails with its position)
         */
        void apply(ConcurrentHashMap<K, V> map, ConsumedRecord record);
    }

    /** A plain table's records: each sets its key's value, a tombstone deletes it. */
    static <K, V> Applier<K, V> replacing(ChangelogCodec<K, V> codec) {
        return (map, record) -> {
            ChangelogEntry<K, V> e = codec.decodeAt(record);
            if (e.value() == null) {
                map.remove(e.key());
            } else {
                map.put(e.key(), e.value());
            }
        };
    }

    PartitionStore(ChangelogCodec<K, V> codec, Applier<K, V> applier) {
        this.codec = codec;
        this.applier = applier;
    }

    PartitionStore(ChangelogCodec<K, V> codec) {
        this(codec, replacing(codec));
    }

    @Override
    public @Nullable V get(K key) {
        return map.get(key);
    }

    @Override
    public @Nullable V update(K key, UnaryOperator<@Nullable V> next, ChangelogSend send) {
        Object[] result = new Object[1];
        map.compute(key, (k, old) -> {
            V value = next.apply(old);
            if (TableStore.isUnchanged(value)) {
                result[0] = old;
                return old;
            }
            // sent inside the compute: one key's changelog records go out in the order its values are stored
            var unused = send.send(send.wantsBytes() ? codec.encodeValue(value) : null); // outcome: the record in hand
            result[0] = value;
            return value;
        });
        @SuppressWarnings("unchecked") V value = (V) result[0];
        return value;
    }

    @Override
    public void evict(K key) {
        map.remove(key);
    }

    @Override
    public void copyTo(Map<K, V> out) {
        out.putAll(map);
    }

    @Override
    public long nextOffset() {
        return next;
    }

    @Override
    public long maxTimestamp() {
        return maxTimestamp;
    }

    @Override
    public void apply(List<ConsumedRecord> records, long nextOffset) {
        long maxTs = maxTimestamp;
        for (ConsumedRecord r : records) {
            maxTs = Math.max(maxTs, r.timestamp());
            try {
                applier.apply(map, r);
            } catch (IllegalStateException e) {
                throw e; // decodeAt named the record already
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot restore the changelog record at topic=" + r.topic()
                        + " partition=" + r.partition() + " offset=" + r.offset() + ": " + e.getMessage(), e);
            }
        }
        maxTimestamp = maxTs;
        next = nextOffset;
    }
}
