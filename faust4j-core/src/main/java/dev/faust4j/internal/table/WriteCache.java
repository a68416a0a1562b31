package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * A table's write-back cache (Kafka Streams' record cache, faust-tables.md §8.2 item 4): the keys updated since the
 * last commit, per partition; each key's changelog record is sent once, with its value at commit time, instead of
 * once per update.
 *
 * <p>Design. An update stores its value in the partition's store as usual, but instead of sending the changelog
 * record it marks the key dirty here, with a future that completes when the record that carries its value is
 * acknowledged (a RocksDB store persists a value only once that future completes); every update of a key until the
 * flush shares that future. {@link #flush} runs before the commit: under at-least-once on the commit's
 * flush (after the offsets to commit were taken, before the producer is flushed, so every update of a committed
 * record is durable first); under exactly-once at the commit barrier, so the records join the transaction. It sends,
 * per dirty key, the store's value at that moment (a tombstone when deleted), removing the key only if no update
 * re-marked it meanwhile ({@code remove(key, future)}), so a racing update is sent at the next commit. Flushes are
 * serialised, so one key's records go out in the order of its values. Once a partition holds {@code limit} dirty keys
 * a commit is requested, which bounds the cache.
 *
 * <p>Thread-safety: thread-safe; {@link #flush} takes a lock (a commit, never per record).
 */
final class WriteCache<K, V> {
    private final String changelog;
    private final ChangelogCodec<K, V> codec;
    private final IntFunction<@Nullable TableStore<K, V>> stores;
    private final Function<ProducedRecord, CompletableFuture<RecordMetadata>> send;
    private final int limit;
    private final Runnable requestCommit;
    private final Map<Integer, ConcurrentHashMap<K, CompletableFuture<RecordMetadata>>> dirty = new ConcurrentHashMap<>();
    private final ReentrantLock flushing = new ReentrantLock();

    /**
     * @param stores the store of a partition held, or null
     * @param send   sends a changelog record
     */
    WriteCache(String changelog, ChangelogCodec<K, V> codec, IntFunction<@Nullable TableStore<K, V>> stores,
               Function<ProducedRecord, CompletableFuture<RecordMetadata>> send, int limit, Runnable requestCommit) {
        this.changelog = changelog;
        this.codec = codec;
        this.stores = stores;
        this.send = send;
        this.limit = limit;
        this.requestCommit = requestCommit;
    }

    /**
     * {@code key} of {@code partition} was updated: its changelog record goes out at the next flush. Every update of
     * the key until then gets the same future, completed by that record.
     */
    CompletableFuture<RecordMetadata> updated(int partition, K key) {
        ConcurrentHashMap<K, CompletableFuture<RecordMetadata>> keys = dirty.computeIfAbsent(partition,
                p -> new ConcurrentHashMap<>());
        CompletableFuture<RecordMetadata> waiting = keys.get(key);
        if (waiting != null) {
            return waiting; // the hot path: a key updated again before the commit
        }
        CompletableFuture<RecordMetadata> fresh = new CompletableFuture<>();
        CompletableFuture<RecordMetadata> raced = keys.putIfAbsent(key, fresh);
        if (raced != null) {
            return raced;
        }
        if (keys.size() == limit) {
            requestCommit.run(); // once per crossing: the commit empties the partition's keys
        }
        return fresh;
    }

    /** Dirty keys, over the partitions. */
    long size() {
        long n = 0;
        for (ConcurrentHashMap<K, CompletableFuture<RecordMetadata>> keys : dirty.values()) {
            n += keys.size();
        }
        return n;
    }

    /** Sends the changelog record of every dirty key, with the value it has now. Returns how many were sent. */
    int flush() {
        flushing.lock();
        try {
            int sent = 0;
            for (Map.Entry<Integer, ConcurrentHashMap<K, CompletableFuture<RecordMetadata>>> e : dirty.entrySet()) {
                int partition = e.getKey();
                TableStore<K, V> store = stores.apply(partition);
                for (Map.Entry<K, CompletableFuture<RecordMetadata>> d : e.getValue().entrySet()) {
                    K key = d.getKey();
                    CompletableFuture<RecordMetadata> waiting = d.getValue();
                    if (!e.getValue().remove(key, waiting)) {
                        continue; // updated again meanwhile: sent below or at the next flush, with that value
                    }
                    if (store == null) { // released: its updates go with it
                        waiting.cancel(false);
                        continue;
                    }
                    byte @Nullable [] value = codec.encodeValue(store.get(key));
                    var unused = send.apply(new ProducedRecord(changelog, partition, null, codec.encodeKey(key), value,
                            List.of()))
                            .whenComplete((md, failure) -> complete(waiting, md, failure));
                    sent++;
                }
            }
            return sent;
        } finally {
            flushing.unlock();
        }
    }

    /** Drops the dirty keys of a partition released (under exactly-once its updates are rolled back). */
    void dropped(int partition) {
        ConcurrentHashMap<K, CompletableFuture<RecordMetadata>> keys = dirty.remove(partition);
        if (keys != null) {
            keys.values().forEach(f -> f.cancel(false));
        }
    }

    private static void complete(CompletableFuture<RecordMetadata> f, @Nullable RecordMetadata md,
                                 @Nullable Throwable failure) {
        if (failure != null) {
            f.completeExceptionally(failure);
        } else {
            f.complete(md);
        }
    }
}
