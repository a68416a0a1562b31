package dev.faust4j.examples;

import dev.faust4j.App;
import org.junit.jupiter.api.Test;

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
}
