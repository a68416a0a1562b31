package dev.faust4j.internal.buffer;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A wake-up shared by the inputs of a combined stream: any input receiving data signals it.
 *
 * <p>Thread-safety: thread-safe; read {@link #version()} and wait on {@link #changed()} with {@link #lock()} held.
 */
public final class Signal {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long version;

    public void signal() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public ReentrantLock lock() {
        return lock;
    }

    public Condition changed() {
        return changed;
    }

    /** Call with the lock held. */
    public long version() {
        return version;
    }
}
