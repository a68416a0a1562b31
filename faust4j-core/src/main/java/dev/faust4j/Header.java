package dev.faust4j;

import java.util.Objects;

/**
 * One record header: a string key and raw bytes (possibly null), as on Kafka.
 * Immutable by contract: neither faust4j nor its users should modify {@code value}.
 *
 * @param key   header key
 * @param value header value bytes, may be null
 */
public record Header(String key, byte[] value) {
    public Header {
        Objects.requireNonNull(key, "header key");
    }
}
