package dev.faust4j.internal.table;

import dev.faust4j.Sensor;
import dev.faust4j.Table;
import dev.faust4j.WindowedTable;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
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
 * lives where the key is processed). Within the partition store's atomic update of the key, the changelog record
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
    private final Windowing windowing;
    private volatile @Nullable Supplier<? extends V> defaultValue;
    private volatile @Nullable WindowedTable<K, V> windowed;

    /** Turns a plain table into a windowed one (declared again under the same name, with windowed keys). */
    interface Windowing {
        <K, V> WindowedTable<K, V> windowed(TableImpl<K, V> table, Window window);
    }

    private final Sensor sensor;

    TableImpl(TablePartitions<K, V> parts, Windowing windowing, Sensor sensor) {
        this.sensor = sensor;
        this.parts = parts;
        this.windowing = windowing;
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
        sensor.onTableGet(name, key);
        return v != null ? v : defaultOrNull();
    }

    @Override
    public V getOrDefault(K key, V fallback) {
        V v = stored(key);
        sensor.onTableGet(name, key);
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
        sensor.onTableSet(name, key, value);
    }

    @Override
    public void delete(K key) {
        write(key, "delete", old -> null);
        sensor.onTableDelete(name, key);
    }

    @Override
    public @Nullable V update(K key, UnaryOperator<@Nullable V> function) {
        Objects.requireNonNull(function, "function");
        V v = write(key, "update", old -> function.apply(old != null ? old : defaultOrNull()));
        if (v != null) {
            sensor.onTableSet(name, key, v);
        } else {
            sensor.onTableDelete(name, key);
        }
        return v;
    }

    @Override
    public Map<K, V> local() {
        requirePlain("read");
        Map<K, V> out = new HashMap<>();
        for (TableStore<K, V> s : parts.all()) {
            s.copyTo(out);
        }
        return out;
    }

    private @Nullable V write(K key, String operation, UnaryOperator<@Nullable V> next) {
        requirePlain(operation);
        EventImpl<?, ?> event = RecordInHand.forUpdate(name, operation, key);
        int partition = event.partition();
        parts.checkCopartitioned(event.topic());
        WriteCache<K, V> cache = parts.cache();
        if (cache != null) { // the changelog record goes out at the commit, with the key's value then
            event.changedHeldState(); // so a retry under exactly-once aborts instead of applying it twice
            return parts.writing(event.topic(), () -> parts.store(partition).update(key, next,
                    new TableStore.ChangelogSend() {
                        @Override
                        public java.util.concurrent.CompletableFuture<dev.faust4j.RecordMetadata> send(byte[] value) {
                            return cache.updated(partition, key);
                        }

                        @Override
                        public boolean wantsBytes() {
                            return false;
                        }
                    }));
        }
        byte[] keyBytes = codec.encodeKey(key);
        return parts.writing(event.topic(), () -> parts.store(partition).update(key, next,
                value -> parts.send(new ProducedRecord(changelog, partition, null, keyBytes, value, List.of()))));
    }

    private @Nullable V stored(K key) {
        Objects.requireNonNull(key, "key");
        requirePlain("read");
        EventImpl<?, ?> event = RecordInHand.current();
        if (event != null) {
            TableStore<K, V> store = parts.storeOrNull(event.partition());
            if (store != null) {
                return store.get(key);
            }
        }
        for (TableStore<K, V> s : parts.all()) {
            V v = s.get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    @Override
    public WindowedTable<K, V> tumbling(Duration size) {
        return windowed(Window.tumbling(size));
    }

    @Override
    public WindowedTable<K, V> hopping(Duration size, Duration step) {
        return windowed(Window.hopping(size, step));
    }

    @Override
    public WindowedTable<K, V> sliding(Duration before, Duration after) {
        return windowed(Window.sliding(before, after));
    }

    private WindowedTable<K, V> windowed(Window window) {
        parts.requireNotStarted("make table " + name + " windowed");
        if (windowed != null) {
            throw new IllegalStateException("table " + name + " is windowed already");
        }
        WindowedTable<K, V> w = windowing.windowed(this, window);
        windowed = w;
        return w;
    }

    private void requirePlain(String operation) {
        if (windowed != null) {
            throw new IllegalStateException("table " + name + " is windowed: " + operation + " through the"
                    + " WindowedTable that tumbling, hopping or sliding returned");
        }
    }

    @Nullable
    Supplier<? extends V> defaultValue() {
        return defaultValue;
    }

    ChangelogCodec<K, V> codec() {
        return codec;
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
