package dev.faust4j.internal.table;

import org.jspecify.annotations.Nullable;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The RocksDB table stores of one worker: where they live ({@code {dataDir}/tables/{table}/{partition}}, one
 * database per table partition, as Faust) and the memory they share.
 *
 * <p>Design. All stores of the worker share one LRU block cache of {@code tableRocksdbMemory} bytes and a
 * WriteBufferManager charging their memtables (up to a quarter of it) to that cache, with index and filter blocks
 * cached too, so the worker's RocksDB memory is bounded whatever the number of partitions (Kafka Streams'
 * BoundedMemoryRocksDBConfig). They are created on the first open and released by {@link #close}, after the stores.
 *
 * <p>Thread-safety: thread-safe.
 */
final class RocksStores implements AutoCloseable {
    private final Path tables;
    private final long memory;
    private final ReentrantLock lock = new ReentrantLock();
    private @Nullable Cache cache;
    private @Nullable WriteBufferManager writeBuffers;
    private @Nullable BloomFilter filter;
    private @Nullable DBOptions dbOptions;
    private @Nullable ColumnFamilyOptions cfOptions;

    /**
     * @param dataDir the worker's data directory
     * @param memory  the bytes all stores share
     */
    RocksStores(Path dataDir, long memory) {
        this.tables = tablesDir(dataDir);
        this.memory = memory;
    }

    /** Where the stores of the tables under this data directory live. */
    static Path tablesDir(Path dataDir) {
        return dataDir.resolve("tables");
    }

    /** The directory of one table partition's store. */
    Path dir(String table, int partition) {
        return tables.resolve(URLEncoder.encode(table, StandardCharsets.UTF_8)).resolve(Integer.toString(partition));
    }

    /**
     * Opens (creating) the store of a table partition, waiting up to 30 s for another handle to release it when
     * {@code waitForLock}.
     */
    <K, V> RocksStore<K, V> open(String table, int partition, ChangelogCodec<K, V> codec, boolean waitForLock) {
        DBOptions db;
        ColumnFamilyOptions cf;
        lock.lock();
        try {
            if (dbOptions == null || cfOptions == null) {
                RocksDB.loadLibrary();
                Cache c = new LRUCache(memory, -1, false, 0.1);
                WriteBufferManager w = new WriteBufferManager(memory / 4, c);
                BloomFilter f = new BloomFilter(10, false);
                BlockBasedTableConfig t = new BlockBasedTableConfig().setBlockCache(c).setFilterPolicy(f)
                        .setCacheIndexAndFilterBlocks(true).setCacheIndexAndFilterBlocksWithHighPriority(true)
                        .setPinTopLevelIndexAndFilter(true);
                cache = c;
                writeBuffers = w;
                filter = f;
                dbOptions = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true)
                        .setWriteBufferManager(w)
                        .setKeepLogFileNum(2) // each open starts a new info LOG: rebalances would pile them up
                        .setMaxLogFileSize(1L << 20);
                cfOptions = new ColumnFamilyOptions().setTableFormatConfig(t)
                        .setWriteBufferSize(Math.max(1L << 20, Math.min(16L << 20, memory / 8)))
                        .setMaxWriteBufferNumber(2);
            }
            db = dbOptions;
            cf = cfOptions;
        } finally {
            lock.unlock();
        }
        return RocksStore.open(dir(table, partition), "table " + table + " partition " + partition, codec, db, cf,
                waitForLock);
    }

    /** Deletes the store of a table partition (it must be closed). */
    void wipe(String table, int partition) {
        delete(dir(table, partition));
    }

    /**
     * Deletes the local table state under a data directory (Faust's {@code faust reset}): the next start restores
     * every table from its changelog. Kafka topics and offsets are untouched. Returns whether there was any.
     */
    static boolean reset(Path dataDir) {
        Path dir = tablesDir(dataDir);
        if (!Files.exists(dir)) {
            return false;
        }
        delete(dir);
        return true;
    }

    private static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the local table state in " + dir, e);
        }
    }

    private static void closeIfSet(@Nullable AbstractNativeReference resource) {
        if (resource != null) {
            resource.close();
        }
    }

    /** Releases the shared cache and options (after every store was closed). */
    @Override
    public void close() {
        lock.lock();
        try {
            closeIfSet(cfOptions);
            closeIfSet(dbOptions);
            closeIfSet(writeBuffers);
            closeIfSet(filter);
            closeIfSet(cache);
            cfOptions = null;
            dbOptions = null;
            writeBuffers = null;
            filter = null;
            cache = null;
        } finally {
            lock.unlock();
        }
    }
}
