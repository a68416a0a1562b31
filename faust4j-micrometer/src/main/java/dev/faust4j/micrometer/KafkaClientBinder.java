package dev.faust4j.micrometer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Binds the Kafka clients' own metrics (Micrometer's {@link KafkaClientMetrics}: fetch and request rates, records
 * lag, buffer use, ...) for each client the {@code kafka://} transport reports, and unbinds them when it closes the
 * client.
 *
 * <p>Design. kafka-clients is an optional dependency of this module ({@code requires static kafka.clients}): this
 * class is the only one that names its types, and it is loaded only when they are present ({@link #create}), so an
 * app on {@code memory://} without kafka-clients never touches it.
 *
 * <p>Thread-safety: thread-safe.
 */
final class KafkaClientBinder {
    private final MeterRegistry registry;
    private final Iterable<Tag> tags;
    private final Map<Object, KafkaClientMetrics> bound = new ConcurrentHashMap<>();

    private KafkaClientBinder(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = registry;
        this.tags = tags;
    }

    /** A binder, or null when kafka-clients is not there to bind. */
    static @Nullable KafkaClientBinder create(MeterRegistry registry, Iterable<Tag> tags) {
        try {
            Class.forName("org.apache.kafka.clients.consumer.Consumer", false,
                    KafkaClientBinder.class.getClassLoader());
            return new KafkaClientBinder(registry, tags);
        } catch (ClassNotFoundException | LinkageError absent) {
            return null;
        }
    }

    void created(Object client) {
        KafkaClientMetrics metrics;
        if (client instanceof Consumer<?, ?> c) {
            metrics = new KafkaClientMetrics(c, tags);
        } else if (client instanceof Producer<?, ?> p) {
            metrics = new KafkaClientMetrics(p, tags);
        } else if (client instanceof AdminClient a) {
            metrics = new KafkaClientMetrics(a, tags);
        } else {
            return;
        }
        metrics.bindTo(registry);
        KafkaClientMetrics previous = bound.put(client, metrics);
        if (previous != null) {
            previous.close();
        }
    }

    void closed(Object client) {
        KafkaClientMetrics metrics = bound.remove(client);
        if (metrics != null) {
            metrics.close(); // removes its meters from the registry
        }
    }

    void closeAll() {
        for (Object client : bound.keySet()) {
            closed(client);
        }
    }
}
