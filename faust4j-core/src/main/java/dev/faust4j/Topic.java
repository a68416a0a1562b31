package dev.faust4j;

import dev.faust4j.codec.Codec;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A description of one or more Kafka topics with their key and value types and codecs, as
 * {@code app.topic(...)} in Faust. Create one with {@link App#topic(String, Class)} or
 * {@link App#topic(TopicOptions)}; iterate it with an agent, or {@link #stream()}.
 *
 * <pre>{@code
 * record Withdrawal(String account, double amount) {}
 * Topic<String, Withdrawal> withdrawals = app.topic("withdrawals", Withdrawal.class);
 * withdrawals.send("a1", new Withdrawal("a1", 10.5)).join();   // completes once durably accepted
 * }</pre>
 *
 * <p><b>Thread-safety:</b> immutable and thread-safe; send from any thread.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface Topic<K, V> extends Source<K, V> {

    /** The topic names this description covers (one or more). */
    List<String> names();

    /** The single topic name; fails with a clear message when the description covers several. */
    String name();

    Codec<K> keyCodec();

    Codec<V> valueCodec();

    /** Partition count used when faust4j creates the topic; 0 when unspecified (the app's default). */
    int partitions();

    /** True when faust4j owns (creates) the topic. */
    boolean internal();

    /** What happens to records of this topic that cannot be decoded. */
    ErrorPolicy decodeErrorPolicy();

    /**
     * Sends a record. The key picks the partition with Kafka's murmur2 partitioner, so a key lands in the same
     * partition on every transport. The future completes when the transport has durably accepted the record.
     */
    CompletableFuture<RecordMetadata> send(@Nullable K key, V value);

    /** Sends a record with no key. */
    default CompletableFuture<RecordMetadata> send(V value) {
        return send(null, value);
    }

    /** Sends with headers and, optionally, an explicit partition (null: by key). */
    CompletableFuture<RecordMetadata> send(@Nullable K key, V value, List<Header> headers, @Nullable Integer partition);
}
