package dev.faust4j;

import java.util.Objects;

/**
 * One partition of a topic, as {@link App#lag()} and a {@link Sensor} name it. Printed as {@code topic-3}, the way
 * Kafka prints partitions. Immutable and thread-safe.
 *
 * @param topic  the topic's name
 * @param number the partition number, from 0
 */
public record Partition(String topic, int number) implements Comparable<Partition> {
    /** Validates. */
    public Partition {
        Objects.requireNonNull(topic, "topic");
        if (number < 0) {
            throw new IllegalArgumentException("partition number must be >= 0, was " + number);
        }
    }

    @Override
    public int compareTo(Partition o) {
        int c = topic.compareTo(o.topic);
        return c != 0 ? c : Integer.compare(number, o.number);
    }

    @Override
    public String toString() {
        return topic + "-" + number;
    }
}
