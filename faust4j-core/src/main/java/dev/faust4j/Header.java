package dev.faust4j;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * One record header: a string key and raw bytes (possibly null), as on Kafka.
 * Immutable by contract: neither faust4j nor its users should modify {@code value}. {@code equals} and
 * {@code hashCode} compare the array by identity, as for any record.
 *
 * @param key   header key
 * @param value header value bytes, may be null
 */
@SuppressWarnings("ArrayRecordComponent") // raw bytes by design, never copied (see above)
public record Header(String key, byte @Nullable [] value) {
    public Header {
        Objects.requireNonNull(key, "header key");
    }
}
