package dev.faust4j.internal.flow;

import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.sensor.Partitions;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which partitions are paused, and why: memory bounded by configuration, never by backlog.
 *
 * <p>Design. A subscription whose buffer reaches its high mark pauses the partitions of its topics, and only those,
 * until its readers drain it to its low mark (the buffer then calls back, see {@link Subscription#watchLow}); the
 * poll loop keeps polling, so the member is never evicted. While sends are being retried (a broker outage) every
 * partition is paused: nothing new is fetched until the outputs of what is in hand are delivered; so it is while an
 * exactly-once commit waits for the agents ({@link #hold}), and while the tables hold too many updates waiting for a
 * commit ({@link #stateFull}); and a partition whose tables are being restored off the
 * poll thread is paused until they are ({@link #restoring}); and a partition a subscription's reader asks to pause on
 * its own ({@link Subscription#congested}: an isolated partition whose inbox is full) is paused alone. The wanted set
 * is recomputed from these two causes and applied as a difference, and re-applied after every rebalance (Kafka
 * forgets pauses of reassigned partitions).
 *
 * <p>Thread-safety: poll thread only.
 */
public final class FlowControl {
    private final TransportConsumer consumer;
    private final Assignment assignment;
    private final Map<Subscription, Set<String>> topicsOf = new HashMap<>();
    private final Set<Subscription> full = new HashSet<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final Set<TopicPartition> restoring = new HashSet<>();
    private boolean outage;
    private boolean held;
    private boolean stateFull;
    private final Sensors sensors;

    public FlowControl(TransportConsumer consumer, Assignment assignment, Sensors sensors) {
        this.sensors = sensors;
        this.consumer = consumer;
        this.assignment = assignment;
    }

    /** Starts watching a subscription that reads these topics. */
    public void track(Subscription sub, Collection<String> topics) {
        topicsOf.computeIfAbsent(sub, s -> new HashSet<>()).addAll(topics);
    }

    /** A subscription received events and now holds {@code size}: pause its partitions at the high mark. */
    public void filled(Subscription sub, int size) {
        if (size >= sub.high() && full.add(sub)) {
            sub.watchLow(true);
            apply();
        }
    }

    /** Resumes the partitions of subscriptions drained to their low mark. */
    public void resumeDrained() {
        boolean changed = false;
        for (Subscription sub : topicsOf.keySet()) {
            changed |= sub.takeCongestionChange(); // a partition paused or resumed on its own
        }
        if (full.isEmpty()) {
            if (changed) {
                apply();
            }
            return;
        }
        for (Subscription sub : List.copyOf(full)) {
            if (sub.level() <= sub.low() || sub.isClosed()) {
                full.remove(sub);
                sub.watchLow(false);
                changed = true;
            }
        }
        if (changed) {
            apply();
        }
    }

    /** Pauses every partition while sends are retried, resumes when they go through. */
    public void outage(boolean on) {
        if (on != outage) {
            outage = on;
            apply();
        }
    }

    /** Pauses every partition while an exactly-once commit waits for the agents to finish what was fetched. */
    public void hold(boolean on) {
        if (on != held) {
            held = on;
            apply();
        }
    }

    /** These assigned partitions wait for their tables to be restored: paused until {@link #restored}. */
    public void restoring(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty() && restoring.addAll(partitions)) {
            apply();
        }
    }

    /** The partitions waiting for their tables (none most of the time). */
    public Set<TopicPartition> restoring() {
        return restoring;
    }

    /** These partitions' tables are restored: they resume unless paused for another cause. */
    public void restored(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty() && restoring.removeAll(partitions)) {
            apply();
        }
    }

    /** Pauses every partition while the tables hold too many updates waiting for a commit. */
    public void stateFull(boolean on) {
        if (on != stateFull) {
            stateFull = on;
            apply();
        }
    }

    /** Partitions left the assignment: they are no longer paused. */
    public void forget(Collection<TopicPartition> partitions) {
        paused.removeAll(partitions);
        restoring.removeAll(partitions);
    }

    /** How many partitions are paused now. */
    public int pausedCount() {
        return paused.size();
    }

    /** Recomputes the paused set and applies the difference (also after a rebalance). */
    public void apply() {
        Set<TopicPartition> want = new HashSet<>();
        if (outage || held || stateFull) {
            want.addAll(assignment.partitions());
        } else if (!full.isEmpty()) {
            Set<String> topics = new HashSet<>();
            for (Subscription sub : full) {
                topics.addAll(topicsOf.getOrDefault(sub, Set.of()));
            }
            for (TopicPartition tp : assignment.partitions()) {
                if (topics.contains(tp.topic())) {
                    want.add(tp);
                }
            }
        }
        want.addAll(restoring);
        for (Subscription sub : topicsOf.keySet()) {
            for (TopicPartition tp : sub.congested()) {
                if (assignment.partitions().contains(tp)) {
                    want.add(tp);
                }
            }
        }
        List<TopicPartition> toPause = new ArrayList<>();
        for (TopicPartition tp : want) {
            if (paused.add(tp)) {
                toPause.add(tp);
            }
        }
        List<TopicPartition> toResume = new ArrayList<>();
        for (TopicPartition tp : List.copyOf(paused)) {
            if (!want.contains(tp)) {
                paused.remove(tp);
                toResume.add(tp);
            }
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
            if (sensors.enabled()) {
                sensors.onPartitionsPaused(Partitions.of(toPause));
            }
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
            if (sensors.enabled()) {
                sensors.onPartitionsResumed(Partitions.of(toResume));
            }
        }
    }
}
