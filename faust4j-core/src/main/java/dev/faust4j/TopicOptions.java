package dev.faust4j;

import dev.faust4j.codec.Codec;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything {@link App#topic(TopicOptions)} needs to describe a topic. Immutable; build with
 * {@link #builder(Codec, Codec)}.
 *
 * <pre>{@code
 * Topic<String, Order> orders = app.topic(
 *     TopicOptions.builder(Codecs.string(), Codecs.json(Order.class)).names("orders").partitions(4).build());
 * }</pre>
 *
 * @param names             topic names, at least one
 * @param keyCodec          key codec
 * @param valueCodec        value codec
 * @param partitions        partitions when faust4j creates it, 0 for the app default
 * @param internal          whether faust4j owns and creates the topic
 * @param decodeErrorPolicy policy for undecodable records, or null for the app's
 * @param config            topic configuration used when creating it
 * @param <K>               key type
 * @param <V>               value type
 */
public record TopicOptions<K, V>(List<String> names, Codec<K> keyCodec, Codec<V> valueCodec, int partitions,
                                 boolean internal, @Nullable ErrorPolicy decodeErrorPolicy,
                                 Map<String, String> config) {

    public TopicOptions {
        Objects.requireNonNull(names, "names");
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a topic needs at least one name");
        }
        for (String n : names) {
            Setting.requireNonBlank(n, "topic name");
        }
        names = List.copyOf(names);
        Objects.requireNonNull(keyCodec, "keyCodec");
        Objects.requireNonNull(valueCodec, "valueCodec");
        if (partitions < 0) {
            throw new IllegalArgumentException("partitions must be >= 1 (or 0 for the app default), got " + partitions);
        }
        config = Map.copyOf(config);
    }

    public static <K, V> Builder<K, V> builder(Codec<K> keyCodec, Codec<V> valueCodec) {
        return new Builder<>(keyCodec, valueCodec);
    }

    /** Builder for {@link TopicOptions}; not thread-safe. */
    public static final class Builder<K, V> {
        private final Codec<K> keyCodec;
        private final Codec<V> valueCodec;
        private List<String> names = List.of();
        private int partitions;
        private boolean internal;
        private @Nullable ErrorPolicy decodeErrorPolicy;
        private Map<String, String> config = Map.of();

        Builder(Codec<K> keyCodec, Codec<V> valueCodec) {
            this.keyCodec = keyCodec;
            this.valueCodec = valueCodec;
        }

        public Builder<K, V> names(String... names) {
            this.names = List.of(names);
            return this;
        }

        public Builder<K, V> partitions(int partitions) {
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
            }
            this.partitions = partitions;
            return this;
        }

        public Builder<K, V> internal(boolean internal) {
            this.internal = internal;
            return this;
        }

        public Builder<K, V> decodeErrorPolicy(ErrorPolicy policy) {
            this.decodeErrorPolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        public Builder<K, V> config(Map<String, String> config) {
            this.config = Map.copyOf(config);
            return this;
        }

        public TopicOptions<K, V> build() {
            return new TopicOptions<>(names, keyCodec, valueCodec, partitions, internal, decodeErrorPolicy, config);
        }
    }
}
