package dev.faust4j.testing;

import dev.faust4j.App;
import dev.faust4j.Settings;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.UUID;

/**
 * The transports on this test classpath, for {@code @MethodSource("dev.faust4j.testing.Transports#all")}.
 * Each behaviour test takes a {@link TransportFixture} and builds its apps with {@link #uniqueId(String)} ids
 * so tests never share topics or groups.
 */
public final class Transports {
    private Transports() {}

    /**
     * Every fixture registered on the test classpath, or only those named in the system property
     * {@code faust4j.test.transports} (comma-separated), which faust4j-kafka sets to {@code kafka}.
     */
    public static List<TransportFixture> all() {
        String only = System.getProperty("faust4j.test.transports", "");
        List<TransportFixture> out = new ArrayList<>();
        for (TransportFixture f : ServiceLoader.load(TransportFixture.class)) {
            if (only.isBlank() || List.of(only.split(",")).contains(f.name())) {
                out.add(f);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no transport fixture matches faust4j.test.transports=" + only);
        }
        return out;
    }

    /**
     * A transport of its own for the broker at {@code url} (found by URL scheme, as an app finds it), for tests of the
     * transport SPI itself; the caller closes it.
     */
    public static Transport open(String url, String appId) {
        Settings settings = App.builder(appId).broker(url).build().settings();
        String scheme = url.substring(0, url.indexOf(':'));
        for (TransportFactory f : ServiceLoader.load(TransportFactory.class)) {
            if (f.scheme().equals(scheme)) {
                return f.create(new TransportContext(appId, settings));
            }
        }
        throw new IllegalStateException("no transport for " + url);
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
