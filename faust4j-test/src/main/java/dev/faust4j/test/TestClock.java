package dev.faust4j.test;

import dev.faust4j.time.ManualTicker;
import dev.faust4j.time.Ticker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;

/**
 * The clock of an app under test: a {@link ManualTicker} (time moves only when the test says) that also knows who
 * waits on it, so that {@link TestDriver#advance} can wait until everything the move released has run: a timer's
 * body, a {@code take(max, within)} batch handed to its agent, an agent restarted after its backoff.
 *
 * <pre>{@code
 * TestClock clock = new TestClock();
 * App app = TestApp.builder("orders", clock).build();   // TestApp.builder("orders") makes one itself
 * ...
 * driver.advance(Duration.ofSeconds(10));                 // moves this clock, then waits for what it released
 * }</pre>
 *
 * <p>A thread the clock released counts as <em>settled</em> once it waits on the clock again for a later time, has
 * ended, or waits for something else (an agent whose stream is empty). Only waits on this clock are seen: a task
 * that sleeps with {@code Thread.sleep} is invisible to it.
 *
 * <p><b>Thread-safety:</b> thread-safe.
 */
public final class TestClock implements Ticker {
    private final ManualTicker ticker;
    /** Each thread waiting on the clock now, with its deadline. */
    private final Map<Thread, Long> waiting = new ConcurrentHashMap<>();

    /** A clock at time 0. */
    public TestClock() {
        this(new ManualTicker());
    }

    /** A clock over a manual ticker the test already has: advancing either moves both. */
    public TestClock(ManualTicker ticker) {
        this.ticker = ticker;
    }

    @Override
    public long nanoTime() {
        return ticker.nanoTime();
    }

    /** The time since the clock's start (time 0). */
    public Duration elapsed() {
        return Duration.ofNanos(nanoTime());
    }

    @Override
    public void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException {
        Thread me = Thread.currentThread();
        waiting.put(me, deadlineNanos);
        try {
            ticker.awaitUntil(condition, deadlineNanos);
        } finally {
            waiting.remove(me);
        }
    }

    /**
     * Moves time forward by {@code duration} and returns the threads it released (those that waited for a time
     * now reached), for {@link #settled}. {@link TestDriver#advance} calls it and waits; call it directly to move
     * the clock without waiting.
     *
     * @throws IllegalArgumentException when {@code duration} is negative
     */
    public List<Thread> advance(Duration duration) {
        long now = ticker.nanoTime() + duration.toNanos();
        List<Thread> released = new ArrayList<>();
        waiting.forEach((thread, deadline) -> {
            if (deadline <= now) {
                released.add(thread);
            }
        });
        ticker.advance(duration);
        return released;
    }

    /** True when {@code thread} waits on this clock for a time not reached yet. */
    boolean waitsForLater(Thread thread) {
        Long deadline = waiting.get(thread);
        return deadline != null && deadline > nanoTime();
    }

    /** True when {@code thread}, released by an advance, waits on the clock again for a later time, ended or blocks. */
    boolean settled(Thread thread) {
        if (!thread.isAlive()) {
            return true;
        }
        Long deadline = waiting.get(thread);
        if (deadline != null) {
            return deadline > nanoTime();
        }
        return thread.getState() == Thread.State.WAITING;
    }
}
