package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import dev.faust4j.spi.ConsumedRecord;
import org.jspecify.annotations.Nullable;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.UnaryOperator;

/**
 * One partition of one table in a RocksDB database of its own ({@code rocksdb://}): the committed base on disk, and
 * the updates since the last commit in memory on top of it (faust-tables.md §3.2, §8.2 items 3, 6 and 9).
 *
 * <p>Design. The database holds the changelog's key and value bytes (keys re-encoded by the table's codec, so a
 * lookup finds them) in its default column family, and in a column family of its own ({@value #META}) the changelog
 * offset the data reflects: the next offset to read, so a restore reads only the records after it. Agents' updates
 * go to {@code pending}, a map of keys to their newest {@link Version} (a tombstone for a deletion): an update is
 * one atomic {@code compute} that reads the old value from {@code pending}, else from the database, applies the
 * function, sends the changelog record and keeps the new value with the send's outcome. Reads look at
 * {@code pending}, then at the database.
 *
 * <p>{@link #committed} (on the poll thread, once the partition's source offsets or transaction committed) writes,
 * per key, the newest value whose changelog record the broker acknowledged, together with the highest such offset
 * plus one, in ONE {@link WriteBatch} (WAL on): data and offset never disagree, even after {@code kill -9}. A value
 * whose record is not acknowledged yet stays pending (with the newest acknowledged one below it, which is written
 * instead), and an entry is removed only if no update replaced it meanwhile ({@code remove(key, version)}). So the
 * database only ever holds values whose records are in the changelog, and a restore from its offset (records
 * below are in the database or superseded by later records) yields the changelog's content (given that a
 * partition's records are acknowledged in offset order, as by Kafka's idempotent producer). Under exactly-once the
 * flush runs at the transaction's commit, while no agent holds a record, so the database never holds aborted data;
 * a rewind closes the store, dropping {@code pending}, and reopens it. The database handle is closed on every
 * release (another worker of this host, or this one at once, may open it next); opening retries a held lock for
 * {@value #LOCK_WAIT_SECONDS} s.
 *
 * <p>Thread-safety: thread-safe; {@link #committed}, {@link #close} and the restore run on the poll thread. A read
 * after {@link #close} sees nothing; an update fails.
 */
final class RocksStore<K, V> implements TableStore<K, V> {
    private static final Logger log = LoggerFactory.getLogger(RocksStore.class);
    /** The column family holding the offset. */
    static final String META = "faust4j-meta";
    private static final byte[] OFFSET = "changelog-offset".getBytes(StandardCharsets.UTF_8);
    /** The largest timestamp of the records the data reflects: a windowed table's stream time. */
    private static final byte[] MAX_TIMESTAMP = "max-timestamp".getBytes(StandardCharsets.UTF_8);
    /** The outcome of an eviction: nothing was sent, so nothing is awaited, and it adds no offset. */
    private static final CompletableFuture<RecordMetadata> EVICTED = CompletableFuture
            .completedFuture(new RecordMetadata("", -1, -1, -1));
    private static final Object TOMBSTONE = new Object();
    private static final long LOCK_WAIT_SECONDS = 30;

    /**
     * A value not yet in the database: the value (or {@link #TOMBSTONE}), its bytes, the outcome of its changelog
     * send, and the older value of the key still needed (the newest acknowledged one, while this one is not).
     */
    private static final class Version {
        final Object value;
        final byte @Nullable [] bytes;
        final CompletableFuture<RecordMetadata> ack;
        volatile @Nullable Version older;

        Version(Object value, byte @Nullable [] bytes, CompletableFuture<RecordMetadata> ack, @Nullable Version older) {
            this.value = value;
            this.bytes = bytes;
            this.ack = ack;
            this.older = older;
        }

        /** Whether the broker acknowledged this value's changelog record. */
        boolean acked() {
            return ack.isDone() && !ack.isCompletedExceptionally();
        }

        /** The timestamp of this value's record once acknowledged, or -1. */
        long timestamp() {
            return acked() ? ack.join().timestamp() : -1;
        }

        /** The changelog offset of this value's record once acknowledged (-1 when the producer does not know it). */
        long offset() {
            return acked() ? ack.join().offset() : -1;
        }
    }

    private record Flushed<K>(K key, Version head, Version written) {}

    private final String name;
    private final ChangelogCodec<K, V> codec;
    private final RocksDB db;
    private final ColumnFamilyHandle data;
    private final ColumnFamilyHandle meta;
    private final WriteOptions writeOptions = new WriteOptions();
    private final ConcurrentHashMap<K, Version> pending = new ConcurrentHashMap<>();
    /** Read: a use of the database; write: closing it. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;
    private volatile long next;
    private volatile long maxTimestamp;

    private RocksStore(String name, ChangelogCodec<K, V> codec, RocksDB db, ColumnFamilyHandle data,
                       ColumnFamilyHandle meta, long next, long maxTimestamp) {
        this.name = name;
        this.codec = codec;
        this.db = db;
        this.data = data;
        this.meta = meta;
        this.next = next;
        this.maxTimestamp = maxTimestamp;
    }

    /**
     * Opens (creating) the store in {@code dir}, retrying while another handle holds its lock (up to 30 s when
     * {@code waitForLock}, else failing at once: a standby never waits for an active store).
     *
     * @param name the table and partition, for messages
     */
    static <K, V> RocksStore<K, V> open(Path dir, String name, ChangelogCodec<K, V> codec, DBOptions dbOptions,
                                        ColumnFamilyOptions cfOptions, boolean waitForLock) {
        List<ColumnFamilyDescriptor> families = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, cfOptions),
                new ColumnFamilyDescriptor(META.getBytes(StandardCharsets.UTF_8), cfOptions));
        long deadline = System.nanoTime() + (waitForLock ? TimeUnit.SECONDS.toNanos(LOCK_WAIT_SECONDS) : 0);
        while (true) {
            List<ColumnFamilyHandle> handles = new ArrayList<>();
            try {
                Files.createDirectories(dir);
                RocksDB db = RocksDB.open(dbOptions, dir.toString(), families, handles);
                byte[] stored = db.get(handles.get(1), OFFSET);
                byte[] maxTs = db.get(handles.get(1), MAX_TIMESTAMP);
                return new RocksStore<>(name, codec, db, handles.get(0), handles.get(1),
                        stored == null ? 0 : ByteBuffer.wrap(stored).getLong(),
                        maxTs == null ? -1 : ByteBuffer.wrap(maxTs).getLong());
            } catch (RocksDBException e) {
                boolean locked = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("lock");
                if (!locked || System.nanoTime() - deadline >= 0) {
                    throw new IllegalStateException("cannot open the RocksDB store of " + name + " in " + dir + ": "
                            + e.getMessage() + (locked && waitForLock ? " (still locked after " + LOCK_WAIT_SECONDS
                                    + " s: is another process using this dataDir?)" : ""),
                            e);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot create the directory of the RocksDB store of " + name + ": "
                        + dir, e);
            }
        }
    }

    @Override
    public long nextOffset() {
        return next;
    }

    @Override
    public long maxTimestamp() {
        return maxTimestamp;
    }

    /** Restore: these records, and the offset they bring the store to, in one batch. Poll thread. */
    @Override
    public void apply(List<ConsumedRecord> records, long nextOffset) {
        lock.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            requireOpen();
            long maxTs = maxTimestamp;
            for (ConsumedRecord r : records) {
                maxTs = Math.max(maxTs, r.timestamp());
                ChangelogEntry<K, V> e = codec.decodeAt(r); // validated: an undecodable record fails the restore
                byte[] key = codec.encodeKey(e.key());
                byte[] value = r.value();
                if (value == null) {
                    batch.delete(data, key);
                } else {
                    batch.put(data, key, value);
                }
            }
            batch.put(meta, OFFSET, offsetBytes(nextOffset));
            batch.put(meta, MAX_TIMESTAMP, offsetBytes(maxTs));
            db.write(writeOptions, batch);
            next = nextOffset;
            maxTimestamp = maxTs;
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot write the restored changelog records of " + name + " to RocksDB: "
                    + e.getMessage(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public @Nullable V get(K key) {
        Version v = pending.get(key);
        if (v != null) {
            return valueOf(v);
        }
        lock.readLock().lock();
        try {
            return closed ? null : base(key);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public @Nullable V update(K key, UnaryOperator<@Nullable V> next, ChangelogSend send) {
        Object[] result = new Object[1];
        lock.readLock().lock();
        try {
            requireOpen();
            pending.compute(key, (k, v) -> {
                V old = v != null ? valueOf(v) : base(k);
                V value = next.apply(old);
                if (TableStore.isUnchanged(value)) {
                    result[0] = old;
                    return v;
                }
                byte[] bytes = codec.encodeValue(value);
                // sent inside the compute: one key's changelog records go out in the order its values are stored
                CompletableFuture<RecordMetadata> ack = send.send(bytes);
                result[0] = value;
                return new Version(value == null ? TOMBSTONE : value, bytes, ack, stillNeeded(v));
            });
        } finally {
            lock.readLock().unlock();
        }
        @SuppressWarnings("unchecked") V value = (V) result[0];
        return value;
    }

    @Override
    public void evict(K key) {
        lock.readLock().lock();
        try {
            if (!closed) { // a tombstone for the next commit's batch, sent nowhere
                pending.compute(key, (k, v) -> new Version(TOMBSTONE, null, EVICTED, stillNeeded(v)));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The older version a new one keeps: {@code v}, without what is older than it once {@code v} is acknowledged. */
    private static @Nullable Version stillNeeded(@Nullable Version v) {
        if (v != null && v.acked()) {
            v.older = null;
        }
        return v;
    }

    @Override
    public void copyTo(Map<K, V> out) {
        Map<K, Version> overlay = new HashMap<>(pending); // before the database: a key flushed meanwhile is in both
        lock.readLock().lock();
        try (RocksIterator it = closed ? null : db.newIterator(data)) {
            if (it != null) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    K key = codec.decodeKey(it.key());
                    V value = codec.decodeValue(it.value());
                    if (value != null && !overlay.containsKey(key)) {
                        out.put(key, value);
                    }
                }
            }
        } finally {
            lock.readLock().unlock();
        }
        overlay.forEach((k, v) -> {
            V value = valueOf(v);
            if (value != null) {
                out.put(k, value);
            }
        });
    }

    /**
     * Writes the acknowledged pending values and their offset in one batch, then drops from {@code pending} the
     * entries written and not updated since. A failed write keeps them pending (the next commit retries).
     */
    @Override
    public void committed() {
        if (pending.isEmpty()) {
            return;
        }
        List<Flushed<K>> written = new ArrayList<>();
        lock.readLock().lock();
        try (WriteBatch batch = new WriteBatch()) {
            if (closed) {
                return;
            }
            long high = next - 1;
            long maxTs = maxTimestamp;
            for (Map.Entry<K, Version> e : pending.entrySet()) {
                Version head = e.getValue();
                Version acked = head;
                while (acked != null && !acked.acked()) {
                    acked = acked.older;
                }
                if (acked == null) {
                    continue; // no record of it acknowledged yet
                }
                high = Math.max(high, acked.offset());
                maxTs = Math.max(maxTs, acked.timestamp());
                byte[] key = codec.encodeKey(e.getKey());
                byte[] value = acked.bytes;
                if (value == null) {
                    batch.delete(data, key);
                } else {
                    batch.put(data, key, value);
                }
                written.add(new Flushed<>(e.getKey(), head, acked));
            }
            if (written.isEmpty()) {
                return;
            }
            long nextOffset = Math.max(next, high + 1);
            batch.put(meta, OFFSET, offsetBytes(nextOffset));
            batch.put(meta, MAX_TIMESTAMP, offsetBytes(maxTs));
            db.write(writeOptions, batch);
            next = nextOffset;
            maxTimestamp = maxTs;
        } catch (RocksDBException e) {
            log.warn("{}: cannot write the committed updates to RocksDB ({}); they stay in memory until the next"
                    + " commit", name, e.getMessage());
            return;
        } finally {
            lock.readLock().unlock();
        }
        for (Flushed<K> f : written) {
            if (f.written() == f.head()) {
                pending.remove(f.key(), f.head());
            } else {
                f.written().older = null; // in the database now: nothing older is needed
            }
        }
    }

    /** The database (for tests). */
    RocksDB db() {
        return db;
    }

    /** Keys whose updates are not written to the database yet. */
    @Override
    public int pending() {
        return pending.size();
    }

    /** Values of updates not yet written to the database (for tests). */
    int pendingCount() {
        return pending.size();
    }

    /** Drops the pending updates and closes the database. Idempotent. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            pending.clear();
            data.close();
            meta.close();
            try {
                db.closeE();
            } catch (RocksDBException e) {
                log.warn("{}: closing its RocksDB store failed: {}", name, e.getMessage());
            }
            writeOptions.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException(name + " is no longer held by this worker (its store was closed)");
        }
    }

    private @Nullable V base(K key) {
        try {
            return codec.decodeValue(db.get(data, codec.encodeKey(key)));
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot read " + name + " from RocksDB: " + e.getMessage(), e);
        }
    }

    private @Nullable V valueOf(Version v) {
        @SuppressWarnings("unchecked") V value = v.value == TOMBSTONE ? null : (V) v.value;
        return value;
    }

    private static byte[] offsetBytes(long offset) {
        return ByteBuffer.allocate(Long.BYTES).putLong(offset).array();
    }

    @Override
    public String toString() {
        return "RocksStore[" + name + ", offset " + next + ", " + pending.size() + " pending]";
    }
}
