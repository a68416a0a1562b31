package dev.faust4j.kafka;

import dev.faust4j.Sensor;
import dev.faust4j.Settings;
import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.spi.TransportProducer;
import dev.faust4j.spi.TransactionalProducer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/*
 * Design note. A transport is a bag of lazily created clients: the shared producer and the admin client are
 * built on first use under one lock and closed with the transport; consumers are built per createConsumer()
 * call and belong to whoever asked (the core closes its consumer on the poll thread, which Kafka requires).
 * The configuration maps are computed once here, so every client of one transport sees the same settings;
 * they may hold secrets and are never logged.
 */
final class KafkaTransport implements Transport {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTransport.class);
    /** Upper bound for closing a client, whatever the shutdown grace period. */
    private static final Duration MAX_CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final String appId;
    private final Map<String, Object> consumerConfig;
    private final Map<String, Object> producerConfig;
    private final Map<String, Object> adminConfig;
    private final Duration closeTimeout;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile @Nullable KafkaProducerAdapter producer;
    private @Nullable KafkaTopicAdmin admin;
    private final List<KafkaTransactionalProducer> transactional = new ArrayList<>();
    private volatile boolean closed;

    private final Sensor sensor;

    KafkaTransport(String appId, Settings settings) {
        this(appId, settings, new Sensor() {});
    }

    /** {@code sensor} is told of every client created and closed (metrics binders bind their metrics). */
    KafkaTransport(String appId, Settings settings, Sensor sensor) {
        this.sensor = sensor;
        this.appId = appId;
        this.consumerConfig = KafkaClientConfigs.consumer(appId, settings);
        this.producerConfig = KafkaClientConfigs.producer(appId, settings);
        this.adminConfig = KafkaClientConfigs.admin(appId, settings);
        Duration grace = settings.shutdownGracePeriod();
        this.closeTimeout = grace.compareTo(MAX_CLOSE_TIMEOUT) > 0 ? MAX_CLOSE_TIMEOUT : grace;
        LOG.info("kafka transport for app {}: bootstrap servers {}", appId,
                consumerConfig.get(org.apache.kafka.clients.CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    }

    @Override
    public TransportConsumer createConsumer() {
        ensureOpen();
        KafkaConsumerAdapter adapter = KafkaConsumerAdapter.create(consumerConfig, appId,
                KafkaClientConfigs.apiTimeout(consumerConfig), closeTimeout);
        reported("consumer", adapter.client(), adapter::whenClosed);
        return adapter;
    }

    @Override
    public ChangelogReader changelogReader(boolean readCommitted) {
        ensureOpen();
        Map<String, Object> config = KafkaClientConfigs.changelogReader(consumerConfig, readCommitted);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config);
        KafkaChangelogReader reader = new KafkaChangelogReader(consumer, KafkaClientConfigs.apiTimeout(config),
                closeTimeout);
        reported("changelog-reader", consumer, reader::whenClosed);
        return reader;
    }

    @Override
    public TransportProducer producer() {
        KafkaProducerAdapter p = producer;
        if (p != null) {
            return p;
        }
        lock.lock();
        try {
            ensureOpen();
            if (producer == null) {
                KafkaProducer<byte[], byte[]> client = new KafkaProducer<>(producerConfig);
                KafkaProducerAdapter adapter = new KafkaProducerAdapter(client, closeTimeout);
                reported("producer", client, adapter::whenClosed);
                producer = adapter;
            }
            return producer;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public TransactionalProducer transactionalProducer(String transactionalId) {
        lock.lock();
        try {
            ensureOpen();
            KafkaProducer<byte[], byte[]> client = new KafkaProducer<>(
                    KafkaClientConfigs.transactionalProducer(producerConfig, transactionalId));
            KafkaTransactionalProducer p = new KafkaTransactionalProducer(client, transactionalId, closeTimeout);
            reported("transactional-producer", client, p::whenClosed);
            transactional.add(p);
            return p;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, boolean readCommitted) {
        return partitions.isEmpty() ? Map.of() : admin().endOffsets(partitions, readCommitted);
    }

    @Override
    public void declareTopics(Collection<TopicSpec> topics) {
        admin().declareTopics(topics);
    }

    @Override
    public OptionalInt partitionCount(String topic) {
        return admin().partitionCount(topic);
    }

    @Override
    public void close() {
        KafkaProducerAdapter p;
        KafkaTopicAdmin a;
        List<KafkaTransactionalProducer> tx;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            p = producer;
            a = admin;
            tx = List.copyOf(transactional);
        } finally {
            lock.unlock();
        }
        if (p != null) {
            p.close();
        }
        tx.forEach(KafkaTransactionalProducer::close);
        if (a != null) {
            a.close(closeTimeout);
        }
    }

    /** The effective consumer configuration (for tests; holds secrets, never log it). */
    Map<String, Object> consumerConfig() {
        return consumerConfig;
    }

    /** The effective producer configuration (for tests; holds secrets, never log it). */
    Map<String, Object> producerConfig() {
        return producerConfig;
    }

    /** The effective admin configuration (for tests; holds secrets, never log it). */
    Map<String, Object> adminConfig() {
        return adminConfig;
    }

    private KafkaTopicAdmin admin() {
        lock.lock();
        try {
            ensureOpen();
            if (admin == null) {
                Admin client = Admin.create(adminConfig);
                admin = new KafkaTopicAdmin(client, KafkaClientConfigs.apiTimeout(adminConfig));
                reported("admin", client, admin::whenClosed);
            }
            return admin;
        } finally {
            lock.unlock();
        }
    }

    /** Tells the sensors of a new client, and makes its wrapper tell them when it is closed. */
    private void reported(String role, Object client, Consumer<Runnable> whenClosed) {
        sensor.onClientCreated(role, client);
        whenClosed.accept(() -> sensor.onClientClosed(role, client));
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the kafka transport of app " + appId + " is closed");
        }
    }
}
