package dev.faust4j.testing;

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

    public static List<TransportFixture> all() {
        List<TransportFixture> out = new ArrayList<>();
        for (TransportFixture f : ServiceLoader.load(TransportFixture.class)) {
            out.add(f);
        }
        return out;
    }

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
