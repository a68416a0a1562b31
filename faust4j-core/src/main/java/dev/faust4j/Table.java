package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A partitioned key/value map that survives restarts and crashes: Faust's {@code app.Table}. Every update writes
 * the new value to the table's compacted changelog topic {@code {app id}-{name}-changelog}, in the partition of the
 * record being processed, and a worker that is assigned a partition restores that partition of every table from the
 * changelog before its agents see a record of it.
 *
 * <pre>{@code
 * Table<String, Long> views = app.table("page-views", String.class, Long.class).withDefault(() -> 0L);
 * app.agent(pageViews, stream -> {
 *     for (PageView v : stream.groupBy("page")) {        // the stream keyed by the table key
 *         views.update(v.page(), n -> n + 1);             // one changelog record, tied to this record
 *     }
 * });
 * }</pre>
 *
 * <p><b>Where it can be changed.</b> Updates ({@link #put}, {@link #delete}, {@link #update}) are made by an agent
 * while it processes a record, for <em>that record's key</em>: the table key must equal the key of the record in
 * hand, so that the key's state lives in the partition that owns the key. Group the stream by the table key first
 * ({@code groupBy}) when its key is something else; an update for another key, or outside an agent, throws an
 * {@link IllegalStateException} that says so (Faust only warns, and the counts come out wrong). Reads work
 * anywhere on the worker that owns the key's partition: in an agent they read the partition in hand, elsewhere
 * (a timer, a web page) every partition this worker holds.
 *
 * <p><b>What it guarantees.</b> A changelog record is tied to the record that caused it: under at-least-once the
 * record's offset is committed only once its changelog records are durable (a crash may apply an update twice:
 * counts are never lower than the truth); under exactly-once they are part of the same transaction, and an aborted
 * transaction's updates are rolled back by restoring the partition again, so counts are exact. Changelog records
 * use Faust's wire format (JSON keys and values), so a Python Faust app can read a faust4j table and the other way
 * round. The default value of a missing key is returned by reads, never stored, and writes no changelog record.
 * Values are held as given: do not mutate a value in place, {@link #put} or {@link #update} a new one.
 *
 * <p><b>Windows.</b> {@link #tumbling}, {@link #hopping} and {@link #sliding} turn the table into a
 * {@link WindowedTable}: values per key and event-time window, with expiry, a grace period for late records and a
 * window-close callback.
 *
 * <p>Where partitions are kept is the app's {@code tableStore} setting. {@code memory://} (the default) keeps them in
 * memory and restores them from the changelog's beginning on every assignment. {@code rocksdb://} keeps each
 * partition in a RocksDB database under {@code dataDir}: the updates since the last commit stay in memory, and each
 * commit writes those whose changelog records were acknowledged to the database together with the changelog offset
 * they reflect, in one atomic batch (under exactly-once, only the committed transaction's); a restart or a new
 * assignment then reads only the changelog records written after that offset. {@code App.run("reset")} deletes the
 * local stores. Standby replicas follow.
 *
 * <p><b>Thread-safety:</b> thread-safe. Updates of one key are applied and sent in one step, so the changelog's
 * last record for a key is the store's value even when several agent instances write.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface Table<K, V> {

    /** The table's name: part of its changelog topic's name. */
    String name();

    /** The changelog topic: {@code {app id}-{name}-changelog}. */
    String changelogTopic();

    /**
     * Sets the value a read returns for a missing key (Faust's {@code default=int}); declare before the app starts.
     * Returns this table.
     */
    Table<K, V> withDefault(Supplier<? extends V> defaultValue);

    /** The value of {@code key}, or the default (not stored), or null when there is no default. */
    @Nullable
    V get(K key);

    /** The value of {@code key}, or {@code fallback}. */
    V getOrDefault(K key, V fallback);

    /** True when {@code key} has a stored value. */
    boolean containsKey(K key);

    /**
     * Stores {@code value} for the key of the record being processed and writes it to the changelog.
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's (group by it first)
     */
    void put(K key, V value);

    /**
     * Removes {@code key} and writes a tombstone to the changelog.
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's
     */
    void delete(K key);

    /**
     * Replaces the value of {@code key} (or the default, or null) by {@code function}'s result in one step and
     * writes it to the changelog; a null result deletes the key. Returns the new value.
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's
     */
    @Nullable
    V update(K key, UnaryOperator<@Nullable V> function);

    /** A copy of every key and value this worker holds (the partitions assigned to it). */
    Map<K, V> local();

    /**
     * Makes this a table of tumbling windows of {@code size} (Faust's {@code table.tumbling(size)}): one window per
     * record, {@code [floor(t / size) * size, + size)}. Declare before the app starts; the plain operations of this
     * {@code Table} are refused from then on.
     *
     * @throws IllegalArgumentException when {@code size} is not a positive whole number of milliseconds
     */
    WindowedTable<K, V> tumbling(Duration size);

    /**
     * Makes this a table of hopping windows of {@code size}, one starting every {@code step} (Faust's
     * {@code table.hopping(size, step)}): a record updates the {@code size / step} windows that contain it. Declare
     * before the app starts.
     *
     * @throws IllegalArgumentException when {@code size} or {@code step} is not a positive whole number of
     *                                  milliseconds, or {@code step} exceeds {@code size}
     */
    WindowedTable<K, V> hopping(Duration size, Duration step);

    /**
     * Makes this a table of sliding windows: one window per record, from {@code before} its event time to
     * {@code after} it, both included (Faust's {@code Sliding}). Declare before the app starts.
     */
    WindowedTable<K, V> sliding(Duration before, Duration after);
}
