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
 * ({@link ChangelogRestorer.Target}), with a tombstone deleting the key. An undecodable changelog record fails the
 * restore with its position (never skipped: that would silently lose state). Nothing is persisted: every assignment
 * restores the partition from the changelog's beginning.
 *
 * <p>Thread-safety: thread-safe.
 */
final class PartitionStore<K, V> implements TableStore<K, V> {
    private final ConcurrentHashMap<K, V> map = new ConcurrentHashMap<>();
    private final ChangelogCodec<K, V> codec;
    private volatile long next;

    PartitionStore(ChangelogCodec<K, V> codec) {
        this.codec = codec;
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
            // sent inside the compute: one key's changelog records go out in the order its values are stored
            var unused = send.send(codec.encodeValue(value)); // its outcome reaches the record in hand
            result[0] = value;
            return value;
        });
        @SuppressWarnings("unchecked") V value = (V) result[0];
        return value;
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
    public void apply(List<ConsumedRecord> records, long nextOffset) {
        for (ConsumedRecord r : records) {
            ChangelogEntry<K, V> e = codec.decodeAt(r);
            if (e.value() == null) {
                map.remove(e.key());
            } else {
                map.put(e.key(), e.value());
            }
        }
        next = nextOffset;
    }
}
