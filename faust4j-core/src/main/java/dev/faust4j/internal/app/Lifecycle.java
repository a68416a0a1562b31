package dev.faust4j.internal.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.time.Duration;

/**
 * The worker's life: created, running, stopping, stopped, and its exit code. A failure sets exit code 1 and
 * stops; a stop before start goes straight to stopped.
 *
 * <p>Thread-safety: thread-safe; transitions are made by {@link AppRuntime} under its lock.
 */
final class Lifecycle {
    enum State { CREATED, RUNNING, STOPPING, STOPPED }

    private volatile State state = State.CREATED;
    private volatile boolean failed;
    private volatile int exitCode;
    private final CountDownLatch terminated = new CountDownLatch(1);

    State state() {
        return state;
    }

    void moveTo(State next) {
        state = next;
    }

    /** True from the moment the worker begins to stop (or failed), so nothing new starts. */
    boolean stopping() {
        return failed || state.compareTo(State.STOPPING) >= 0;
    }

    boolean stopped() {
        return state == State.STOPPED;
    }

    /** Records a failure: exit code 1. Returns true the first time. */
    boolean fail() {
        boolean first = !failed;
        failed = true;
        exitCode = 1;
        return first;
    }

    int exitCode() {
        return exitCode;
    }

    void terminated() {
        terminated.countDown();
    }

    int awaitTermination() throws InterruptedException {
        terminated.await();
        return exitCode;
    }

    boolean awaitTermination(Duration timeout) throws InterruptedException {
        return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Throws naming {@code what} unless the worker was not started yet. */
    void requireCreated(String what, String appId) {
        State s = state;
        if (s != State.CREATED) {
            throw new IllegalStateException(
                    "cannot " + what + ": app " + appId + " is already " + s.name().toLowerCase(java.util.Locale.ROOT));
        }
    }
}
