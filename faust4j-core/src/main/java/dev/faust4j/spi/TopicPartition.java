package dev.faust4j.spi;

import java.util.Objects;

/**
 * One partition of one topic ("TP" in Faust's vocabulary). Immutable and thread-safe.
 *
 * @param topic     the topic name, never null
 * @param partition the partition number, 0 or more
 */
public record TopicPartition(String topic, int partition) {
    public TopicPartition {
        Objects.requireNonNull(topic, "topic");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must be >= 0, got " + partition + " for topic " + topic);
        }
    }

    @Override
    public String toString() {
        return topic + "-" + partition;
    }
}
