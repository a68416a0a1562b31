package dev.faust4j.internal.app;

import dev.faust4j.AppState;
import dev.faust4j.Sensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The app's public state ({@link AppState}), moved by the lifecycle (starting, stopping, stopped, failed) and, while
 * the worker runs, by the poll loop's phase (rebalancing, recovering, running). Each change is logged and reported
 * to the sensors, in order.
 *
 * <p>Thread-safety: thread-safe; changes are made under a lock, so the sensors see them in order.
 */
final class AppStates {
    private static final Logger log = LoggerFactory.getLogger(AppStates.class);

    private final String appId;
    private final Sensor sensor;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile AppState state = AppState.CREATED;

    AppStates(String appId, Sensor sensor) {
        this.appId = appId;
        this.sensor = sensor;
    }

    AppState get() {
        return state;
    }

    /** Moves to {@code next}, unless already there or stopped for good. */
    void moveTo(AppState next) {
        lock.lock();
        try {
            AppState previous = state;
            if (previous == next || previous == AppState.STOPPED || previous == AppState.FAILED) {
                return;
            }
            state = next;
            if (next != AppState.STOPPED && next != AppState.FAILED) { // the lifecycle logs those with the exit code
                log.info("app {} is {}", appId, next.name().toLowerCase(Locale.ROOT));
            }
            sensor.onStateChange(previous, next);
        } finally {
            lock.unlock();
        }
    }

    /** The poll loop's phase (rebalancing, recovering, running): applies only while the worker runs. */
    void phase(AppState phase) {
        lock.lock();
        try {
            switch (state) {
                case STARTING, REBALANCING, RECOVERING, RUNNING -> moveTo(phase);
                default -> {
                    // created, stopping or stopped: the lifecycle decides
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
