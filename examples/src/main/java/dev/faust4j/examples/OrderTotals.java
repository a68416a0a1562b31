package dev.faust4j.examples;

import dev.faust4j.App;
import dev.faust4j.Topic;
import dev.faust4j.codec.FaustRecord;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Orders keyed randomly, validated, repartitioned by account and totalled in batches:
 * {@code filter -> through("orders-valid") -> groupBy("account") -> take(100, 1 s)}.
 * After the repartition every order of one account is read by one partition, so one worker owns each
 * account's total (Faust's reason for {@code group_by}).
 */
public final class OrderTotals {
    private OrderTotals() {}

    @FaustRecord(namespace = "example.Order")
    public record Order(String id, String account, String product, double amount) {}

    public static App build(String broker, int count, CountDownLatch done, Map<String, Double> totals,
                            AtomicLong batches) {
        return build(App.builder(ID).broker(broker).topicPartitions(4), count, done, totals, batches);
    }

    /** The app's id. */
    public static final String ID = "order-totals-example";

    /**
     * The app built with {@code builder} (a test passes {@code TestApp.builder(OrderTotals.ID)}); its task sends
     * {@code count} random orders (none when 0).
     */
    public static App build(App.Builder builder, int count, CountDownLatch done, Map<String, Double> totals,
                            AtomicLong batches) {
        App app = builder.build();
        Topic<String, Order> orders = app.topic("orders", Order.class);
        AtomicLong counted = new AtomicLong();
        long valid = (count + 9L) / 10 * 9; // every 10th order is invalid (amount <= 0)

        app.agent(orders, stream -> {
            var byAccount = stream
                    .filter(o -> o.amount() > 0)          // runs before forwarding
                    .through("orders-valid")
                    .groupBy("account");                   // topic order-totals-orders-valid-Order.account-repartition
            for (List<Order> batch : byAccount.take(100, Duration.ofSeconds(1))) {
                for (Order o : batch) {
                    totals.merge(o.account(), o.amount(), Double::sum);
                }
                batches.incrementAndGet();
                if (counted.addAndGet(batch.size()) == valid) {
                    done.countDown();
                }
            }
        }).name("order-totals");

        app.task(() -> {
            for (int i = 0; i < count; i++) {
                String account = "acct-" + ThreadLocalRandom.current().nextInt(5);
                double amount = i % 10 == 9 ? -1
                        : Math.round(ThreadLocalRandom.current().nextDouble(1, 100) * 100) / 100.0;
                // keyed by order id: orders of one account are spread over every partition until groupBy
                var unused = orders.send("order-" + i, new Order("order-" + i, account, "p" + (i % 3), amount));
            }
        });
        return app;
    }

    static int run(String broker, int count) throws InterruptedException {
        Map<String, Double> totals = new ConcurrentHashMap<>();
        AtomicLong batches = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        App app = build(broker, count, done, totals, batches);
        System.out.println("order-totals: " + count
                + " orders -> filter -> through(orders-valid) -> groupBy(account) -> take(100, 1s), on " + broker);
        app.start();
        done.await();
        app.stop();
        System.out.println("order-totals: " + batches.get() + " batches; totals per account:");
        totals.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> System.out.printf("  %-8s %12.2f%n", e.getKey(), e.getValue()));
        return app.awaitTermination();
    }
}
