package dev.faust4j.internal.sensor;

import dev.faust4j.Partition;
import dev.faust4j.spi.TopicPartition;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** The transport's partitions as the API names them, for the sensors and {@code App.lag()}. Stateless. */
public final class Partitions {
    private Partitions() {
    }

    /** These partitions, sorted. */
    public static Set<Partition> of(Collection<TopicPartition> partitions) {
        Set<Partition> out = new TreeSet<>();
        for (TopicPartition tp : partitions) {
            out.add(of(tp));
        }
        return Collections.unmodifiableSet(out);
    }

    /** This partition. */
    public static Partition of(TopicPartition tp) {
        return new Partition(tp.topic(), tp.partition());
    }

    /** These offsets, sorted by partition. */
    public static Map<Partition, Long> offsets(Map<TopicPartition, Long> offsets) {
        Map<Partition, Long> out = new TreeMap<>();
        offsets.forEach((tp, o) -> out.put(of(tp), o));
        return Collections.unmodifiableMap(out);
    }
}
