package dev.faust4j.testing;

/**
 * The failure {@link CountingTransport.Probe#failSends} gives sends while the simulated broker is down: the
 * test stand-in for a <em>retriable</em> broker error (on Kafka, for example
 * {@code org.apache.kafka.common.errors.TimeoutException} or {@code NotEnoughReplicasException}), which a
 * worker should ride out rather than treat as a lost record. The counting transport's producer says so through
 * {@link dev.faust4j.spi.TransportProducer#isRetriable}, as the Kafka transport does for Kafka's retriable errors.
 */
public final class SimulatedBrokerOutage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SimulatedBrokerOutage(String message) {
        super(message);
    }
}
