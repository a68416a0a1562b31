package dev.faust4j.internal;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** A wake-up shared by the inputs of a combined stream: any input receiving data signals it. */
final class Signal {
    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    private long version;

    void signal() {
        lock.lock();
        try {
            version++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Call with the lock held. */
    long version() {
        return version;
    }
}
