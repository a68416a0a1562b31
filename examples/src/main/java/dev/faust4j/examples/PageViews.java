package dev.faust4j.examples;

import dev.faust4j.App;
import dev.faust4j.Table;
import dev.faust4j.Topic;
import dev.faust4j.WindowedTable;
import dev.faust4j.codec.FaustRecord;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The README's counter: page views counted per page in a table, and per page and minute in a windowed table,
 * {@code groupBy("page")} first so that one worker owns each page's counts. The app runs twice on the same broker:
 * the second run restores both tables from their changelogs and counts on from there.
 */
public final class PageViews {
    private PageViews() {}

    /** A view of {@code page} by {@code user} at {@code at} (epoch milliseconds). */
    @FaustRecord(namespace = "example.PageView")
    public record PageView(String page, String user, long at) {}

    static final List<String> PAGES = List.of("/home", "/about", "/pricing", "/docs");

    /** The app and its tables. */
    public record Counter(App app, Table<String, Long> views, WindowedTable<String, Long> perMinute) {}

    /**
     * An app counting {@code count} views numbered from {@code first}, sent by its own task (view {@code i} is of
     * page {@code i % 4} at {@code start} plus {@code i} seconds (epoch milliseconds;
     * every run of one counter must use the same)), and counting {@code done} down
     * at the last; closed windows are added to {@code closed}.
     */
    public static Counter build(String broker, long start, int first, int count, CountDownLatch done,
                                List<String> closed) {
        App app = App.builder("page-views-example").broker(broker).topicPartitions(4).build();
        Topic<String, PageView> pageViews = app.topic("page-views", PageView.class);
        Table<String, Long> views = app.table("views", String.class, Long.class).withDefault(() -> 0L);
        WindowedTable<String, Long> perMinute = app.table("views-per-minute", String.class, Long.class)
                .withDefault(() -> 0L)
                .tumbling(Duration.ofMinutes(1))
                .expires(Duration.ofHours(1))
                // groupBy merges four partitions, so a page's views arrive out of order: accept them up to 20 min
                // late (a run of the example spans less)
                .grace(Duration.ofMinutes(20))
                .relativeToField(PageView.class, v -> Instant.ofEpochMilli(v.at()))
                .onWindowClose((page, window, n) -> closed.add(page + " " + window + ": " + n));
        AtomicLong seen = new AtomicLong();

        app.agent(pageViews, stream -> {
            for (PageView v : stream.groupBy("page")) {   // keyed by the page: the table key
                views.update(v.page(), n -> n + 1);
                perMinute.update(v.page(), n -> n + 1);
                if (seen.incrementAndGet() == count) {
                    done.countDown();
                }
            }
        }).name("count-views");

        app.task(() -> {
            for (int i = first; i < first + count; i++) {
                String page = PAGES.get(i % PAGES.size());
                // one view a second of event time, keyed by user
                var unused = pageViews.send("user-" + i % 7, new PageView(page, "user-" + i % 7, start + i * 1_000L));
            }
        });
        return new Counter(app, views, perMinute);
    }

    static int run(String broker, int count) throws InterruptedException {
        List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        // event times of this minute, not a fixed date: the windowed table's changelog keeps records for size +
        // expires + a day of their event time, and a broker deletes older ones at once (a restart would lose them)
        long start = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
        for (int run = 1; run <= 2; run++) {
            CountDownLatch done = new CountDownLatch(1);
            Counter c = build(broker, start, (run - 1) * count, count, done, closed);
            c.app().start();
            done.await();
            Map<String, Long> counts = new TreeMap<>(c.views().local());
            c.app().stop();
            System.out.println("page-views, run " + run + " on " + broker + ": " + count + " more views; views per"
                    + " page " + counts + "; windows closed so far: " + closed.size() + ", late views dropped: "
                    + c.perMinute().lateRecords());
            int code = c.app().awaitTermination();
            if (code != 0) {
                return code;
            }
        }
        return 0;
    }
}
