package dev.faust4j.internal.memory;

import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An in-process "cluster": partitioned, append-only topic logs and consumer groups with committed offsets.
 *
 * <p>Design: one broker per name ({@code memory://} is the unnamed one) lives for the JVM. Appends and group
 * changes take the broker lock; reads do not: a partition publishes its array before its volatile size, so a
 * reader that reads the size first always sees the records below it. Consumers waiting for data wait on one
 * condition signalled by every append. Group membership mirrors Kafka's semantics closely enough for the
 * Conductor to run the same code path: a partition has at most one owner, a member gives up partitions in
 * {@code onPartitionsRevoked} (where it may still commit) before another member acquires them.
 */
final class MemoryBroker {

    private static final Map<String, MemoryBroker> BROKERS = new ConcurrentHashMap<>();

    static MemoryBroker named(String name) {
        return BROKERS.computeIfAbsent(name, n -> new MemoryBroker());
    }

    final ReentrantLock lock = new ReentrantLock();
    final Condition changed = lock.newCondition();
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Map<String, Group> groups = new HashMap<>();

    /** One partition's log. */
    static final class Log {
        volatile ConsumedRecord[] records = new ConsumedRecord[64];
        volatile int size;
    }

    Log[] topic(String name) {
        Topic t = topics.get(name);
        return t == null ? null : t.partitions;
    }

    /** A topic's partition logs. */
    private static final class Topic {
        final Log[] partitions;

        Topic(Log[] partitions) {
            this.partitions = partitions;
        }
    }

    /** Creates the topic if missing; returns its partition count. */
    int createTopic(String name, int partitions) {
        Topic t = topics.get(name);
        if (t != null) {
            return t.partitions.length;
        }
        lock.lock();
        try {
            t = topics.computeIfAbsent(name, n -> {
                Log[] logs = new Log[partitions];
                for (int i = 0; i < partitions; i++) {
                    logs[i] = new Log();
                }
                return new Topic(logs);
            });
            for (Group g : groups.values()) {
                g.rebalance();
            }
            changed.signalAll();
            return t.partitions.length;
        } finally {
            lock.unlock();
        }
    }

    int partitionCount(String name) {
        Topic t = topics.get(name);
        return t == null ? -1 : t.partitions.length;
    }

    long append(String topic, int partition, long timestamp, byte[] key, byte[] value,
                List<dev.faust4j.Header> headers) {
        Log log = topics.get(topic).partitions[partition];
        lock.lock();
        try {
            int offset = log.size;
            ConsumedRecord[] arr = log.records;
            if (offset == arr.length) {
                ConsumedRecord[] grown = new ConsumedRecord[arr.length * 2];
                System.arraycopy(arr, 0, grown, 0, arr.length);
                arr = grown;
                log.records = grown;
            }
            arr[offset] = new ConsumedRecord(topic, partition, offset, timestamp, key, value, headers);
            log.size = offset + 1;
            changed.signalAll();
            return offset;
        } finally {
            lock.unlock();
        }
    }

    long endOffset(TopicPartition tp) {
        Log[] logs = topic(tp.topic());
        return logs == null ? 0 : logs[tp.partition()].size;
    }

    Group group(String id) {
        return groups.computeIfAbsent(id, Group::new);
    }

    /** A member of a consumer group, as the broker sees it: what it subscribes to, and its new target. */
    interface Member {
        List<String> subscribedTopics();

        /** The partitions this member should own from generation {@code generation} on. */
        void setTarget(List<TopicPartition> partitions, int generation);
    }

    /** A consumer group: members, target assignment, owners and committed offsets. Guarded by the broker lock. */
    final class Group {
        final String id;
        final List<Member> members = new ArrayList<>();
        final Map<TopicPartition, Member> owners = new HashMap<>();
        final Map<TopicPartition, Long> committed = new ConcurrentHashMap<>();
        int generation;

        Group(String id) {
            this.id = id;
        }

        /** Recomputes every member's target: the partitions of each topic dealt round-robin over its subscribers. */
        void rebalance() {
            generation++;
            Map<Member, List<TopicPartition>> targets = new HashMap<>();
            for (Member m : members) {
                targets.put(m, new ArrayList<>());
            }
            Map<String, List<Member>> byTopic = new HashMap<>();
            for (Member m : members) {
                for (String t : m.subscribedTopics()) {
                    byTopic.computeIfAbsent(t, k -> new ArrayList<>()).add(m);
                }
            }
            byTopic.forEach((topicName, subs) -> {
                Topic t = topics.get(topicName);
                if (t == null) {
                    return;
                }
                for (int p = 0; p < t.partitions.length; p++) {
                    targets.get(subs.get(p % subs.size())).add(new TopicPartition(topicName, p));
                }
            });
            for (Member m : members) {
                m.setTarget(targets.get(m), generation);
            }
            changed.signalAll();
        }
    }
}
