package dev.faust4j.spi;

import dev.faust4j.Header;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * A record as a transport's consumer fetched it: raw key and value bytes plus its position.
 * Transports hand these to the core in {@link PartitionRecords} batches. Immutable by contract
 * (the byte arrays are shared, never copied, and must not be modified); thread-safe. {@code equals} and
 * {@code hashCode} compare the arrays by identity, as for any record.
 *
 * @param topic     topic name
 * @param partition partition number
 * @param offset    offset of the record in its partition
 * @param timestamp record timestamp, epoch milliseconds
 * @param key       key bytes, or null
 * @param value     value bytes, or null (a tombstone)
 * @param headers   headers, never null (use {@code List.of()} for none)
 */
@SuppressWarnings("ArrayRecordComponent") // raw bytes by design, never copied (see above)
public record ConsumedRecord(String topic, int partition, long offset, long timestamp,
                             byte @Nullable [] key, byte @Nullable [] value, List<Header> headers) {
    /** Size in bytes of key plus value, as used by size limits. */
    public int serializedSize() {
        return (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
    }
}
