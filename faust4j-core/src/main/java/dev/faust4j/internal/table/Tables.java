package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import dev.faust4j.Settings;
import dev.faust4j.Sensor;
import dev.faust4j.SetTable;
import dev.faust4j.Table;
import dev.faust4j.WindowedTable;
import dev.faust4j.codec.Codec;
import dev.faust4j.internal.conductor.PartitionState;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.Transport;
import dev.faust4j.time.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The app's tables: their declaration, their changelog topics, and which partitions of them this worker holds.
 *
 * <p>Design. A table's changelog is co-partitioned with the topics that feed it: partition {@code p} of every table
 * belongs with partition {@code p} of the source topics, so the worker holds table partition {@code p} while it is
 * assigned a source partition numbered {@code p} (counted across topics). On assignment ({@link #assigned}, called
 * on the poll thread from the rebalance callback) every table partition newly held gets a store ({@link
 * PartitionStore} in memory, or a {@link RocksStore}; the standby's when this worker kept one, {@link Standbys})
 * restored from its changelog ({@link TableRestore}) by a job of its own ({@link Restoring}), while the partitions
 * of that number stay paused until {@link #ready}; a partition held so far only through topics that never wrote it
 * is caught up in place; windowed, set and global tables, and the write cache ({@link #committing}), are declared
 * here too. The standby numbers the assignor names come through {@link #standbys}. After a commit
 * ({@link #committed}) each RocksDB store of the partitions committed writes its acknowledged updates with their
 * offset. On release ({@link #released}: revoked, lost, stopped, or rewound under exactly-once before it is assigned
 * again) it is dropped and closed. Changelog topics are declared at start, compacted, with the app's partition
 * count; the first write from a source topic checks that the counts match. The sender is the worker's, so a
 * changelog write is tied to the record in hand like any send.
 *
 * <p>Thread-safety: thread-safe; {@link #assigned}, {@link #committed} and {@link #released} run on the poll
 * thread only.
 */
public final class Tables implements PartitionState, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tables.class);

    /**
     * Where table partitions are kept: in memory, or in RocksDB under {@code dataDir} with {@code memory} bytes
     * shared, wiping a store whose offset lies outside its changelog when {@code wipeOnInconsistentOffset}.
     */
    public record Storage(boolean rocksdb, Path dataDir, long memory, boolean wipeOnInconsistentOffset) {
        /** The storage the settings say. */
        public static Storage of(Settings settings) {
            return new Storage(settings.tableStore().equals("rocksdb://"), settings.dataDir(),
                    settings.tableRocksdbMemory(), settings.tableWipeOnInconsistentOffset());
        }
    }

    private final String appId;
    private final int partitions;
    private final short replicationFactor;
    private final boolean readCommitted;
    private final Ticker ticker;
    private final Supplier<Transport> transport;
    private final Function<ProducedRecord, CompletableFuture<RecordMetadata>> send;
    private final BooleanSupplier started;
    private final Storage storage;
    private final @Nullable RocksStores rocks;
    private final Map<String, TablePartitions<?, ?>> tables = new LinkedHashMap<>();
    private final Map<String, TablePartitions<?, ?>> globals = new LinkedHashMap<>();
    private final PendingBudget budget;
    private final boolean writeCache;
    private final Runnable requestCommit;
    private final Sensor sensor;
    private final LongSupplier wallClock = System::currentTimeMillis;
    private @Nullable GlobalFollower follower; // set at start when there are global tables
    /** Partition number: how many assigned source partitions have it. Poll thread only. */
    private final Map<Integer, Set<String>> held = new HashMap<>();
    private final Map<String, Integer> sourcePartitions = new ConcurrentHashMap<>();
    private final TableRestore restorer;
    private final Map<String, String> kinds = new LinkedHashMap<>(); // table name: table, windowed, set or global
    private final Map<String, Types> types = new LinkedHashMap<>(); // table name: its declared key and value types
    private final Standbys standbys;
    private final Restoring restoring;
    private volatile Runnable onRestored = () -> {
    };

    /**
     * @param settings      the app's settings (id, partitions, replication factor, clock, table storage)
     * @param readCommitted true under exactly-once (changelogs are restored from committed records)
     * @param send          sends a changelog record (the worker's sender: tied to the record in hand)
     * @param started       true once the app started (tables are declared before)
     */
    public Tables(Settings settings, boolean readCommitted, Supplier<Transport> transport,
                  Function<ProducedRecord, CompletableFuture<RecordMetadata>> send, BooleanSupplier started) {
        this(settings, readCommitted, transport, send, started, () -> {
        }, new Sensor() {});
    }

    /**
     * @param requestCommit asks for a commit soon (a write cache is full)
     * @param sensor        told of reads and writes of the plain tables
     */
    public Tables(Settings settings, boolean readCommitted, Supplier<Transport> transport,
                  Function<ProducedRecord, CompletableFuture<RecordMetadata>> send, BooleanSupplier started,
                  Runnable requestCommit, Sensor sensor) {
        this.sensor = sensor;
        this.writeCache = settings.tableWriteCache();
        this.budget = new PendingBudget(settings.id(), settings.tableMaxPendingKeys(), requestCommit);
        this.requestCommit = requestCommit;
        this.appId = settings.id();
        this.partitions = settings.topicPartitions();
        this.replicationFactor = settings.topicReplicationFactor();
        this.readCommitted = readCommitted;
        this.ticker = settings.ticker();
        this.transport = transport;
        this.send = send;
        this.started = started;
        this.storage = Storage.of(settings);
        this.rocks = storage.rocksdb() ? new RocksStores(storage.dataDir(), storage.memory()) : null;
        this.restorer = new TableRestore(appId, readCommitted, ticker, transport, rocks,
                storage.wipeOnInconsistentOffset());
        this.standbys = new Standbys(appId, () -> transport.get().changelogReader(readCommitted),
                restorer::openStandby);
        this.restoring = new Restoring(appId,
                (numbers, cancelled) -> restorer.restore(tables.values(), numbers, standbys::take, cancelled),
                () -> onRestored.run());
    }

    /** What to call when a restore ends, on its thread (wakes the poll loop, which then resumes the partitions). */
    public void onRestored(Runnable wakeup) {
        this.onRestored = wakeup;
    }

    /**
     * Deletes the local table state under the data directory (Faust's {@code faust reset}): the next start restores
     * every table from its changelog; Kafka topics and committed offsets are untouched. Only while the app does not
     * run (no other worker may use the directory meanwhile either). Returns what was done, for the user.
     *
     * @throws IllegalStateException when the app runs
     */
    public String reset(boolean running) {
        if (running) {
            throw new IllegalStateException("app " + appId + ": reset deletes the local table state of an app that"
                    + " does not run; this one was started");
        }
        Path dir = RocksStores.tablesDir(storage.dataDir());
        return RocksStores.reset(storage.dataDir()) ? "app " + appId + ": deleted the local table state in " + dir
                : "app " + appId + ": no local table state in " + dir;
    }

    /** Declares a table (before start). */
    public <K, V> Table<K, V> table(String name, Codec<K> keys, Codec<V> values) {
        checkNew(name);
        TablePartitions<K, V> parts = partitions(name, ChangelogCodec.of(keys, values));
        if (writeCache) {
            parts.enableCache(budget.limit(), requestCommit);
        }
        tables.put(name, parts);
        kinds.put(name, "table");
        types.put(name, new Types(keys.type(), values.type()));
        return new TableImpl<>(parts, this::windowed, sensor);
    }

    /**
     * Declares a global table (before start): every partition held by every worker, following the changelog; the
     * worker that owns a partition writes it. Kept in memory.
     */
    public <K, V> Table<K, V> globalTable(String name, Codec<K> keys, Codec<V> values) {
        checkNew(name);
        TablePartitions<K, V> parts = partitions(name, ChangelogCodec.of(keys, values));
        parts.keepInMemory();
        globals.put(name, parts);
        kinds.put(name, "global");
        types.put(name, new Types(keys.type(), values.type()));
        return new TableImpl<>(parts, new TableImpl.Windowing() {
            @Override
            public <A, B> WindowedTable<A, B> windowed(TableImpl<A, B> table, Window window) {
                throw new IllegalStateException("table " + name + " is a global table, which cannot be windowed");
            }
        }, sensor);
    }

    /** Declares a set table (before start); keys and members are JSON. Kept in memory. */
    public <K, E> SetTable<K, E> setTable(String name, Codec<K> keys, Codec<E> members) {
        checkNew(name);
        SetChangelog<K, E> records = new SetChangelog<>(keys, members);
        TablePartitions<K, java.util.Set<E>> parts = partitions(name, ChangelogCodec.of(keys, records.asValueCodec()));
        tables.put(name, parts);
        kinds.put(name, "set");
        types.put(name, new Types(keys.type(), members.type()));
        return new SetTableImpl<>(parts, records);
    }

    private void checkNew(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("table name must not be blank");
        }
        if (started.getAsBoolean()) {
            throw new IllegalStateException("cannot add table " + name + ": app " + appId + " has started; declare"
                    + " tables and their defaults before start");
        }
        if (tables.containsKey(name) || globals.containsKey(name)) {
            throw new IllegalArgumentException("a table named " + name + " exists already in app " + appId);
        }
    }

    private <K, V> TablePartitions<K, V> partitions(String name, ChangelogCodec<K, V> codec) {
        return new TablePartitions<>(name, appId + "-" + name + "-changelog", codec, partitions, started,
                this::partitionCount, send);
    }

    /** A plain table becomes windowed: declared again under its name, with windowed keys. */
    private <K, V> WindowedTable<K, V> windowed(TableImpl<K, V> table, Window window) {
        ChangelogCodec<K, V> plain = table.codec();
        TablePartitions<WindowedKey<K>, V> parts = partitions(table.name(),
                ChangelogCodec.windowed(plain.keyCodec(), plain.valueCodec()));
        tables.put(table.name(), parts);
        kinds.put(table.name(), "windowed");
        return new WindowedTableImpl<>(table, parts, window, wallClock);
    }

    /**
     * A table as the command line lists it: its name, kind, changelog topic, and the Java types of its keys and values
     * as declared (a set table's value type is its members' type; a windowed table's key type its plain key's).
     */
    public record Described(String name, String kind, String changelog, Class<?> keyType, Class<?> valueType) {
    }

    /** The key and value types a table was declared with. */
    private record Types(Class<?> key, Class<?> value) {
    }

    /** The tables declared, in declaration order. */
    public List<Described> describe() {
        List<Described> out = new ArrayList<>();
        kinds.forEach((name, kind) -> {
            TablePartitions<?, ?> t = tables.containsKey(name) ? tables.get(name) : globals.get(name);
            Types declared = types.get(name);
            out.add(new Described(name, kind, t.changelog, declared.key(), declared.value()));
        });
        return out;
    }

    /** Creates the changelog topics (compacted, the app's partition count). */
    public void declare() {
        if (tables.isEmpty() && globals.isEmpty()) {
            return;
        }
        List<TopicSpec> specs = new ArrayList<>();
        List<TablePartitions<?, ?>> all = new ArrayList<>(tables.values());
        all.addAll(globals.values());
        for (TablePartitions<?, ?> t : all) {
            specs.add(new TopicSpec(t.changelog, partitions, replicationFactor, true, t.topicConfigs()));
        }
        transport.get().declareTopics(specs);
    }

    /** A commit is about to be made: every table's write cache sends its records. Poll thread or commit flush. */
    @Override
    public void committing() {
        for (TablePartitions<?, ?> t : tables.values()) {
            WriteCache<?, ?> cache = t.cache();
            if (cache != null) {
                var unused = cache.flush();
            }
        }
    }

    /**
     * True while the keys updated since the last commit and held on the heap (RocksDB stores' pending updates,
     * write caches) exceed twice {@code tableMaxPendingKeys}, until a commit brings them back to the limit: the
     * worker stops fetching meanwhile. At the limit a commit is requested. Poll thread, every turn of the loop.
     */
    @Override
    public boolean overBudget() {
        if (tables.isEmpty()) {
            return false;
        }
        long pending = 0;
        for (TablePartitions<?, ?> t : tables.values()) {
            pending += t.pending();
        }
        return budget.over(pending);
    }

    /** Restores the global tables and starts following their changelogs: at start, before any record is read. */
    public void startGlobal() {
        if (globals.isEmpty()) {
            return;
        }
        GlobalFollower f = new GlobalFollower(globals.values(), partitions,
                () -> transport.get().changelogReader(readCommitted), ticker, appId, readCommitted);
        follower = f;
        f.start();
    }

    /**
     * Source partitions were assigned: starts restoring the table partitions newly held, off the poll thread
     * ({@link Restoring}), catches up in place those held so far only through topics that never wrote them, and
     * returns the assigned partitions whose table partitions are not restored yet (kept paused until
     * {@link #ready} says so). Poll thread.
     */
    @Override
    public Set<TopicPartition> assigned(Collection<TopicPartition> assigned) {
        if (tables.isEmpty() && globals.isEmpty()) {
            return Set.of();
        }
        Set<Integer> fresh = new TreeSet<>();
        Map<TopicPartition, TablePartitions<?, ?>> stale = new LinkedHashMap<>();
        for (TopicPartition tp : assigned) {
            Set<String> topics = held.computeIfAbsent(tp.partition(), p -> new TreeSet<>());
            Set<String> before = Set.copyOf(topics);
            if (!topics.add(tp.topic()) || tp.partition() >= partitions) {
                continue;
            }
            if (before.isEmpty()) {
                fresh.add(tp.partition());
                continue;
            }
            for (TablePartitions<?, ?> t : tables.values()) {
                if (before.stream().noneMatch(t::writtenFrom)) {
                    stale.putIfAbsent(new TopicPartition(t.changelog, tp.partition()), t);
                }
            }
        }
        if (!fresh.isEmpty()) {
            GlobalFollower f = follower;
            if (f != null) {
                f.owned(fresh);
            }
            if (!tables.isEmpty()) {
                restoring.start(fresh);
            }
        }
        if (!stale.isEmpty()) {
            // a number still being restored is restored again: the restore took its changelog's end before the
            // previous owner of this topic's partition wrote its last updates
            Set<Integer> again = new TreeSet<>();
            for (TopicPartition tp : stale.keySet()) {
                if (restoring.restoring(tp.partition())) {
                    again.add(tp.partition());
                }
            }
            stale.keySet().removeIf(tp -> again.contains(tp.partition()));
            if (!again.isEmpty()) {
                restart(restoring.cancel(again));
            }
            if (!stale.isEmpty()) {
                restorer.catchUp(stale);
            }
        }
        return waiting(assigned);
    }

    /**
     * Of these partitions, those whose table partitions are restored by now; throws when a restore failed. Poll
     * thread.
     */
    @Override
    public Set<TopicPartition> ready(Collection<TopicPartition> waiting) {
        restoring.finished();
        Set<TopicPartition> ready = new HashSet<>();
        for (TopicPartition tp : waiting) {
            if (!restoring.restoring(tp.partition())) {
                ready.add(tp);
            }
        }
        return ready;
    }

    /** Waits until every restore under way is done (an exactly-once rewind restores in place). Poll thread. */
    @Override
    public void awaitRestored() {
        restoring.awaitAll();
    }

    private Set<TopicPartition> waiting(Collection<TopicPartition> assigned) {
        if (restoring.idle()) {
            return Set.of();
        }
        Set<TopicPartition> waiting = new HashSet<>();
        for (TopicPartition tp : assigned) {
            if (restoring.restoring(tp.partition())) {
                waiting.add(tp);
            }
        }
        return waiting;
    }

    /** Restarts the restore of those of these numbers still held. */
    private void restart(Set<Integer> numbers) {
        Set<Integer> still = new TreeSet<>();
        for (int p : numbers) {
            if (held.containsKey(p)) {
                still.add(p);
            }
        }
        restoring.start(still);
    }

    /**
     * The transport's assignor names the partition numbers this worker keeps standby replicas of: their stores
     * follow the changelogs ({@link Standbys}) until they are assigned here (then {@link #assigned} takes them over
     * and replays only the tail) or no longer named. Poll thread.
     */
    @Override
    public void standbys(Set<Integer> numbers, Set<TopicPartition> assignment) {
        if (tables.isEmpty()) {
            return;
        }
        Set<Integer> follow = new TreeSet<>();
        for (int p : numbers) {
            if (p < partitions && !held.containsKey(p)) {
                follow.add(p);
            }
        }
        Set<Integer> keep = new TreeSet<>();
        for (TopicPartition tp : assignment) {
            if (!held.containsKey(tp.partition())) {
                keep.add(tp.partition()); // about to be assigned: its standby is handed over, not closed
            }
        }
        standbys.assign(tables.values(), follow, keep);
    }

    /**
     * Source partitions were released (revoked, lost, stopped, rewound): closes the table partitions no longer held.
     * Under exactly-once their updates not yet committed are dropped (a rewind restores them from what was
     * committed); under at-least-once a RocksDB store first writes those whose changelog records were acknowledged.
     */
    @Override
    public void released(Collection<TopicPartition> released) {
        if (tables.isEmpty() && globals.isEmpty()) {
            return;
        }
        Set<Integer> dropped = new TreeSet<>();
        for (TopicPartition tp : released) {
            Set<String> topics = held.get(tp.partition());
            if (topics == null || !topics.remove(tp.topic())) {
                continue;
            }
            if (topics.isEmpty()) {
                held.remove(tp.partition());
                dropped.add(tp.partition());
            }
        }
        if (!dropped.isEmpty() && !restoring.idle()) {
            restart(restoring.cancel(dropped)); // a restore never publishes a partition no longer held
        }
        for (int p : dropped) {
            for (TablePartitions<?, ?> t : tables.values()) {
                TableStore<?, ?> store = t.drop(p);
                if (store != null) {
                    if (!readCommitted) {
                        flush(t, p, store);
                    }
                    store.close();
                }
            }
        }
        GlobalFollower f = follower;
        if (f != null && !dropped.isEmpty()) {
            f.released(dropped);
        }
    }

    /**
     * The source offsets (or the transaction) of these partitions were committed: each RocksDB table partition of
     * these partition numbers writes its acknowledged updates and their changelog offset in one batch. Poll thread.
     */
    @Override
    public void committed(Collection<TopicPartition> committed) {
        budget.committed();
        if (rocks == null || tables.isEmpty()) {
            return;
        }
        Set<Integer> numbers = new TreeSet<>();
        for (TopicPartition tp : committed) {
            numbers.add(tp.partition());
        }
        for (TablePartitions<?, ?> t : tables.values()) {
            for (int p : numbers) {
                TableStore<?, ?> store = t.storeOrNull(p);
                if (store != null) {
                    flush(t, p, store);
                }
            }
        }
    }

    private static void flush(TablePartitions<?, ?> t, int partition, TableStore<?, ?> store) {
        try {
            store.committed();
        } catch (RuntimeException e) {
            log.warn("table {} partition {}: writing its committed updates failed: {}", t.name, partition,
                    e.toString());
        }
    }

    /** Closes every table partition still open and what the stores share (the worker stopped). */
    @Override
    public void close() {
        GlobalFollower f = follower;
        if (f != null) {
            f.close(); // stops following the global tables before their reader's transport closes
        }
        restoring.close();
        standbys.close();
        for (TablePartitions<?, ?> t : tables.values()) {
            for (int p = 0; p < partitions; p++) {
                TableStore<?, ?> store = t.drop(p);
                if (store != null) {
                    store.close();
                }
            }
        }
        if (rocks != null) {
            rocks.close();
        }
    }

    private int partitionCount(String sourceTopic) {
        return sourcePartitions.computeIfAbsent(sourceTopic,
                topic -> transport.get().partitionCount(topic).orElse(partitions));
    }
}
