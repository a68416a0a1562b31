package dev.faust4j.internal.app;

import dev.faust4j.Settings;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Finds the transport for the broker URL's scheme with {@link ServiceLoader} (memory in the core, kafka in
 * faust4j-kafka), creates it on first use and closes it at stop.
 *
 * <p>Thread-safety: thread-safe.
 */
final class TransportLoader {
    private final Settings settings;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Transport transport;

    TransportLoader(Settings settings) {
        this.settings = settings;
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
        String scheme = settings.brokerScheme();
        List<String> known = new ArrayList<>();
        for (TransportFactory f : ServiceLoader.load(TransportFactory.class)) {
            known.add(f.scheme());
            if (f.scheme().equalsIgnoreCase(scheme)) {
                return f.create(new TransportContext(settings.id(), settings));
            }
        }
        throw new IllegalStateException("no transport for broker URL " + settings.broker() + " (scheme '" + scheme
                + "'); available: " + known + (scheme.equals("kafka") ? " - add the faust4j-kafka module" : ""));
    }
}
