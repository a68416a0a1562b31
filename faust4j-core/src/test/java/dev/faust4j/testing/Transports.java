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

    public static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
