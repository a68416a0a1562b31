package dev.faust4j.kafka;

import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;

/**
 * Creates the transport for {@code kafka://} broker URLs. You rarely use this class directly: with
 * {@code faust4j-kafka} on the class path, an app whose broker is {@code kafka://host:port[;host2:port]} finds it
 * through {@link java.util.ServiceLoader} ({@code META-INF/services/dev.faust4j.spi.TransportFactory}).
 *
 * <h2>The three Kafka clients</h2>
 * A Kafka transport owns up to three clients, created when first needed and all configured from the app's
 * {@link dev.faust4j.Settings}:
 * <ul>
 *   <li>one {@code KafkaConsumer<byte[], byte[]>} per {@link Transport#createConsumer()} call (the worker's one
 *       consumer): {@code group.id} is the app id, {@code enable.auto.commit=false} (the core commits what its
 *       agents have finished), {@code auto.offset.reset} and {@code max.poll.records} come from the settings;</li>
 *   <li>one shared {@code KafkaProducer<byte[], byte[]>} with Kafka's safe defaults, {@code acks=all} and
 *       {@code enable.idempotence=true};</li>
 *   <li>one {@code Admin} client that creates the topics faust4j declares.</li>
 * </ul>
 * {@code bootstrap.servers} is the broker URL's host list with {@code ;} turned into {@code ,}
 * ({@code kafka://a:9092;b:9092} becomes {@code a:9092,b:9092}; a host without a port gets 9092).
 * {@code client.id} is the app id plus {@code -consumer-N}, {@code -producer-N} or {@code -admin-N}.
 *
 * <h2>Client properties pass through untouched</h2>
 * Every {@linkplain dev.faust4j.Settings#clientProperties() client property} reaches the clients as given, so
 * TLS, SASL and tuning need no support from faust4j:
 * <table>
 * <caption>Where a client property goes</caption>
 * <tr><th>key</th><th>goes to</th><th>example</th></tr>
 * <tr><td>plain key</td><td>consumer, producer and admin</td><td>{@code security.protocol=SASL_SSL}</td></tr>
 * <tr><td>{@code consumer.}<i>key</i></td><td>the consumer only, prefix removed</td>
 *     <td>{@code consumer.max.partition.fetch.bytes=1048576}</td></tr>
 * <tr><td>{@code producer.}<i>key</i></td><td>the producer only, prefix removed</td>
 *     <td>{@code producer.linger.ms=5}</td></tr>
 * <tr><td>{@code admin.}<i>key</i></td><td>the admin client only, prefix removed</td>
 *     <td>{@code admin.request.timeout.ms=10000}</td></tr>
 * </table>
 * A prefixed key wins over the same plain key, and both win over faust4j's defaults (so an explicit
 * {@code bootstrap.servers} replaces the URL's). A few keys the adapters depend on cannot be changed and are
 * ignored with a warning naming the key: the byte-array (de)serializers, {@code enable.auto.commit} and
 * {@code group.id}. The new consumer group protocol works by setting {@code group.protocol=consumer}
 * (KIP-848); faust4j then sets no assignor, session or heartbeat keys, which that protocol manages on the
 * broker. With the classic protocol, the default assignor is {@code CooperativeStickyAssignor}, so a
 * rebalance only revokes the partitions that move.
 *
 * <p>Secrets are never logged by faust4j: configuration maps are not logged at all, and settings are only
 * ever printed through {@link dev.faust4j.Settings#toString()}, which masks them.
 *
 * <h2>Topics</h2>
 * {@link Transport#declareTopics} creates every missing topic with the declared partitions, replication
 * factor and configuration through the admin client, so it works with {@code auto.create.topics.enable=false}.
 * It never modifies an existing topic; an existing internal topic with another partition count is an
 * {@link IllegalStateException} naming the topic, the expected and the actual count.
 *
 * <p><b>Thread-safety:</b> thread-safe and stateless; the transports it creates are thread-safe too (their
 * consumers are single-threaded, as {@link dev.faust4j.spi.TransportConsumer} documents).
 */
public final class KafkaTransportFactory implements TransportFactory {

    /** The URL scheme this factory serves: {@value}. */
    public static final String SCHEME = "kafka";

    /** Used by {@link java.util.ServiceLoader}. */
    public KafkaTransportFactory() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    /**
     * Creates a transport for this app. No connection is opened yet: the clients connect when first used.
     *
     * @throws IllegalArgumentException when the broker URL names no host and no {@code bootstrap.servers}
     *                                  client property is set
     */
    @Override
    public Transport create(TransportContext context) {
        return new KafkaTransport(context.appId(), context.settings(), context.sensor());
    }
}
