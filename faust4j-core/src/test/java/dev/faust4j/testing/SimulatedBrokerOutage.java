package dev.faust4j.testing;

/**
 * The failure {@link CountingTransport.Probe#failSends} gives sends while the simulated broker is down: the
 * test stand-in for a <em>retriable</em> broker error (on Kafka, for example
 * {@code org.apache.kafka.common.errors.TimeoutException} or {@code NotEnoughReplicasException}), which a
 * worker should ride out rather than treat as a lost record. Kafka's own retriable exceptions are not on the
 * core's test class path, so the product needs its own way to tell retriable send failures from permanent ones
 * (such as a record too large); this class is what such a check must recognise in the tests.
 */
public final class SimulatedBrokerOutage extends RuntimeException {
    public SimulatedBrokerOutage(String message) {
        super(message);
    }
}
