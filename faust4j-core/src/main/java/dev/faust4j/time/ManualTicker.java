package dev.faust4j.time;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;

/**
 * A {@link Ticker} that moves only when a test calls {@link #advance(Duration)}. Every wait on it wakes up
 * when it advances, so a test drives {@code take(max, within)}, commit intervals and timers without sleeping.
 *
 * <pre>{@code
 * ManualTicker ticker = new ManualTicker();
 * App app = App.builder("test").ticker(ticker).build();
 * ...
 * ticker.advance(Duration.ofSeconds(10));   // a take(100, 10 s) batch flushes now
 * }</pre>
 *
 * <p><b>Thread-safety:</b> thread-safe.
 */
public final class ManualTicker implements Ticker {

    private final AtomicLong now = new AtomicLong();
    private final AtomicLong generation = new AtomicLong();

    /** A ticker at time 0 that moves only when {@link #advance} is called. */
    public ManualTicker() {
    }

    @Override
    public long nanoTime() {
        return now.get();
    }

    /** Moves time forward and wakes every waiter so it re-checks its deadline. */
    public void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot move a ticker backwards: " + duration);
        }
        now.addAndGet(duration.toNanos());
        generation.incrementAndGet();
    }

    @Override
    public void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException {
        if (now.get() >= deadlineNanos) {
            return;
        }
        // advance() cannot signal a condition whose lock it does not hold, so waiters re-check the ticker's
        // generation every 2 ms of real time. Only tests pay for this; they advance the ticker and then await.
        long seen = generation.get();
        while (generation.get() == seen && now.get() < deadlineNanos) {
            if (condition.await(2, TimeUnit.MILLISECONDS)) {
                return;
            }
        }
    }
}
