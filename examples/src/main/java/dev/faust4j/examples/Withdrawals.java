package dev.faust4j.examples;

import dev.faust4j.App;
import dev.faust4j.AppState;
import dev.faust4j.Topic;
import dev.faust4j.codec.FaustRecord;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * The streams guide's example: withdrawals on a topic, an agent that reads them.
 *
 * <pre>{@code
 * class Withdrawal(faust.Record):
 *     account: str
 *     amount: float
 *
 * app = faust.App('example-app')
 * withdrawals_topic = app.topic('withdrawals', value_type=Withdrawal)
 *
 * @app.agent(withdrawals_topic)
 * async def process(stream):
 *     async for w in stream:
 *         print(w.amount)
 * }</pre>
 *
 * Here a task sends {@code count} withdrawals and the agent totals them per account; the app stops once the
 * agent has seen them all. With {@code --forever} the task sends {@code count} withdrawals a second until Ctrl-C, and
 * {@code --web-port 6066} serves the worker's status page meanwhile.
 */
public final class Withdrawals {
    private Withdrawals() {}

    /** The record, with the namespace a Python Faust app would use, so both read each other's messages. */
    @FaustRecord(namespace = "example.Withdrawal")
    public record Withdrawal(String account, double amount) {}

    public static App build(String broker, int count, boolean forever, CountDownLatch done,
                            Map<String, Double> totals) {
        return build(broker, count, forever, done, totals, -1);
    }

    /** The same, with the web server on {@code webPort} (its status page, health and JSON); -1: no web server. */
    public static App build(String broker, int count, boolean forever, CountDownLatch done,
                            Map<String, Double> totals, int webPort) {
        App.Builder builder = App.builder("withdrawals-example").broker(broker);
        if (webPort >= 0) {
            builder.webEnabled(true).webPort(webPort);
        }
        App app = builder.build();
        Topic<String, Withdrawal> withdrawals = app.topic("withdrawals", Withdrawal.class);
        LongAdder seen = new LongAdder();

        app.agent(withdrawals, stream -> {
            for (Withdrawal w : stream) {
                totals.merge(w.account(), w.amount(), Double::sum);
                seen.increment();
                if (seen.sum() <= 5) {
                    System.out.printf("  agent got: %s withdrew %.2f%n", w.account(), w.amount());
                }
                if (seen.sum() == count && !forever) {
                    done.countDown();
                }
            }
        }).name("process");

        app.task(() -> {
            do {
                for (int i = 0; i < count; i++) {
                    String account = "acct-" + (i % 7);
                    double amount = Math.round(ThreadLocalRandom.current().nextDouble(1, 500) * 100) / 100.0;
                    var unused = withdrawals.send(account, new Withdrawal(account, amount)); // fire and forget
                }
                if (forever) {
                    Thread.sleep(1000); // an example's pace: count a second
                }
            } while (forever && app.state() != AppState.STOPPING); // a task ends by itself when the app stops
        });
        return app;
    }

    static int run(String broker, int count, boolean forever, int webPort) throws InterruptedException {
        Map<String, Double> totals = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(1);
        App app = build(broker, count, forever, done, totals, webPort);
        System.out.println("withdrawals: sending " + count + " withdrawals to topic 'withdrawals' on " + broker);
        long start = System.nanoTime();
        app.start();
        if (forever) {
            Runtime.getRuntime().addShutdownHook(new Thread(app::stop));
            return app.awaitTermination();
        }
        done.await();
        long ms = (System.nanoTime() - start) / 1_000_000;
        app.stop();
        System.out.println("withdrawals: the agent processed all " + count + " in " + ms + " ms. Totals per account:");
        totals.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.printf("  %-8s %12.2f%n", e.getKey(), e.getValue()));
        return app.awaitTermination();
    }
}
