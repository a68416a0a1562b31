package dev.faust4j.test;

import dev.faust4j.App;
import dev.faust4j.time.ManualTicker;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Builders of apps for tests: an {@link App.Builder} already set to a fresh embedded broker of its own
 * ({@code memory://test-<id>-<n>}, so tests never see each other's records, even in one JVM), 4 partitions per
 * topic (so routing by key is tested from the first test) and a {@link TestClock} (time moves only when the test
 * says). Everything else is the app's usual default and can be changed on the builder.
 *
 * <pre>{@code
 * App app = TestApp.builder("orders").topicPartitions(8).build();
 * Topic<String, Order> orders = app.topic("orders", Order.class);
 * app.agent(orders, stream -> { ... }).name("totals");
 * try (TestDriver driver = TestDriver.start(app)) { ... }
 * }</pre>
 *
 * <p><b>Thread-safety:</b> thread-safe (each call returns a new builder, itself not thread-safe).
 */
public final class TestApp {
    /** Partitions of each topic unless the test says otherwise: more than one, so keys are really routed. */
    public static final int DEFAULT_PARTITIONS = 4;
    private static final AtomicLong BROKERS = new AtomicLong();

    private TestApp() {
    }

    /** A builder for an app with this id on a fresh {@code memory://} broker, 4 partitions and a new test clock. */
    public static App.Builder builder(String id) {
        return builder(id, new TestClock());
    }

    /** As {@link #builder(String)}, with the test's own manual ticker (wrapped in a {@link TestClock}). */
    public static App.Builder builder(String id, ManualTicker ticker) {
        return builder(id, new TestClock(ticker));
    }

    /** As {@link #builder(String)}, with this clock. */
    public static App.Builder builder(String id, TestClock clock) {
        return App.builder(id)
                .broker(freshBroker(id))
                .topicPartitions(DEFAULT_PARTITIONS)
                .ticker(clock);
    }

    /** A broker URL no other app of this JVM uses: {@code memory://test-<id>-<n>}. */
    public static String freshBroker(String id) {
        return "memory://test-" + id.replaceAll("[^A-Za-z0-9_.-]", "_") + "-" + BROKERS.incrementAndGet();
    }
}
