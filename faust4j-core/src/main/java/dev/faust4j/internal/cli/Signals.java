package dev.faust4j.internal.cli;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGTERM and SIGINT stop the app gracefully and let {@code worker} return its exit code (0 for a clean stop).
 * With only a shutdown hook the JVM would already be exiting with status 143/130. A second signal while stopping
 * exits at once (status 130), without waiting for in-flight events or committing. Falls back to the shutdown hook
 * where signals cannot be handled.
 *
 * <p>Thread-safety: call once per process.
 */
final class Signals {
    private Signals() {
    }

    @SuppressWarnings("removal")
    static void handleStop(Runnable stop) {
        AtomicInteger received = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (received.getAndIncrement() == 0) {
                        Thread.ofPlatform().name("faust4j-signal").start(stop);
                    } else {
                        System.err.println("faust4j: second stop signal, exiting now without committing");
                        Runtime.getRuntime().halt(130);
                    }
                });
            } catch (Throwable unavailable) {
                // the shutdown hook still stops the app gracefully
            }
        }
    }
}
