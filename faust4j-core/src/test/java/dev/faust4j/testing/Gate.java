package dev.faust4j.testing;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Holds agent threads until the test lets them through, without sleeping: an agent calls {@link #pass()}, the
 * test calls {@link #allow(int)} (one step at a time) or {@link #open()} (for good). Closing the gate opens it,
 * so declare it as a resource after the app ({@code try (App app = ...; Gate gate = new Gate())}): it is closed
 * first and a failing test never leaves an agent blocked while its app stops. Thread-safe.
 */
public final class Gate implements AutoCloseable {
    private final Semaphore permits = new Semaphore(0);
    private final AtomicInteger arrivals = new AtomicInteger();
    private volatile boolean open;

    /** Blocks until a permit is allowed or the gate is open. */
    public void pass() throws InterruptedException {
        arrivals.incrementAndGet();
        if (!open) {
            permits.acquire();
        }
    }

    /** Lets {@code n} more passes through. */
    public void allow(int n) {
        permits.release(n);
    }

    /** Lets every pass through, now and later. */
    public void open() {
        if (!open) {
            open = true;
            permits.release(Integer.MAX_VALUE / 4); // twice at most (a race of two openers) stays below the maximum
        }
    }

    /** How many times {@link #pass()} was called. */
    public int arrivals() {
        return arrivals.get();
    }

    @Override
    public void close() {
        open();
    }
}
