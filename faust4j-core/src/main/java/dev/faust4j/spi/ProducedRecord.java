package dev.faust4j.spi;

import dev.faust4j.Header;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Objects;

/**
 * A record to send: raw bytes and where to send them. Immutable by contract (the byte arrays are shared, never
 * copied, and must not be modified); thread-safe. {@code equals} and {@code hashCode} compare the arrays by
 * identity, as for any record.
 *
 * @param topic     destination topic
 * @param partition explicit partition, or null to let the transport partition by key
 *                  (murmur2 of the key bytes, as Kafka's default partitioner)
 * @param timestamp epoch milliseconds, or null for "now"
 * @param key       key bytes, or null
 * @param value     value bytes, or null
 * @param headers   headers, never null
 */
@SuppressWarnings("ArrayRecordComponent") // raw bytes by design, never copied (see above)
public record ProducedRecord(String topic, @Nullable Integer partition, @Nullable Long timestamp, byte @Nullable [] key,
                             byte @Nullable [] value,
                             List<Header> headers) {
    public ProducedRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(headers, "headers");
    }
}
