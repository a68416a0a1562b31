package dev.faust4j.internal.app;

import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs tasks (once, at start) and timers (every interval by the app's ticker, the first interval measured from
 * start) while the worker runs. A failing task is logged; a failing timer is logged and runs again at its next
 * interval. Waiting timers wake up at stop.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Timers {
    private static final Logger log = LoggerFactory.getLogger(Timers.class);

    private final String appId;
    private final Ticker ticker;
    private final BooleanSupplier stopping;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();

    Timers(String appId, Ticker ticker, BooleanSupplier stopping) {
        this.appId = appId;
        this.ticker = ticker;
        this.stopping = stopping;
    }

    void runTask(Body task) {
        try {
            task.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            if (!stopping.getAsBoolean()) {
                log.error("A task of app {} failed", appId, e);
            }
        }
    }

    /** Runs {@code task} at {@code first}, then every {@code interval}, until the worker stops. */
    void runTimer(long first, Duration interval, Body task) {
        long next = first;
        while (!stopping.getAsBoolean()) {
            lock.lock();
            try {
                while (!stopping.getAsBoolean() && ticker.nanoTime() < next) {
                    ticker.awaitUntil(wake, next);
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            if (stopping.getAsBoolean()) {
                return;
            }
            next += interval.toNanos();
            try {
                task.run();
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                log.error("A timer of app {} failed; it runs again at its next interval", appId, e);
            }
        }
    }

    /** Wakes every waiting timer (the worker stops). */
    void wakeAll() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
