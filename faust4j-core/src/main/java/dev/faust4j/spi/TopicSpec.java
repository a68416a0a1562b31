package dev.faust4j.spi;

import java.util.Map;
import java.util.Objects;

/**
 * A topic that faust4j wants to exist, with the shape it wants.
 *
 * @param name              topic name
 * @param partitions        partition count, at least 1
 * @param replicationFactor replication factor, at least 1
 * @param internal          true when faust4j owns the topic (agent topics, repartition topics): the transport
 *                          creates it if missing and refuses one that exists with another partition count
 * @param config            topic-level configuration (for example {@code cleanup.policy}), passed through
 */
public record TopicSpec(String name, int partitions, short replicationFactor, boolean internal,
                        Map<String, String> config) {
    public TopicSpec {
        Objects.requireNonNull(name, "name");
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be >= 1 for topic " + name + ", got " + partitions);
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be >= 1 for topic " + name);
        }
        config = Map.copyOf(config);
    }
}
