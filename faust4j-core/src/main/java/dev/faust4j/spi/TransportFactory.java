package dev.faust4j.spi;

/**
 * Creates {@link Transport}s for the broker URLs whose scheme it supports. Registered through
 * {@code META-INF/services/dev.faust4j.spi.TransportFactory}.
 */
public interface TransportFactory {

    /** The URL scheme handled, for example {@code "memory"} or {@code "kafka"}. */
    String scheme();

    /** Creates a transport for this app. */
    Transport create(TransportContext context);
}
