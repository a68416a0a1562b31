/**
 * The {@code kafka://} transport of faust4j, over the Apache Kafka Java clients. Put this module next to
 * {@code dev.faust4j}: an app whose broker URL is {@code kafka://host:port} finds its
 * {@link dev.faust4j.kafka.KafkaTransportFactory} through the {@link dev.faust4j.spi.TransportFactory} service.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.faust4j.kafka {
    requires transitive dev.faust4j; // its public factory implements the SPI
    requires kafka.clients;
    requires org.slf4j;
    requires static org.jspecify;

    exports dev.faust4j.kafka;
    // the consumer instantiates the assignor by class name; not an API, so exported to the Kafka clients only
    exports dev.faust4j.kafka.internal to kafka.clients;

    provides dev.faust4j.spi.TransportFactory with dev.faust4j.kafka.KafkaTransportFactory;
}
