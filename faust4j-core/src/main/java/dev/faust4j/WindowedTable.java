package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * A table of values per key and event-time window: Faust's windowed table ({@code table.tumbling(...)}). Made from a
 * {@link Table} with {@link Table#tumbling}, {@link Table#hopping} or {@link Table#sliding}; the table's name,
 * default and codecs carry over, and its plain operations are refused from then on.
 *
 * <pre>{@code
 * WindowedTable<String, Long> views = app.table("views-per-minute", String.class, Long.class)
 *         .withDefault(() -> 0L)
 *         .tumbling(Duration.ofMinutes(1))
 *         .expires(Duration.ofHours(1))            // a window's state is dropped an hour after its end
 *         .grace(Duration.ofSeconds(10))           // records up to 10 s late still count
 *         .onWindowClose((page, window, n) -> System.out.println(page + " " + window + ": " + n));
 * app.agent(pageViews, stream -> {
 *     for (PageView v : stream.groupBy("page")) {
 *         views.update(v.page(), n -> n + 1);      // the window of this record's timestamp
 *         long thisMinute = views.get(v.page()).current();
 *         long aMinuteAgo = views.get(v.page()).delta(Duration.ofMinutes(1));
 *     }
 * });
 * }</pre>
 *
 * <p><b>Event time.</b> A record belongs to the windows that contain its event time: its Kafka timestamp by default
 * ({@link #relativeToStream}), a field of its value ({@link #relativeToField}), or the app's clock
 * ({@link #relativeToNow}). Each worker keeps a <em>stream time</em> per partition, the largest event time of the
 * records written to the table; it only moves forward, and it is restored with the table after a restart.
 *
 * <p><b>Closing, late records, expiry</b> (where Faust has no grace and silently mixes late records into closed
 * windows). A window <em>closes</em> once stream time reaches its end plus the {@linkplain #grace grace period}
 * (zero by default): the {@linkplain #onWindowClose close callback} then runs once for each key of the window, with
 * the window's final value, and updates for it are dropped from then on. A record whose windows are all closed is
 * <em>late</em>: it changes nothing, and is counted ({@link #lateRecords}) and logged at most once a minute. A
 * window <em>expires</em> once stream time reaches its end plus {@link #expires}: its values are dropped from this
 * worker's store (no tombstone: the changelog topic is compacted and deleted by time, keeping records for
 * {@code size + expires} and a day more, as Kafka Streams does). Without {@code expires}, windows are kept forever.
 * The broker judges that retention by the changelog records' timestamps, which are event times: a job that replays
 * event times older than the retention (a backfill) has its changelog records deleted by the broker within seconds,
 * and a restart would not find them. Raise the changelog topic's {@code retention.ms} for such a run.
 *
 * <p><b>Updates</b> are made as in a {@link Table}: by an agent, for the key of the record in hand, and each writes
 * one changelog record per window it changes, tied to that record. The changelog key is Faust's
 * {@code [key, [start, end - 0.1]]} in float seconds, so a Python Faust app reads the same windows; its timestamp is
 * the record's event time. A hopping window of size 10 and step 5 writes two records per update, as in Faust.
 *
 * <p><b>Thread-safety:</b> thread-safe. The close callback runs on the agent thread whose record moved stream time
 * past the window's close, with that record in hand (so a send from the callback is tied to it), one partition's
 * callbacks one at a time, in the order of window ends.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface WindowedTable<K, V> {

    /** The table's name: part of its changelog topic's name. */
    String name();

    /** The changelog topic: {@code {app id}-{name}-changelog}. */
    String changelogTopic();

    /** Drops a window's values {@code expires} after its end, in stream time (Faust's {@code expires}). */
    WindowedTable<K, V> expires(Duration expires);

    /** Lets a window accept records for {@code grace} after its end (zero by default). At most {@code expires}. */
    WindowedTable<K, V> grace(Duration grace);

    /** Event time is the record's Kafka timestamp (the default; Faust's {@code relative_to_stream}). */
    WindowedTable<K, V> relativeToStream();

    /**
     * Event time is a field of the record's value (Faust's {@code relative_to_field}): {@code field} is applied to
     * the value of the record in hand, which must be a {@code valueType}.
     */
    <T> WindowedTable<K, V> relativeToField(Class<T> valueType, Function<? super T, Instant> field);

    /**
     * Event time is the app's clock when the update is made (Faust's {@code relative_to_now}; Faust uses the largest
     * window end written instead inside a stream).
     */
    WindowedTable<K, V> relativeToNow();

    /** Runs {@code callback} once per key and window when the window closes (Faust's {@code on_window_close}). */
    WindowedTable<K, V> onWindowClose(WindowCloseCallback<? super K, ? super V> callback);

    /**
     * Stores {@code value} in every open window containing the event time of the record in hand.
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's (group by it first)
     */
    void put(K key, V value);

    /**
     * Removes the key from every open window containing the event time (a tombstone each).
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's
     */
    void delete(K key);

    /**
     * Replaces the value (or the default, or null) in every open window containing the event time by
     * {@code function}'s result (Faust's {@code table[key] += 1}); a null result deletes it.
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's
     */
    void update(K key, UnaryOperator<@Nullable V> function);

    /** The windows of {@code key}, to read (Faust's {@code table[key]}). */
    WindowSet<K, V> get(K key);

    /** How many records this worker dropped because all their windows had closed. */
    long lateRecords();

    /**
     * A key's values by window. A read by event time (value, current, delta) needs a record in hand; the others work
     * anywhere on the worker holding the key's partition.
     *
     * <p>Thread-safety: thread-safe; a read is of the moment it is made.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    interface WindowSet<K, V> {

        /** The key. */
        K key();

        /** The value in the latest window containing the event time (Faust's {@code .value()}), or the default. */
        @Nullable
        V value();

        /** The value in the latest window containing the record's Kafka timestamp (Faust's {@code .current()}). */
        @Nullable
        V current();

        /** The value in the latest window containing the event time minus {@code ago} (Faust's {@code .delta()}). */
        @Nullable
        V delta(Duration ago);

        /** The value in the oldest window containing the app clock's now (Faust's {@code .now()}). */
        @Nullable
        V now();

        /** The value in the latest window containing {@code time}, or the default. */
        @Nullable
        V at(Instant time);

        /** The value in exactly this window, or the default (Faust's {@code table[key][window]}). */
        @Nullable
        V in(WindowRange window);

        /** The stored values of the windows that start in {@code [from, to)}, in window order. */
        java.util.NavigableMap<WindowRange, V> range(Instant from, Instant to);
    }

    /**
     * Told when a window closes, once per key with a value in it: Faust's {@code on_window_close}, with the window.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    @FunctionalInterface
    interface WindowCloseCallback<K, V> {
        /** The window closed with {@code value} for {@code key}. */
        void closed(K key, WindowRange window, V value);
    }
}
