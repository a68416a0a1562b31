package dev.faust4j.internal;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.EventStream;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codec;
import dev.faust4j.spi.Header;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicSpec;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** A topic description bound to its app. Immutable except for the declared-once flag. */
final class TopicImpl<K, V> implements Topic<K, V>, SourceImpl<K, V> {
    private final AppRuntime app;
    private final TopicOptions<K, V> options;
    private final boolean hasPrefix;
    private volatile boolean declared;

    TopicImpl(AppRuntime app, TopicOptions<K, V> options, boolean hasPrefix) {
        this.app = app;
        this.options = options;
        this.hasPrefix = hasPrefix;
    }

    boolean hasPrefix() {
        return hasPrefix;
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
        return options.decodeErrorPolicy() != null ? options.decodeErrorPolicy() : app.settings().decodeErrorPolicy();
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
        return app.send(new ProducedRecord(name, partition, null, k, v, List.copyOf(headers)));
    }

    @Override
    public EventStream<K, V> stream() {
        return new StreamImpl<>(app, null, this, null);
    }

    @Override
    public Subscription subscribe() {
        Subscription sub = app.newSubscription();
        app.conductor().register(this, sub);
        return sub;
    }

    @Override
    public TopicImpl<K, V> asTopic() {
        return this;
    }

    /** A topic with the same types and codecs under another name (Faust's derive_topic). */
    TopicImpl<K, V> derive(String name, int partitions, boolean internal) {
        TopicOptions<K, V> o = new TopicOptions<>(List.of(name), options.keyCodec(), options.valueCodec(),
                partitions, internal, options.decodeErrorPolicy(), Map.of());
        return app.register(new TopicImpl<>(app, o, hasPrefix));
    }

    /** Makes sure the topics exist (once). */
    void declare() {
        if (!declared) {
            app.declare(this);
            declared = true;
        }
    }

    List<TopicSpec> specs() {
        int partitions = options.partitions() > 0 ? options.partitions() : app.settings().topicPartitions();
        return options.names().stream()
                .map(n -> new TopicSpec(n, partitions, app.settings().topicReplicationFactor(), options.internal(), options.config()))
                .toList();
    }

    @Override
    public String toString() {
        return "Topic" + options.names();
    }
}
