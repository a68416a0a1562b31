package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * One record header: a string key and raw bytes (possibly null), as on Kafka.
 * Immutable by contract: neither faust4j nor its users should modify {@code value}.
 *
 * @param key   header key
 * @param value header value bytes, may be null
 */
// Raw bytes by design, never copied (see above); equals and hashCode compare the arrays by identity.
@SuppressWarnings("ArrayRecordComponent")
public record Header(String key, byte @Nullable [] value) {
    public Header {
        Objects.requireNonNull(key, "header key");
    }
}
