package dev.faust4j.internal.topic;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.EventStream;
import dev.faust4j.Header;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codec;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicSpec;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * A topic description bound to its app: sending encodes and goes through the app's sender (tied to the events
 * in hand when sent from an agent), streaming and subscribing go to the app's stream factory and Conductor.
 *
 * <p>Thread-safety: immutable except for the declared-once flag; thread-safe.
 */
public final class TopicImpl<K, V> implements Topic<K, V>, SourceImpl<K, V> {
    private final TopicOptions<K, V> options;
    private final TopicServices services;
    private final boolean agentOwned;
    private volatile boolean declared;

    /**
     * @param options    the description
     * @param services   what the app's topics share
     * @param agentOwned true for an agent's own topic ({@code "{app}-{agent}"}): topics derived from it are not
     *                   prefixed with the agent's name again
     */
    public TopicImpl(TopicOptions<K, V> options, TopicServices services, boolean agentOwned) {
        this.options = options;
        this.services = services;
        this.agentOwned = agentOwned;
    }

    public boolean agentOwned() {
        return agentOwned;
    }

    @Override
    public List<String> names() {
        return options.names();
    }

    @Override
    public String name() {
        if (options.names().size() != 1) {
            throw new IllegalStateException("this topic description covers " + options.names()
                    + ": sending needs exactly one topic name");
        }
        return options.names().getFirst();
    }

    @Override
    public Codec<K> keyCodec() {
        return options.keyCodec();
    }

    @Override
    public Codec<V> valueCodec() {
        return options.valueCodec();
    }

    @Override
    public int partitions() {
        return options.partitions();
    }

    @Override
    public boolean internal() {
        return options.internal();
    }

    @Override
    public ErrorPolicy decodeErrorPolicy() {
        return options.decodeErrorPolicy() != null ? options.decodeErrorPolicy() : services.defaultDecodePolicy();
    }

    @Override
    public String label() {
        return String.join(",", options.names());
    }

    @Override
    public CompletableFuture<RecordMetadata> send(K key, V value) {
        return send(key, value, List.of(), null);
    }

    @Override
    public CompletableFuture<RecordMetadata> send(K key, V value, List<Header> headers, Integer partition) {
        Objects.requireNonNull(headers, "headers");
        String name = name();
        declare();
        byte[] k = key == null ? null : options.keyCodec().encode(key);
        byte[] v = value == null ? null : options.valueCodec().encode(value);
        return services.sender().send(new ProducedRecord(name, partition, null, k, v, List.copyOf(headers)));
    }

    @Override
    public EventStream<K, V> stream() {
        return services.streams().stream(this);
    }

    @Override
    public Subscription subscribe(ErrorPolicy readerPolicy) {
        return services.subscriber().subscribe(this, readerPolicy);
    }

    /** A topic with the same types and codecs under another name (Faust's derive_topic), registered with the app. */
    public TopicImpl<K, V> derive(String name, int partitions, boolean internal) {
        TopicOptions<K, V> o = new TopicOptions<>(List.of(name), options.keyCodec(), options.valueCodec(),
                partitions, internal, options.decodeErrorPolicy(), Map.of());
        TopicImpl<K, V> derived = new TopicImpl<>(o, services, agentOwned);
        services.catalog().register(derived);
        return derived;
    }

    /** Makes sure the topics exist (once). Blocking the first time. */
    public void declare() {
        if (!declared) {
            services.catalog().declare(specs());
            declared = true;
        }
    }

    /** The specs faust4j declares for these topics. */
    public List<TopicSpec> specs() {
        int partitions = options.partitions() > 0 ? options.partitions() : services.defaultPartitions();
        return options.names().stream()
                .map(n -> new TopicSpec(n, partitions, services.replicationFactor(), options.internal(),
                        options.config()))
                .toList();
    }

    @Override
    public String toString() {
        return "Topic" + options.names();
    }
}
