package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import dev.faust4j.WindowedTable;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A {@link WindowedTable}: a table whose keys are (key, window) pairs ({@link WindowedKey}), held in the same
 * partition stores as a plain table's, with the window math of {@link Window} and the per-partition stream time,
 * closing and expiry of {@link PartitionWindows}.
 *
 * <p>Design. A write takes the record in hand ({@link RecordInHand}: the key must be the record's), its event time
 * (by the configured relativity), and updates each window containing it that is still open, each in one
 * {@code compute} of the store that also sends the changelog record (key {@code [key,[start,end-0.1]]}, timestamp
 * the event time), as a plain table does; the compute checks again that the window is open, so an update never
 * lands in a window already closed. A record whose windows are all closed changes nothing and is counted as late.
 * Then stream time moves, which may close and expire windows. Reads by event time use the record in hand; the
 * default value is the plain table's.
 *
 * <p>Thread-safety: thread-safe; configuration before start only.
 */
final class WindowedTableImpl<K, V> implements WindowedTable<K, V> {
    private static final Logger log = LoggerFactory.getLogger(WindowedTable.class);
    private static final long ONE_DAY_MS = Duration.ofDays(1).toMillis();
    private static final long LATE_LOG_EVERY_MS = Duration.ofMinutes(1).toMillis();

    private final TableImpl<K, V> plain;
    private final String name;
    private final String changelog;
    private final TablePartitions<WindowedKey<K>, V> parts;
    private final ChangelogCodec<WindowedKey<K>, V> codec;
    private final LongSupplier wallClock;
    private final Map<Integer, PartitionWindows<K, V>> windows = new ConcurrentHashMap<>();
    private final LongAdder late = new LongAdder();
    private final AtomicLong lateLoggedAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong lateAtLastLog = new AtomicLong();
    private volatile Window window;
    private volatile EventTime eventTime;
    private volatile @Nullable WindowCloseCallback<? super K, ? super V> onClose;

    /** How the event time of the record in hand is found. */
    private interface EventTime {
        long of(EventImpl<?, ?> event);
    }

    WindowedTableImpl(TableImpl<K, V> plain, TablePartitions<WindowedKey<K>, V> parts, Window window,
                      LongSupplier wallClock) {
        this.plain = plain;
        this.name = parts.name;
        this.changelog = parts.changelog;
        this.parts = parts;
        this.codec = parts.codec;
        this.window = window;
        this.wallClock = wallClock;
        this.eventTime = EventImpl::timestamp;
        parts.listen(new TablePartitions.Listener<>() {
            @Override
            public void publishing(int partition, TableStore<WindowedKey<K>, V> store) {
                Expiry e = WindowedTableImpl.this.window.expiry();
                windows.put(partition, new PartitionWindows<>(store, e.graceMs(), e.expiresMs(), onClose));
            }

            @Override
            public void dropped(int partition) {
                windows.remove(partition);
            }
        }, this::topicConfigs);
    }

    /** Compacted, and deleted by (event) time when windows expire: size + expires + a day (Kafka Streams' margin). */
    private Map<String, String> topicConfigs() {
        Window w = window;
        if (!w.expiry().expires()) {
            return Map.of("cleanup.policy", "compact");
        }
        long size = w.ranges(Millis.MAX / 2).get(0).sizeMs();
        return Map.of("cleanup.policy", "compact,delete",
                "retention.ms", String.valueOf(size + w.expiry().expiresMs() + ONE_DAY_MS));
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
    public WindowedTable<K, V> expires(Duration expires) {
        parts.requireNotStarted("set the expiry of table " + name);
        window = window.expires(expires);
        return this;
    }

    @Override
    public WindowedTable<K, V> grace(Duration grace) {
        parts.requireNotStarted("set the grace period of table " + name);
        Expiry e = window.expiry();
        long graceMs = Millis.nonNegative("grace", grace);
        if (e.expires() && graceMs > e.expiresMs()) {
            throw new IllegalArgumentException("table " + name + ": grace (" + grace + ") must be at most expires ("
                    + Duration.ofMillis(e.expiresMs()) + "): a window must not be dropped while it still accepts"
                    + " records");
        }
        window = window.grace(grace);
        return this;
    }

    @Override
    public WindowedTable<K, V> relativeToStream() {
        parts.requireNotStarted("set the event time of table " + name);
        eventTime = EventImpl::timestamp;
        return this;
    }

    @Override
    public <T> WindowedTable<K, V> relativeToField(Class<T> valueType, Function<? super T, Instant> field) {
        Objects.requireNonNull(valueType, "valueType");
        Objects.requireNonNull(field, "field");
        parts.requireNotStarted("set the event time of table " + name);
        eventTime = event -> {
            Object value = event.value();
            if (!valueType.isInstance(value)) {
                throw new IllegalStateException("table " + name + ": its event time is a field of "
                        + valueType.getName() + ", but the record in hand (" + event.position() + ") has a value of "
                        + (value == null ? "null" : value.getClass().getName()));
            }
            Instant at = field.apply(valueType.cast(value));
            if (at == null) {
                throw new IllegalStateException("table " + name + ": the event-time field of the record in hand ("
                        + event.position() + ") is null");
            }
            return at.toEpochMilli();
        };
        return this;
    }

    @Override
    public WindowedTable<K, V> relativeToNow() {
        parts.requireNotStarted("set the event time of table " + name);
        eventTime = event -> wallClock.getAsLong();
        return this;
    }

    @Override
    public WindowedTable<K, V> onWindowClose(WindowCloseCallback<? super K, ? super V> callback) {
        parts.requireNotStarted("set the window-close callback of table " + name);
        onClose = Objects.requireNonNull(callback, "callback");
        return this;
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
    public void update(K key, UnaryOperator<@Nullable V> function) {
        Objects.requireNonNull(function, "function");
        write(key, "update", old -> function.apply(old != null ? old : defaultOrNull()));
    }

    @Override
    public WindowSet<K, V> get(K key) {
        return new Set(Objects.requireNonNull(key, "key"), RecordInHand.current());
    }

    @Override
    public long lateRecords() {
        return late.sum();
    }

    private void write(K key, String operation, UnaryOperator<@Nullable V> next) {
        EventImpl<?, ?> event = RecordInHand.forUpdate(name, operation, key);
        int partition = event.partition();
        parts.checkCopartitioned(event.topic());
        TableStore<WindowedKey<K>, V> store = parts.store(partition);
        PartitionWindows<K, V> pw = windows.get(partition);
        if (pw == null) { // released between the two reads
            throw new IllegalStateException("table " + name + ": partition " + partition + " was released");
        }
        long t = eventTime.of(event);
        int written = parts.writing(event.topic(), () -> {
            int n = 0;
            for (WindowRange range : window.ranges(t)) {
                if (!pw.isClosed(range) && update(store, pw, partition, new WindowedKey<>(key, range), t, next)) {
                    n++;
                }
            }
            return n;
        });
        if (written == 0) {
            late(event, t, pw);
            return;
        }
        pw.advance(t);
    }

    /** Updates one window of the key, unless it closed meanwhile; true when updated. */
    @SuppressWarnings("unchecked")
    private boolean update(TableStore<WindowedKey<K>, V> store, PartitionWindows<K, V> pw, int partition,
                           WindowedKey<K> key, long eventTimeMs, UnaryOperator<@Nullable V> next) {
        byte[] keyBytes = codec.encodeKey(key);
        boolean[] outcome = new boolean[2]; // updated, created
        store.update(key, old -> {
            if (pw.isClosed(key.window())) {
                return (V) TableStore.UNCHANGED; // closed meanwhile: the update is late
            }
            V value = next.apply(old);
            outcome[0] = true;
            outcome[1] = old == null && value != null;
            return value;
        }, value -> parts.send(new ProducedRecord(changelog, partition, eventTimeMs, keyBytes, value, List.of())));
        if (outcome[1]) {
            pw.created(key);
        }
        return outcome[0];
    }

    private void late(EventImpl<?, ?> event, long t, PartitionWindows<K, V> pw) {
        late.increment();
        long now = wallClock.getAsLong();
        long last = lateLoggedAt.get();
        if (now - last >= LATE_LOG_EVERY_MS && lateLoggedAt.compareAndSet(last, now)) {
            long total = late.sum();
            long since = total - lateAtLastLog.getAndSet(total);
            log.warn("table {}: dropped a late record ({}, event time {}): all its windows had closed (stream time"
                    + " {}, grace {}); {} late record(s) since the last such line, {} in all", name,
                    event.position(), Instant.ofEpochMilli(t), Instant.ofEpochMilli(pw.streamTime()),
                    Duration.ofMillis(window.expiry().graceMs()), since, total);
        }
    }

    private @Nullable V defaultOrNull() {
        Supplier<? extends V> d = plain.defaultValue();
        return d == null ? null : d.get();
    }

    private @Nullable V stored(WindowedKey<K> key, @Nullable EventImpl<?, ?> inHand) {
        if (inHand != null) {
            TableStore<WindowedKey<K>, V> store = parts.storeOrNull(inHand.partition());
            if (store != null) {
                return store.get(key);
            }
        }
        for (TableStore<WindowedKey<K>, V> s : parts.all()) {
            V v = s.get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "WindowedTable[" + name + ", " + window + ", changelog " + changelog + "]";
    }

    /** A key's windows, read as of the record in hand when it was made (if any). */
    private final class Set implements WindowSet<K, V> {
        private final K key;
        private final @Nullable EventImpl<?, ?> inHand;

        Set(K key, @Nullable EventImpl<?, ?> inHand) {
            this.key = key;
            this.inHand = inHand;
        }

        @Override
        public K key() {
            return key;
        }

        @Override
        public @Nullable V value() {
            return latestAt(eventTime.of(event("value()")));
        }

        @Override
        public @Nullable V current() {
            return latestAt(event("current()").timestamp());
        }

        @Override
        public @Nullable V delta(Duration ago) {
            return latestAt(eventTime.of(event("delta()")) - Millis.nonNegative("ago", ago));
        }

        @Override
        public @Nullable V now() {
            return in(window.earliest(wallClock.getAsLong()));
        }

        @Override
        public @Nullable V at(Instant time) {
            return latestAt(time.toEpochMilli());
        }

        @Override
        public @Nullable V in(WindowRange range) {
            V v = stored(new WindowedKey<>(key, range), inHand);
            return v != null ? v : defaultOrNull();
        }

        @Override
        public NavigableMap<WindowRange, V> range(Instant from, Instant to) {
            long fromMs = from.toEpochMilli();
            long toMs = to.toEpochMilli();
            NavigableMap<WindowRange, V> out = new TreeMap<>();
            TableStore<WindowedKey<K>, V> inHandStore = inHand == null ? null : parts.storeOrNull(inHand.partition());
            List<TableStore<WindowedKey<K>, V>> stores = inHandStore != null ? List.of(inHandStore)
                    : List.copyOf(parts.all());
            for (TableStore<WindowedKey<K>, V> store : stores) {
                Map<WindowedKey<K>, V> held = new java.util.HashMap<>();
                store.copyTo(held);
                held.forEach((k, v) -> {
                    if (k.key().equals(key) && k.window().startMs() >= fromMs && k.window().startMs() < toMs) {
                        out.put(k.window(), v);
                    }
                });
            }
            return out;
        }

        private @Nullable V latestAt(long timeMs) {
            if (timeMs < 0) { // before the epoch (a delta reaching back past it): no window
                return defaultOrNull();
            }
            return in(window.current(timeMs));
        }

        private EventImpl<?, ?> event(String read) {
            if (inHand == null) {
                throw new IllegalStateException("table " + name + ": " + read + " reads by the event time of the"
                        + " record in hand, and there is none (get the window set in an agent); at(time), in(window),"
                        + " now() and range() work anywhere");
            }
            return inHand;
        }

        @Override
        public String toString() {
            return "WindowSet[" + name + ", " + key + "]";
        }
    }
}
