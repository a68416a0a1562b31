package dev.faust4j.test;

import dev.faust4j.Header;
import org.jspecify.annotations.Nullable;

import java.util.List;

/**
 * One record of a topic as {@link TestDriver#read} returns it: decoded with the topic's codecs, with where it is.
 *
 * <pre>{@code
 * List<TestRecord<String, Total>> out = driver.read(totals);
 * assertThat(out).extracting(TestRecord::key).containsExactly("alice");
 * }</pre>
 *
 * <p><b>Thread-safety:</b> immutable (the key and value are as the codecs decoded them) and thread-safe.
 *
 * @param topic     the topic's name
 * @param partition its partition
 * @param offset    its offset in the partition
 * @param timestamp its timestamp, epoch milliseconds
 * @param key       the decoded key, or null when it has none
 * @param value     the decoded value, or null for a tombstone
 * @param headers   its headers
 * @param <K>       the key type
 * @param <V>       the value type
 */
public record TestRecord<K, V>(String topic, int partition, long offset, long timestamp, @Nullable K key,
                               @Nullable V value, List<Header> headers) {
    /** Copies the headers. */
    public TestRecord {
        headers = List.copyOf(headers);
    }
}
