package dev.faust4j.internal.table;

import dev.faust4j.Table;
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
import java.util.function.Supplier;

/**
 * The app's tables: their declaration, their changelog topics, and which partitions of them this worker holds.
 *
 * <p>Design. A table's changelog is co-partitioned with the topics that feed it: partition {@code p} of every table
 * belongs with partition {@code p} of the source topics, so the worker holds table partition {@code p} while it is
 * assigned a source partition numbered {@code p} (of any topic). On assignment ({@link #assigned}, called
 * on the poll thread from the rebalance callback, before any record of the new partitions is delivered) every table
 * partition newly held is restored from its changelog with a {@link ChangelogRestorer} (reading committed records
 * under exactly-once); on release ({@link #released}: revoked, lost, stopped, or rewound under exactly-once before
 * it is assigned again) it is dropped. Kafka's assignor does not keep the partitions numbered {@code p} of different
 * topics together (a {@code groupBy}'s input and repartition topics, three workers): a worker may hold table
 * partition {@code p} through a topic that never writes the table while another worker writes it; so a table
 * partition is restored again when a partition numbered {@code p} is assigned and none of the topics it was held
 * through so far has written the table here (its store may be stale), and kept otherwise (this worker is its
 * writer: its store holds its own writes, some perhaps not yet in the changelog). Changelog topics are declared at
 * start, compacted, with the app's partition count; the first write from a source topic checks that the counts
 * match. The sender is the worker's, so a
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
    private final Map<String, TablePartitions<?, ?>> tables = new LinkedHashMap<>();
    /** Partition number: the topics of the assigned source partitions that have it. Poll thread only. */
    private final Map<Integer, Set<String>> held = new HashMap<>();
    private final Map<String, Integer> sourcePartitions = new ConcurrentHashMap<>();

    /**
     * @param send    sends a changelog record (the worker's sender: tied to the record in hand)
     * @param started true once the app started (tables are declared before)
     */
    public Tables(String appId, int partitions, short replicationFactor, boolean readCommitted, Ticker ticker,
                  Supplier<Transport> transport, Function<ProducedRecord, ? extends Future<?>> send,
                  BooleanSupplier started) {
        this.appId = appId;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.readCommitted = readCommitted;
        this.ticker = ticker;
        this.transport = transport;
        this.send = send;
        this.started = started;
    }

    /** Declares a table (before start). */
    public <K, V> Table<K, V> table(String name, Codec<K> keys, Codec<V> values) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("table name must not be blank");
        }
        if (started.getAsBoolean()) {
            throw new IllegalStateException("cannot add table " + name + ": app " + appId + " has started; declare"
                    + " tables and their defaults before start");
        }
        if (tables.containsKey(name)) {
            throw new IllegalArgumentException("a table named " + name + " exists already in app " + appId);
        }
        TablePartitions<K, V> parts = new TablePartitions<>(name, appId + "-" + name + "-changelog",
                ChangelogCodec.of(keys, values), partitions, started, this::partitionCount, this::send);
        tables.put(name, parts);
        return new TableImpl<>(parts);
    }

    /** Creates the changelog topics (compacted, the app's partition count). */
    public void declare() {
        if (tables.isEmpty()) {
            return;
        }
        List<TopicSpec> specs = new ArrayList<>();
        for (TablePartitions<?, ?> t : tables.values()) {
            specs.add(new TopicSpec(t.changelog, partitions, replicationFactor, true,
                    Map.of("cleanup.policy", "compact")));
        }
        transport.get().declareTopics(specs);
    }

    /**
     * Source partitions were assigned: restores the table partitions newly held, and again those held so far only
     * through topics that never wrote them here. Poll thread.
     */
    public void assigned(Collection<TopicPartition> assigned) {
        if (tables.isEmpty()) {
            return;
        }
        Map<List<Object>, Pending> pending = new LinkedHashMap<>();
        for (TopicPartition tp : assigned) {
            Set<String> topics = held.computeIfAbsent(tp.partition(), p -> new TreeSet<>());
            Set<String> before = Set.copyOf(topics);
            if (!topics.add(tp.topic()) || tp.partition() >= partitions) {
                continue;
            }
            for (TablePartitions<?, ?> t : tables.values()) {
                if (before.stream().noneMatch(t::writtenFrom)) {
                    var unused = pending.putIfAbsent(List.of(t.name, tp.partition()),
                            new Pending(t, tp.partition(), before));
                }
            }
        }
        if (!pending.isEmpty()) {
            restore(pending.values());
        }
    }

    /** Source partitions were released (revoked, lost, stopped, rewound): drops the table partitions no longer held. */
    public void released(Collection<TopicPartition> released) {
        if (tables.isEmpty()) {
            return;
        }
        for (TopicPartition tp : released) {
            Set<String> topics = held.get(tp.partition());
            if (topics == null || !topics.remove(tp.topic()) || !topics.isEmpty()) {
                continue;
            }
            held.remove(tp.partition());
            tables.values().forEach(t -> t.drop(tp.partition()));
        }
    }

    /**
     * A table partition to restore: {@code heldBefore} are the topics it was held through already (empty: newly
     * held), whose first write here, should one come during the restore, keeps the current store.
     */
    private record Pending(TablePartitions<?, ?> table, int partition, Set<String> heldBefore) {
    }

    private void restore(Collection<Pending> pending) {
        Map<TopicPartition, ChangelogRestorer.Target> targets = new LinkedHashMap<>();
        List<Runnable> publish = new ArrayList<>();
        for (Pending p : pending) {
            publish.add(prepare(p.table(), p.partition(), p.heldBefore(), targets));
        }
        try (ChangelogReader reader = transport.get().changelogReader(readCommitted)) {
            new ChangelogRestorer(reader, ticker, appId).restore(targets, () -> false);
        }
        publish.forEach(Runnable::run); // only once restored: an agent never sees a partition half restored
    }

    private static <K, V> Runnable prepare(TablePartitions<K, V> t, int partition, Set<String> heldBefore,
                                           Map<TopicPartition, ChangelogRestorer.Target> targets) {
        PartitionStore<K, V> store = new PartitionStore<>(t.codec);
        targets.put(new TopicPartition(t.changelog, partition), store);
        return () -> t.publish(partition, store, heldBefore);
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
