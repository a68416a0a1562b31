package dev.faust4j.internal.ack;

import dev.faust4j.Sensor;
import dev.faust4j.spi.TopicPartition;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;

/**
 * The partitions this worker owns now, each with its {@link PartitionTracker}, and the worker's ack count.
 *
 * <p>Thread-safety: the map is the poll thread's (rebalance callbacks run there too); {@link #ackCount()} may be
 * read anywhere.
 */
public final class Assignment {
    private final LongAdder acks = new LongAdder();
    private final Map<TopicPartition, PartitionTracker> trackers = new LinkedHashMap<>();
    private final @Nullable Sensor sensor;

    /** No one listens to fully acked messages. */
    public Assignment() {
        this(null);
    }

    /** {@code sensor} is told of each fully acked message; null when nobody listens. */
    public Assignment(@Nullable Sensor sensor) {
        this.sensor = sensor;
    }

    /** Starts tracking a newly assigned partition at {@code position} (the next offset to read). */
    public PartitionTracker assign(TopicPartition tp, long position) {
        PartitionTracker t = new PartitionTracker(tp, acks, position, sensor);
        trackers.put(tp, t);
        return t;
    }

    /** The tracker of an owned partition, or null. */
    public PartitionTracker get(TopicPartition tp) {
        return trackers.get(tp);
    }

    /** Stops tracking a partition (revoked or lost). */
    public void remove(TopicPartition tp) {
        trackers.remove(tp);
    }

    /** The trackers of these partitions that are owned, in the given order. */
    public List<PartitionTracker> of(Collection<TopicPartition> partitions) {
        List<PartitionTracker> out = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionTracker t = trackers.get(tp);
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    public Collection<PartitionTracker> all() {
        return Collections.unmodifiableCollection(trackers.values());
    }

    public Set<TopicPartition> partitions() {
        return Collections.unmodifiableSet(trackers.keySet());
    }

    /** Messages fully acked since the worker started. */
    public long ackCount() {
        return acks.sum();
    }
}
