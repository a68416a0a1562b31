package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Windowed tables (issue 10; faust-tables.md §8.3 scenarios 8, 25–30) on every transport: counts per tumbling and
 * hopping window by a field's event time, Faust's windowed changelog keys, reads by the record's time, late records
 * dropped after the grace period, a close callback once per key and window (not again after a restart), and
 * windows recovered from the changelog expiring.
 *
 * <p>Every record goes to partition 0, so that all of them move the same stream time.
 */
class WindowedTablesTest {

    private static final String ALL = "dev.faust4j.testing.Transports#all";
    private static final int PARTITIONS = 2;
    private static final long S = 1000;

    /** A page view at {@code ts} epoch milliseconds. */
    record View(String page, long ts) {
    }

    private static final String STORES = "transportsAndStores";

    @TempDir
    static Path dataDir;

    static Stream<Arguments> transportsAndStores() {
        return Transports.all().stream()
                .flatMap(t -> Stream.of(Arguments.of(t, "memory://"), Arguments.of(t, "rocksdb://")));
    }

    private static App.Builder builder(TransportFixture transport, String id) {
        return builder(transport, id, "memory://");
    }

    private static App.Builder builder(TransportFixture transport, String id, String store) {
        return App.builder(id).broker(transport.brokerUrl(id)).commitInterval(Duration.ofMillis(50))
                .topicPartitions(PARTITIONS).shutdownGracePeriod(Duration.ofSeconds(10)).tableStore(store)
                .dataDir(dataDir.resolve(id));
    }

    private static Topic<String, View> views(App app, String id) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(View.class)).names(id + "-views")
                .partitions(PARTITIONS).build());
    }

    /** Appends views of {@code page} at these seconds, to partition 0. */
    private static void send(TransportFixture transport, String id, String page, long... seconds) {
        for (long s : seconds) {
            transport.appendRaw(transport.brokerUrl(id), id + "-views", PARTITIONS, 0,
                    page.getBytes(StandardCharsets.UTF_8),
                    ("{\"page\":\"" + page + "\",\"ts\":" + s * S + "}").getBytes(StandardCharsets.UTF_8));
        }
    }

    /** An app counting views per page and window into {@code table}, as {@code windowing} makes it. */
    private static App counting(TransportFixture transport, String id,
                                java.util.function.Function<Table<String, Long>, WindowedTable<String, Long>> windowing,
                                Consumer<WindowedTable<String, Long>> started, Consumer<Object[]> seen) {
        return counting(transport, id, "memory://", windowing, started, seen);
    }

    private static App counting(TransportFixture transport, String id, String store,
                                java.util.function.Function<Table<String, Long>, WindowedTable<String, Long>> windowing,
                                Consumer<WindowedTable<String, Long>> started, Consumer<Object[]> seen) {
        App app = builder(transport, id, store).build();
        WindowedTable<String, Long> counts = windowing.apply(app.table("counts", String.class, Long.class)
                .withDefault(() -> 0L)).relativeToField(View.class, v -> Instant.ofEpochMilli(v.ts()));
        app.agent(views(app, id), stream -> {
            for (KeyValue<String, View> kv : stream.items()) {
                counts.update(kv.key(), n -> n + 1);
                WindowedTable.WindowSet<String, Long> w = counts.get(kv.key());
                seen.accept(new Object[] {kv.value().ts(), w.value(), w.current(), w.delta(Duration.ofSeconds(10))});
            }
        }).name("count");
        started.accept(counts);
        app.start();
        return app;
    }

    private static WindowRange window(long fromSecond, long toSecond) {
        return new WindowRange(fromSecond * S, toSecond * S);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(STORES)
    void tumblingCountsByFieldTimeSurviveARestartWithFaustsWindowedKeys(TransportFixture transport, String store) {
        String id = Transports.uniqueId("window-tumbling");
        List<Object[]> seen = new CopyOnWriteArrayList<>();
        WindowedTable<?, ?>[] table = new WindowedTable<?, ?>[1];
        try (App app = counting(transport, id, store, t -> t.tumbling(Duration.ofSeconds(10)), t -> table[0] = t,
                seen::add)) {
            @SuppressWarnings("unchecked") WindowedTable<String, Long> counts = (WindowedTable<String, Long>) table[0];
            send(transport, id, "a", 1, 3, 12);
            await().atMost(TIMEOUT).until(() -> seen.size() == 3);
            assertThat(counts.get("a").in(window(0, 10))).isEqualTo(2L);
            assertThat(counts.get("a").in(window(10, 20))).isEqualTo(1L);
            assertThat(counts.get("a").in(window(20, 30))).as("the default").isZero();
            assertThat(counts.get("a").range(Instant.EPOCH, Instant.ofEpochSecond(60)))
                    .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(window(0, 10), 2L, window(10, 20), 1L)));
            assertThatThrownBy(() -> counts.get("a").value()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("record in hand");
        }
        Object[] last = seen.get(2);
        assertThat(last[1]).as("value(): the window of the field's time (12 s)").isEqualTo(1L);
        assertThat(last[2]).as("current(): the window of the Kafka timestamp (now), not counted").isEqualTo(0L);
        assertThat(last[3]).as("delta(10 s): the window of 2 s").isEqualTo(2L);

        seen.clear();
        try (App again = counting(transport, id, store, t -> t.tumbling(Duration.ofSeconds(10)), t -> table[0] = t,
                seen::add)) {
            @SuppressWarnings("unchecked") WindowedTable<String, Long> counts = (WindowedTable<String, Long>) table[0];
            await().atMost(TIMEOUT).until(() -> counts.get("a").in(window(0, 10)) == 2L);
            send(transport, id, "a", 5, 18);
            await().atMost(TIMEOUT).until(() -> seen.size() == 2);
            assertThat(counts.lateRecords()).as("5 s: its window closed when stream time, restored, reached 12 s")
                    .isEqualTo(1);
            assertThat(counts.get("a").in(window(0, 10))).isEqualTo(2L);
            assertThat(counts.get("a").in(window(10, 20))).isEqualTo(2L);
        }
        List<ConsumedRecord> changelog = transport.records(transport.brokerUrl(id), id + "-counts-changelog");
        assertThat(changelog).extracting(r -> utf8(r.key()))
                .as("Faust's windowed keys: [key,[start,end-0.1]] in float seconds")
                .containsExactly("[\"a\",[0.0,9.9]]", "[\"a\",[0.0,9.9]]", "[\"a\",[10.0,19.9]]",
                        "[\"a\",[10.0,19.9]]");
        assertThat(changelog).extracting(r -> utf8(r.value())).containsExactly("1", "2", "1", "2");
        assertThat(changelog).extracting(ConsumedRecord::timestamp).as("the event times")
                .containsExactly(1 * S, 3 * S, 12 * S, 18 * S);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void hoppingUpdatesEveryWindowOfTheTimeAndValueReadsTheLatest(TransportFixture transport) {
        String id = Transports.uniqueId("window-hopping");
        List<Object[]> seen = new CopyOnWriteArrayList<>();
        WindowedTable<?, ?>[] table = new WindowedTable<?, ?>[1];
        try (App app = counting(transport, id, t -> t.hopping(Duration.ofSeconds(10), Duration.ofSeconds(5)),
                t -> table[0] = t, seen::add)) {
            @SuppressWarnings("unchecked") WindowedTable<String, Long> counts = (WindowedTable<String, Long>) table[0];
            send(transport, id, "k", 12);
            await().atMost(TIMEOUT).until(() -> seen.size() == 1);
            assertThat(counts.get("k").in(window(5, 15))).isEqualTo(1L);
            assertThat(counts.get("k").in(window(10, 20))).isEqualTo(1L);
            assertThat(counts.get("k").at(Instant.ofEpochSecond(12))).as("the latest window of 12 s").isEqualTo(1L);
        }
        assertThat(seen.getFirst()[1]).as("value()").isEqualTo(1L);
        assertThat(transport.records(transport.brokerUrl(id), id + "-counts-changelog")).extracting(r -> utf8(r.key()))
                .containsExactly("[\"k\",[5.0,14.9]]", "[\"k\",[10.0,19.9]]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aRecordLaterThanTheGracePeriodIsDroppedAndCounted(TransportFixture transport) {
        String id = Transports.uniqueId("window-late");
        List<Object[]> seen = new CopyOnWriteArrayList<>();
        WindowedTable<?, ?>[] table = new WindowedTable<?, ?>[1];
        try (App app = counting(transport, id, t -> t.tumbling(Duration.ofSeconds(10)).grace(Duration.ofSeconds(5)),
                t -> table[0] = t, seen::add)) {
            @SuppressWarnings("unchecked") WindowedTable<String, Long> counts = (WindowedTable<String, Long>) table[0];
            send(transport, id, "k", 31, 12, 27, 24);
            await().atMost(TIMEOUT).until(() -> seen.size() == 4);
            assertThat(counts.lateRecords()).as("12 s: its window closed at 20 + 5 <= 31").isEqualTo(1);
            assertThat(counts.get("k").in(window(10, 20))).as("unchanged by the late record").isZero();
            assertThat(counts.get("k").in(window(20, 30))).as("27 s and 24 s: within the grace period")
                    .isEqualTo(2L);
            assertThat(counts.get("k").in(window(30, 40))).isEqualTo(1L);
        }
        assertThat(transport.records(transport.brokerUrl(id), id + "-counts-changelog"))
                .as("no changelog record for the late one").hasSize(3);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(STORES)
    void aWindowClosesOncePerKeyWithItsValueAndNotAgainAfterARestart(TransportFixture transport, String store) {
        String id = Transports.uniqueId("window-close");
        List<String> closed = new CopyOnWriteArrayList<>();
        List<Object[]> seen = new CopyOnWriteArrayList<>();
        Consumer<WindowedTable<String, Long>> listen = t -> t.onWindowClose(
                (key, w, value) -> closed.add(key + " " + w.startMs() / S + "-" + w.endMs() / S + " " + value));
        try (App app = counting(transport, id, store, t -> t.tumbling(Duration.ofSeconds(10)), listen, seen::add)) {
            send(transport, id, "a", 1, 2);
            send(transport, id, "b", 3);
            send(transport, id, "a", 15);
            await().atMost(TIMEOUT).until(() -> seen.size() == 4);
            assertThat(closed).containsExactlyInAnyOrder("a 0-10 2", "b 0-10 1");
        }
        try (App again = counting(transport, id, store, t -> t.tumbling(Duration.ofSeconds(10)), listen, seen::add)) {
            send(transport, id, "a", 16, 25);
            await().atMost(TIMEOUT).until(() -> seen.size() == 6);
            assertThat(closed).as("[0,10) not closed again after the restart; [10,20) closed by 25 s")
                    .containsExactlyInAnyOrder("a 0-10 2", "b 0-10 1", "a 10-20 2");
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource(STORES)
    void windowsRecoveredFromTheChangelogExpireWhenStreamTimePassesThem(TransportFixture transport, String store) {
        String id = Transports.uniqueId("window-expire");
        // Event times of this minute, not of 1970: windows that expire make the changelog compact,delete with a
        // retention of size + expires + a day, and Kafka deletes records older than that within seconds.
        long b = System.currentTimeMillis() / 60_000 * 60; // seconds, a multiple of the window size
        List<Object[]> seen = new CopyOnWriteArrayList<>();
        WindowedTable<?, ?>[] table = new WindowedTable<?, ?>[1];
        java.util.function.Function<Table<String, Long>, WindowedTable<String, Long>> windowing = t -> t
                .tumbling(Duration.ofSeconds(10)).expires(Duration.ofSeconds(20));
        try (App app = counting(transport, id, store, windowing, t -> table[0] = t, seen::add)) {
            send(transport, id, "a", b + 1);
            await().atMost(TIMEOUT).until(() -> seen.size() == 1);
        }
        try (App again = counting(transport, id, store, windowing, t -> table[0] = t, seen::add)) {
            @SuppressWarnings("unchecked") WindowedTable<String, Long> counts = (WindowedTable<String, Long>) table[0];
            await().atMost(TIMEOUT).until(() -> counts.get("a").in(window(b, b + 10)) == 1L);
            send(transport, id, "a", b + 29);
            await().atMost(TIMEOUT).until(() -> seen.size() == 2);
            assertThat(counts.get("a").in(window(b, b + 10))).as("10 + 20 > 29: kept").isEqualTo(1L);
            send(transport, id, "a", b + 30);
            await().atMost(TIMEOUT).until(() -> seen.size() == 3);
            assertThat(counts.get("a").range(Instant.ofEpochSecond(b), Instant.ofEpochSecond(b + 60)))
                    .as("10 + 20 <= 30: the recovered window expired")
                    .containsOnlyKeys(window(b + 20, b + 30), window(b + 30, b + 40));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void misuseIsRefusedWithTheTableNamed(TransportFixture transport) {
        String id = Transports.uniqueId("window-misuse");
        try (App app = builder(transport, id).build()) {
            Table<String, Long> plain = app.table("w", String.class, Long.class);
            WindowedTable<String, Long> w = plain.tumbling(Duration.ofMinutes(1));
            assertThatThrownBy(() -> plain.get("k")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("table w is windowed");
            assertThatThrownBy(() -> plain.hopping(Duration.ofMinutes(1), Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("windowed already");
            assertThatThrownBy(() -> w.expires(Duration.ofSeconds(10)).grace(Duration.ofSeconds(11)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grace");
            assertThatThrownBy(() -> app.table("h", String.class, Long.class)
                    .hopping(Duration.ofSeconds(1), Duration.ofSeconds(2)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("step");
            app.start();
            assertThatThrownBy(() -> w.update("k", n -> n)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("table w").hasMessageContaining("only possible in an agent");
            assertThatThrownBy(() -> w.grace(Duration.ZERO)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has started");
            assertThat(w.get("k").now()).isNull();
        }
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
