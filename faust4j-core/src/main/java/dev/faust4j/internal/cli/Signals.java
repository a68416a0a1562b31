package dev.faust4j.internal.cli;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * SIGTERM and SIGINT stop the app gracefully and let {@code worker} return its exit code (0 for a clean stop).
 * With only a shutdown hook the JVM would already be exiting with status 143/130. A second signal while stopping
 * exits at once (status 130), without waiting for in-flight events or committing. Falls back to the shutdown hook
 * where signals cannot be handled.
 *
 * <p>Design: the JDK's {@code sun.misc.Signal} (module {@code jdk.unsupported}) is reached through method handles
 * looked up by its fixed name, not referenced in the code: javac warns about every direct use of that API and no
 * flag silences the warning, which would fail the build's {@code -Werror}. No name ever comes from data.
 *
 * <p>Thread-safety: call once per process.
 */
final class Signals {
    private Signals() {
    }

    static void handleStop(Runnable stop) {
        AtomicInteger received = new AtomicInteger();
        Runnable onSignal = () -> {
            if (received.getAndIncrement() == 0) {
                Thread.ofPlatform().name("faust4j-signal").start(stop);
            } else {
                System.err.println("faust4j: second stop signal, exiting now without committing");
                Runtime.getRuntime().halt(130);
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                handle(name, onSignal);
            } catch (Throwable unavailable) {
                // the shutdown hook still stops the app gracefully
            }
        }
    }

    /** {@code sun.misc.Signal.handle(new Signal(name), sig -> onSignal.run())}, through method handles. */
    @SuppressWarnings("ReferenceEquality") // the proxy's equals is identity, as Object's
    private static void handle(String name, Runnable onSignal) throws Throwable {
        ClassLoader loader = ClassLoader.getPlatformClassLoader();
        Class<?> signal = Class.forName("sun.misc.Signal", true, loader);
        Class<?> handler = Class.forName("sun.misc.SignalHandler", true, loader);
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        MethodHandle create = lookup.findConstructor(signal, MethodType.methodType(void.class, String.class));
        MethodHandle install = lookup.findStatic(signal, "handle", MethodType.methodType(handler, signal, handler));
        Object proxy = Proxy.newProxyInstance(loader, new Class<?>[] {handler}, (self, method, args) -> {
            if (method.getName().equals("handle")) {
                onSignal.run();
                return null;
            }
            if (method.getName().equals("toString")) {
                return "faust4j stop handler";
            }
            if (method.getName().equals("hashCode")) {
                return System.identityHashCode(self);
            }
            return method.getName().equals("equals") ? self == args[0] : null;
        });
        Object unused = install.invoke(create.invoke(name), proxy);
    }
}
