/**
 * The transport SPI: what a broker must offer faust4j. Apps never use it directly; it is for writing a
 * transport, as {@code faust4j-kafka} does for {@code kafka://} and the core does for {@code memory://}.
 *
 * <p>A transport is found by the scheme of the app's broker URL: a {@link dev.faust4j.spi.TransportFactory}
 * registered for {@link java.util.ServiceLoader} creates one {@link dev.faust4j.spi.Transport} per app. The
 * transport only moves bytes: a {@link dev.faust4j.spi.TransportConsumer} modelled on Kafka's consumer (group
 * membership through a {@link dev.faust4j.spi.RebalanceListener}, {@code poll}, {@code pause}/{@code resume},
 * commits), a shared {@link dev.faust4j.spi.TransportProducer} (which also says which send failures are worth
 * retrying), and topic declaration. Acks, commit ordering,
 * flow control and error policies are the core's, identical on every transport.
 * <pre>{@code
 * // META-INF/services/dev.faust4j.spi.TransportFactory contains: com.example.RedpandaTransportFactory
 * public final class RedpandaTransportFactory implements TransportFactory {
 *     public String scheme() { return "redpanda"; }                  // App.builder(..).broker("redpanda://host:9092")
 *     public Transport create(TransportContext context) {
 *         return new RedpandaTransport(context.appId(), context.settings().brokerAddress(),
 *                 context.settings().clientProperties());
 *     }
 * }
 * }</pre>
 *
 * <p>Records cross the SPI as raw bytes: {@link dev.faust4j.spi.ConsumedRecord} in
 * {@link dev.faust4j.spi.PartitionRecords} batches one way, {@link dev.faust4j.spi.ProducedRecord} the other,
 * each with {@link dev.faust4j.Header}s (from the API). Their byte arrays are shared, never copied: neither side modifies
 * them. A transport's own behaviour can be checked by running the core's behaviour suite (the
 * {@code faust4j-core} test-jar) on it, as {@code faust4j-kafka} does.
 */
@NullMarked
package dev.faust4j.spi;

import org.jspecify.annotations.NullMarked;
