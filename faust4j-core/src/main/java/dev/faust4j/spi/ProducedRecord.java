package dev.faust4j.spi;

import dev.faust4j.Header;

import java.util.List;
import java.util.Objects;

/**
 * A record to send: raw bytes and where to send them. Immutable; thread-safe.
 *
 * @param topic     destination topic
 * @param partition explicit partition, or null to let the transport partition by key
 *                  (murmur2 of the key bytes, as Kafka's default partitioner)
 * @param timestamp epoch milliseconds, or null for "now"
 * @param key       key bytes, or null
 * @param value     value bytes, or null
 * @param headers   headers, never null
 */
public record ProducedRecord(String topic, Integer partition, Long timestamp, byte[] key, byte[] value,
                             List<Header> headers) {
    public ProducedRecord {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(headers, "headers");
    }
}
