package dev.faust4j.internal.buffer;

import dev.faust4j.internal.event.EventImpl;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The events of a key-ordered agent waiting for their key's turn: one {@link Lane} per topic, partition and key
 * (the key's bytes as they came from the broker, so nothing is decoded to find its lane).
 *
 * <p>Design. A lane holds its key's events in offset order and is <em>busy</em> while one of them is with a
 * reader; the dispatcher hands out only the head of a lane that is not busy, so one key's events are processed one
 * at a time, in order, by whichever instance is free. Lanes exist only while they hold or process an event; a lane
 * left empty and idle is forgotten and kept in a small pool for the next key, and the map is searched with one
 * reusable probe key, so a record costs no allocation once the key's lane exists.
 *
 * <p>Thread-safety: not thread-safe; guarded by its dispatcher's lock.
 */
final class KeyLanes {
    private static final int POOL = 1024;

    private final Owner owner;
    private final Map<LaneKey, Lane> lanes = new HashMap<>();
    private final LaneKey probe = new LaneKey();
    private final ArrayDeque<Lane> pool = new ArrayDeque<>();

    KeyLanes(Owner owner) {
        this.owner = owner;
    }

    /**
     * Queues {@code event} (whose record has the key {@code key}) in its key's lane. Returns the lane when it has
     * just become ready (it was empty and not busy: the caller makes it ready), else null.
     */
    Lane offer(EventImpl<?, ?> event, byte[] key) {
        probe.set(event.topic(), event.partition(), key);
        Lane lane = lanes.get(probe);
        if (lane == null) {
            lane = pool.isEmpty() ? new Lane(owner) : pool.pop();
            lane.key = new LaneKey();
            lane.key.set(probe.topic, probe.partition, key);
            lanes.put(lane.key, lane);
        }
        probe.key = null;
        lane.events.addLast(event);
        return lane.events.size() == 1 && !lane.busy ? lane : null;
    }

    /** The lane is neither busy nor holds an event: forget its key. */
    void retire(Lane lane) {
        lanes.remove(lane.key);
        lane.key = null;
        if (pool.size() < POOL) {
            pool.push(lane);
        }
    }

    /** The number of keys with a lane (queued or in a reader's hands). */
    int size() {
        return lanes.size();
    }

    /** Every lane, for dropping what was queued (rebalance, close). */
    Iterable<Lane> all() {
        return lanes.values();
    }

    /** Where the turns of the lanes' events end: the dispatcher. */
    interface Owner {
        /** The reader is done with the head event of {@code lane}. */
        void laneDone(Lane lane);

        /** The reader gives the head event of {@code lane} back unprocessed. */
        void laneAgain(Lane lane, EventImpl<?, ?> event);
    }

    /** One key's events in offset order; busy while one of them is with a reader. Its turns end at the owner. */
    static final class Lane implements EventImpl.Turn {
        private final Owner owner;
        final ArrayDeque<EventImpl<?, ?>> events = new ArrayDeque<>(4);
        LaneKey key;
        boolean busy;

        private Lane(Owner owner) {
            this.owner = owner;
        }

        @Override
        public void done(EventImpl<?, ?> event) {
            owner.laneDone(this);
        }

        @Override
        public void again(EventImpl<?, ?> event) {
            owner.laneAgain(this, event);
        }
    }

    /** Topic, partition and key bytes; mutable only as the map's probe. */
    static final class LaneKey {
        String topic;
        int partition;
        byte[] key;
        int hash;

        void set(String t, int p, byte[] k) {
            topic = t;
            partition = p;
            key = k;
            hash = (31 * t.hashCode() + p) * 31 + Arrays.hashCode(k);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LaneKey other && hash == other.hash && partition == other.partition
                    && topic.equals(other.topic) && Arrays.equals(key, other.key);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
