package dev.faust4j.internal.app;

import dev.faust4j.Sensor;
import dev.faust4j.Settings;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Finds the transport for the broker URL's scheme with {@link ServiceLoader} (memory in the core, kafka in
 * faust4j-kafka), creates it on first use and closes it at stop. Until then the broker may still change
 * ({@code worker --broker}): the settings it holds are the ones the app runs with.
 *
 * <p>Thread-safety: thread-safe.
 */
final class TransportLoader {
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Settings settings;
    private volatile Transport transport;

    private final Sensor sensor;

    TransportLoader(Settings settings, Sensor sensor) {
        this.sensor = sensor;
        this.settings = settings;
    }

    /** The settings the transport is (or will be) created with: the app's, with the broker it runs on. */
    Settings settings() {
        return settings;
    }

    /**
     * Makes the transport connect to another broker.
     *
     * @throws IllegalStateException when the transport exists already (the app started, sent or declared a topic)
     * @throws IllegalArgumentException when the URL is not a broker URL
     */
    void useBroker(String url) {
        lock.lock();
        try {
            if (transport != null) {
                throw new IllegalStateException("app " + settings.id() + " is already connected to "
                        + settings.broker() + ", so its broker cannot change any more; give the broker before the"
                        + " app starts or sends");
            }
            settings = settings.withBroker(url);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Turns the web server on for this run ({@code worker --web-port/--web-bind}); a value not given keeps the app's.
     * The caller checks that the app has not started.
     *
     * @throws IllegalArgumentException naming {@code webPort} or {@code webBind} when a value is invalid
     */
    void useWeb(@Nullable Integer port, @Nullable String bind) {
        lock.lock();
        try {
            Settings current = settings;
            settings = current.withWeb(port != null ? port : current.webPort(), bind != null ? bind
                    : current.webBind());
        } finally {
            lock.unlock();
        }
    }

    /** The transport, created on first use. */
    Transport get() {
        Transport t = transport;
        if (t != null) {
            return t;
        }
        lock.lock();
        try {
            if (transport == null) {
                transport = create();
            }
            return transport;
        } finally {
            lock.unlock();
        }
    }

    /** The transport if it was created, or null. */
    Transport ifCreated() {
        return transport;
    }

    private Transport create() {
        Settings current = settings;
        String scheme = current.brokerScheme();
        List<String> known = new ArrayList<>();
        for (TransportFactory f : ServiceLoader.load(TransportFactory.class)) {
            known.add(f.scheme());
            if (f.scheme().equalsIgnoreCase(scheme)) {
                return f.create(new TransportContext(current.id(), current, sensor));
            }
        }
        throw new IllegalStateException("no transport for broker URL " + current.broker() + " (scheme '" + scheme
                + "'); available: " + known + (scheme.equals("kafka") ? " - add the faust4j-kafka module" : ""));
    }
}
