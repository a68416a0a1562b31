package dev.faust4j.internal.table;

import dev.faust4j.SetTable;
import dev.faust4j.Table;
import dev.faust4j.WindowedTable;
import dev.faust4j.codec.Codec;
import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.Transport;
import dev.faust4j.time.Ticker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The app's tables: their declaration, their changelog topics, and which partitions of them this worker holds.
 *
 * <p>Design. A table's changelog is co-partitioned with the topics that feed it: partition {@code p} of every table
 * belongs with partition {@code p} of the source topics, so the worker holds table partition {@code p} while it is
 * assigned a source partition numbered {@code p} (counted across topics). On assignment ({@link #assigned}, called
 * on the poll thread from the rebalance callback, before any record of the new partitions is delivered) every table
 * partition newly held is restored from its changelog with a {@link ChangelogRestorer} (reading committed records
 * under exactly-once); on release ({@link #released}: revoked, lost, stopped, or rewound under exactly-once before
 * it is assigned again) it is dropped. Changelog topics are declared at start, compacted, with the app's partition
 * count; the first write from a source topic checks that the counts match. The sender is the worker's, so a
 * changelog write is tied to the record in hand like any send.
 *
 * <p>Thread-safety: thread-safe; {@link #assigned} and {@link #released} run on the poll thread only.
 */
public final class Tables {
    private final String appId;
    private final int partitions;
    private final short replicationFactor;
    private final boolean readCommitted;
    private final Ticker ticker;
    private final Supplier<Transport> transport;
    private final Function<ProducedRecord, ? extends Future<?>> send;
    private final BooleanSupplier started;
    private final LongSupplier wallClock;
    private final Map<String, TablePartitions<?, ?>> tables = new LinkedHashMap<>();
    private final Map<String, TablePartitions<?, ?>> globals = new LinkedHashMap<>();
    private GlobalFollower follower; // set at start when there are global tables
    /** Partition number: how many assigned source partitions have it. Poll thread only. */
    private final Map<Integer, Integer> held = new HashMap<>();
    private final Map<String, Integer> sourcePartitions = new ConcurrentHashMap<>();

    /**
     * @param send    sends a changelog record (the worker's sender: tied to the record in hand)
     * @param started true once the app started (tables are declared before)
     */
    public Tables(String appId, int partitions, short replicationFactor, boolean readCommitted, Ticker ticker,
                  Supplier<Transport> transport, Function<ProducedRecord, ? extends Future<?>> send,
                  BooleanSupplier started) {
        this(appId, partitions, replicationFactor, readCommitted, ticker, transport, send, started,
                System::currentTimeMillis);
    }

    /**
     * @param wallClock epoch milliseconds, for windowed tables relative to now
     */
    public Tables(String appId, int partitions, short replicationFactor, boolean readCommitted, Ticker ticker,
                  Supplier<Transport> transport, Function<ProducedRecord, ? extends Future<?>> send,
                  BooleanSupplier started, LongSupplier wallClock) {
        this.appId = appId;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.readCommitted = readCommitted;
        this.ticker = ticker;
        this.transport = transport;
        this.send = send;
        this.started = started;
        this.wallClock = wallClock;
    }

    /** Declares a table (before start). */
    public <K, V> Table<K, V> table(String name, Codec<K> keys, Codec<V> values) {
        checkNew(name);
        TablePartitions<K, V> parts = partitions(name, ChangelogCodec.of(keys, values));
        tables.put(name, parts);
        return new TableImpl<>(parts, this::windowed);
    }

    /**
     * Declares a global table (before start): every partition held by every worker, following the changelog; the
     * worker that owns a partition writes it.
     */
    public <K, V> Table<K, V> globalTable(String name, Codec<K> keys, Codec<V> values) {
        checkNew(name);
        TablePartitions<K, V> parts = partitions(name, ChangelogCodec.of(keys, values));
        globals.put(name, parts);
        return new TableImpl<>(parts, new TableImpl.Windowing() {
            @Override
            public <A, B> WindowedTable<A, B> windowed(TableImpl<A, B> table, Window window) {
                throw new IllegalStateException("table " + name + " is a global table, which cannot be windowed");
            }
        });
    }

    /** Declares a set table (before start); keys and members are JSON. */
    public <K, E> SetTable<K, E> setTable(String name, Codec<K> keys, Codec<E> members) {
        checkNew(name);
        SetChangelog<K, E> records = new SetChangelog<>(keys, members);
        TablePartitions<K, java.util.Set<E>> parts = partitions(name, ChangelogCodec.of(keys, records.asValueCodec()));
        tables.put(name, parts);
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
                this::partitionCount, this::send);
    }

    /** A plain table becomes windowed: declared again under its name, with windowed keys. */
    private <K, V> WindowedTable<K, V> windowed(TableImpl<K, V> table, Window window) {
        ChangelogCodec<K, V> plain = table.codec();
        TablePartitions<WindowedKey<K>, V> parts = partitions(table.name(),
                ChangelogCodec.windowed(plain.keyCodec(), plain.valueCodec()));
        tables.put(table.name(), parts);
        return new WindowedTableImpl<>(table, parts, window, wallClock);
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

    /** Restores the global tables and starts following their changelogs: at start, before any record is read. */
    public void startGlobal() {
        if (globals.isEmpty()) {
            return;
        }
        follower = new GlobalFollower(globals.values(), partitions, () -> transport.get().changelogReader(
                readCommitted), ticker, appId, readCommitted);
        follower.start();
    }

    /** Stops following the global tables' changelogs: at stop, once the agents stopped. */
    public void close() {
        GlobalFollower f = follower;
        if (f != null) {
            f.close();
        }
    }

    /** Source partitions were assigned: restores the table partitions newly held. Poll thread. */
    public void assigned(Collection<TopicPartition> assigned) {
        if (tables.isEmpty() && globals.isEmpty()) {
            return;
        }
        Set<Integer> fresh = new TreeSet<>();
        for (TopicPartition tp : assigned) {
            if (held.merge(tp.partition(), 1, Integer::sum) == 1 && tp.partition() < partitions) {
                fresh.add(tp.partition());
            }
        }
        if (!fresh.isEmpty()) {
            if (follower != null) {
                follower.owned(fresh);
            }
            restore(fresh);
        }
    }

    /** Source partitions were released (revoked, lost, stopped, rewound): drops the table partitions no longer held. */
    public void released(Collection<TopicPartition> released) {
        if (tables.isEmpty() && globals.isEmpty()) {
            return;
        }
        Set<Integer> dropped = new TreeSet<>();
        for (TopicPartition tp : released) {
            Integer n = held.get(tp.partition());
            if (n == null) {
                continue;
            }
            if (n == 1) {
                held.remove(tp.partition());
                tables.values().forEach(t -> t.drop(tp.partition()));
                dropped.add(tp.partition());
            } else {
                held.put(tp.partition(), n - 1);
            }
        }
        if (follower != null && !dropped.isEmpty()) {
            follower.released(dropped);
        }
    }

    private void restore(Set<Integer> fresh) {
        Map<TopicPartition, ChangelogRestorer.Target> targets = new LinkedHashMap<>();
        List<Runnable> publish = new ArrayList<>();
        for (TablePartitions<?, ?> t : tables.values()) {
            for (int p : fresh) {
                publish.add(prepare(t, p, targets));
            }
        }
        try (ChangelogReader reader = transport.get().changelogReader(readCommitted)) {
            new ChangelogRestorer(reader, ticker, appId).restore(targets, () -> false);
        }
        publish.forEach(Runnable::run); // only once restored: an agent never sees a partition half restored
    }

    private static <K, V> Runnable prepare(TablePartitions<K, V> t, int partition,
                                           Map<TopicPartition, ChangelogRestorer.Target> targets) {
        PartitionStore<K, V> store = t.newStore();
        targets.put(new TopicPartition(t.changelog, partition), store);
        return () -> t.publish(partition, store);
    }

    /** A changelog record: tied to the record in hand, whose ack and error policy take its outcome. */
    private void send(ProducedRecord record) {
        var unused = send.apply(record); // the outcome reaches the record in hand through the tie
    }

    private int partitionCount(String sourceTopic) {
        return sourcePartitions.computeIfAbsent(sourceTopic,
                topic -> transport.get().partitionCount(topic).orElse(partitions));
    }
}
