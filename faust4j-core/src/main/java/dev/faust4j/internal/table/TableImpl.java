package dev.faust4j.internal.table;

import dev.faust4j.Table;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.event.InHand;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A {@link Table}: reads and writes of the partitions this worker holds ({@link TablePartitions}).
 *
 * <p>Design. A write finds the record in hand on the calling thread ({@link InHand}): its partition is the
 * changelog partition, and its key must be the table key (the stream is keyed by the table key, so the key's state
 * lives where the key is processed). Within the partition store's {@code compute} for the key, the changelog record
 * is sent (through the worker's sender, so it is tied to the record in hand: its ack, and so its commit, waits for
 * the changelog write, and under exactly-once it joins the transaction) and the new value stored; one key's
 * updates are thus applied and sent in the same order. Reads in an agent look at the partition in hand, elsewhere
 * at every partition held.
 *
 * <p>Thread-safety: thread-safe.
 */
final class TableImpl<K, V> implements Table<K, V> {
    private final String name;
    private final String changelog;
    private final ChangelogCodec<K, V> codec;
    final TablePartitions<K, V> parts;
    private volatile @Nullable Supplier<? extends V> defaultValue;

    TableImpl(TablePartitions<K, V> parts) {
        this.parts = parts;
        this.name = parts.name;
        this.changelog = parts.changelog;
        this.codec = parts.codec;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String changelogTopic() {
        return changelog;
    }

    @Override
    public Table<K, V> withDefault(Supplier<? extends V> defaultValue) {
        parts.requireNotStarted("set the default of table " + name);
        this.defaultValue = Objects.requireNonNull(defaultValue, "defaultValue");
        return this;
    }

    @Override
    public @Nullable V get(K key) {
        V v = stored(key);
        return v != null ? v : defaultOrNull();
    }

    @Override
    public V getOrDefault(K key, V fallback) {
        V v = stored(key);
        return v != null ? v : fallback;
    }

    @Override
    public boolean containsKey(K key) {
        return stored(key) != null;
    }

    @Override
    public void put(K key, V value) {
        Objects.requireNonNull(value, "value (delete a key with delete)");
        write(key, "put", old -> value);
    }

    @Override
    public void delete(K key) {
        write(key, "delete", old -> null);
    }

    @Override
    public @Nullable V update(K key, UnaryOperator<@Nullable V> function) {
        Objects.requireNonNull(function, "function");
        return write(key, "update", old -> function.apply(old != null ? old : defaultOrNull()));
    }

    @Override
    public Map<K, V> local() {
        Map<K, V> out = new HashMap<>();
        for (PartitionStore<K, V> s : parts.all()) {
            out.putAll(s.map);
        }
        return out;
    }

    private @Nullable V write(K key, String operation, UnaryOperator<@Nullable V> next) {
        Objects.requireNonNull(key, "key");
        EventImpl<?, ?> event = eventInHand(operation);
        if (!Objects.equals(key, event.key())) {
            throw new IllegalStateException("table " + name + ": cannot " + operation + " key " + key
                    + " while processing the record with key " + event.key() + " (" + event.position() + "): a table"
                    + " is updated for the key of the record in hand, so that the key's state lives in the partition"
                    + " that owns the key; group the stream by the table key first (groupBy)");
        }
        int partition = event.partition();
        parts.checkCopartitioned(event.topic());
        byte[] keyBytes = codec.encodeKey(key);
        return parts.writing(event.topic(), () -> {
            PartitionStore<K, V> store = parts.store(partition);
            Object[] result = new Object[1];
            store.map.compute(key, (k, old) -> {
                V value = next.apply(old);
                // sent inside the compute: one key's changelog records go out in the order its values are stored
                parts.send(new ProducedRecord(changelog, partition, null, keyBytes, codec.encodeValue(value),
                        List.of()));
                result[0] = value;
                return value;
            });
            @SuppressWarnings("unchecked") V value = (V) result[0];
            return value;
        });
    }

    private EventImpl<?, ?> eventInHand(String operation) {
        InHand inHand = InHand.ofThisThread();
        EventImpl<?, ?> event = inHand == null ? null : inHand.current();
        if (event == null && inHand != null && !inHand.batch().isEmpty()) {
            List<? extends EventImpl<?, ?>> batch = inHand.batch();
            event = batch.getLast();
            for (EventImpl<?, ?> e : batch) {
                if (e.partition() != event.partition() || !e.topic().equals(event.topic())) {
                    throw new IllegalStateException("table " + name + ": cannot " + operation + " while a take batch"
                            + " of several partitions is in hand; update the table per record");
                }
            }
        }
        if (event == null || event.record() == null) {
            throw new IllegalStateException("table " + name + ": " + operation + " is only possible in an agent"
                    + " while it processes a record of a topic (the changelog partition is the record's); reads"
                    + " work anywhere");
        }
        return event;
    }

    private @Nullable V stored(K key) {
        Objects.requireNonNull(key, "key");
        InHand inHand = InHand.ofThisThread();
        EventImpl<?, ?> event = inHand == null ? null : inHand.current();
        if (event != null && event.record() != null) {
            PartitionStore<K, V> store = parts.storeOrNull(event.partition());
            if (store != null) {
                return store.map.get(key);
            }
        }
        for (PartitionStore<K, V> s : parts.all()) {
            V v = s.map.get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private @Nullable V defaultOrNull() {
        Supplier<? extends V> d = defaultValue;
        return d == null ? null : d.get();
    }

    @Override
    public String toString() {
        return "Table[" + name + ", changelog " + changelog + "]";
    }
}
