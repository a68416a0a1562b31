package dev.faust4j.internal.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The app's virtual threads (agent instances, forwarders, tasks, timers): started here, and joined on stop,
 * interrupting those still running when the grace period is over.
 *
 * <p>Thread-safety: thread-safe.
 */
final class Workers {
    private static final Logger log = LoggerFactory.getLogger(Workers.class);

    private final String appId;
    private final List<Thread> threads = new CopyOnWriteArrayList<>();

    Workers(String appId) {
        this.appId = appId;
    }

    /** Starts {@code body} on a named virtual thread; an exception escaping it is logged. */
    Thread start(String name, Runnable body) {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                log.error("Thread {} of app {} died", name, appId, e);
            }
        });
        threads.add(t);
        t.start();
        return t;
    }

    /** True when the calling thread is one of the app's. */
    boolean isOwnThread() {
        return threads.contains(Thread.currentThread());
    }

    /** Joins every thread within {@code grace}; interrupts (and briefly joins) the ones still running then. */
    void joinAll(Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        for (Thread t : threads) {
            if (t == Thread.currentThread()) {
                continue;
            }
            long remaining = Math.max(0, deadline - System.nanoTime());
            if (!t.join(Duration.ofNanos(remaining))) {
                t.interrupt();
                t.join(Duration.ofSeconds(5));
            }
        }
    }
}
