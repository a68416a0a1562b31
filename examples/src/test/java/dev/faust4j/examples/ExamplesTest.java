package dev.faust4j.examples;

import dev.faust4j.App;
import dev.faust4j.Topic;
import dev.faust4j.examples.OrderTotals.Order;
import dev.faust4j.test.TestApp;
import dev.faust4j.test.TestDriver;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's example apps run to completion on the embedded transport and compute the right totals. */
class ExamplesTest {

    @Test
    void withdrawalsAgentSeesEveryWithdrawal() throws Exception {
        Map<String, Double> totals = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(1);
        App app = Withdrawals.build("memory://examples-withdrawals", 500, false, done, totals);
        app.start();
        try {
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all 500 withdrawals processed").isTrue();
        } finally {
            app.stop();
        }
        assertThat(totals).hasSize(7);
        assertThat(app.awaitTermination()).isZero();
    }

    @Test
    void orderTotalsRepartitionsAndTotalsEveryValidOrder() throws Exception {
        Map<String, Double> totals = new ConcurrentHashMap<>();
        AtomicLong batches = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        App app = OrderTotals.build("memory://examples-orders", 200, done, totals, batches);
        app.start();
        try {
            assertThat(done.await(60, TimeUnit.SECONDS)).as("all 180 valid orders totalled").isTrue();
        } finally {
            app.stop();
        }
        assertThat(totals.keySet()).allMatch(a -> a.startsWith("acct-"));
        assertThat(batches.get()).isPositive();
        assertThat(app.awaitTermination()).isZero();
    }

    /** The same app under the test kit: the test sends the orders, so the totals are known exactly. */
    @Test
    void orderTotalsUnderTheTestDriverTotalsEachAccountExactlyAndFlushesTheLastBatchWhenTheSecondPasses() {
        Map<String, Double> totals = new ConcurrentHashMap<>();
        AtomicLong batches = new AtomicLong();
        App app = OrderTotals.build(TestApp.builder(OrderTotals.ID), 0, new CountDownLatch(1), totals, batches);
        Topic<String, Order> orders = app.topic("orders", Order.class);

        try (TestDriver driver = TestDriver.start(app)) {
            driver.send(orders, "o1", new Order("o1", "acct-1", "p1", 10.0));
            driver.send(orders, "o2", new Order("o2", "acct-2", "p1", 5.5));
            driver.send(orders, "o3", new Order("o3", "acct-1", "p2", 2.5));
            driver.send(orders, "o4", new Order("o4", "acct-1", "p2", -1)); // invalid: filtered out
            driver.runUntilIdle();
            assertThat(totals).as("take(100, 1 s) holds the partial batch until the second passes").isEmpty();

            driver.advance(Duration.ofSeconds(1));
            assertThat(totals).isEqualTo(Map.of("acct-1", 12.5, "acct-2", 5.5));
            // through("orders-valid") kept the three valid orders with their keys
            Topic<String, Order> valid = app.topic("orders-valid", Order.class);
            assertThat(driver.read(valid)).extracting(r -> r.key()).containsExactlyInAnyOrder("o1", "o2", "o3");
        }
    }

    @Test
    void pageViewsKeepTheirCountsAcrossARestartAndCloseEachWindowOnce() throws Exception {
        java.util.List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();
        long start = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toEpochMilli();
        for (int run = 1; run <= 3; run++) {
            CountDownLatch done = new CountDownLatch(1);
            PageViews.Counter c = PageViews.build("memory://examples-page-views", start, (run - 1) * 1200, 1200, done,
                    closed);
            c.app().start();
            try {
                assertThat(done.await(60, TimeUnit.SECONDS)).as("run " + run + ": 1200 views counted").isTrue();
                long perPage = run * 300L;
                assertThat(c.views().local()).as("run " + run + ": counted on from the restored table")
                        .isEqualTo(Map.of("/home", perPage, "/about", perPage, "/pricing", perPage, "/docs", perPage));
                var home = c.perMinute().get("/home").range(java.time.Instant.EPOCH,
                        java.time.Instant.parse("2100-01-01T00:00:00Z"));
                assertThat(home.values().stream().mapToLong(Long::longValue).sum()).as("/home by minute")
                        .isEqualTo(perPage);
            } finally {
                c.app().stop();
            }
            assertThat(c.app().awaitTermination()).isZero();
        }
        // 20 minutes of views per run (one a second), 20 minutes of grace: run 2 closes minutes 0-18 of each page, run 3 minutes
        // 19-38; none closes twice, although each run restored the windows of the runs before
        assertThat(closed).hasSize(4 * 39).doesNotHaveDuplicates();
    }
}
