package dev.faust4j.internal.memory;

import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.GroupMetadata;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransactionFencedException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * An in-process "cluster": partitioned, append-only topic logs and consumer groups with committed offsets.
 *
 * <p>Design: one broker per name ({@code memory://} is the unnamed one) lives for the JVM. Appends and group
 * changes take the broker lock; reads do not: a partition publishes its array before its volatile size, so a
 * reader that reads the size first always sees the records below it. Consumers waiting for data wait on one
 * condition signalled by every append. Group membership mirrors Kafka's semantics closely enough for the
 * Conductor to run the same code path: a partition has at most one owner, a member gives up partitions in
 * {@code onPartitionsRevoked} (where it may still commit) before another member acquires them.
 *
 * <p>Transactions follow Kafka's model: a transactional record is appended (it has its offset at once) but each log
 * keeps a last stable offset below its oldest open transaction, and read_committed readers read only up to it. A
 * commit publishes the transaction's records and its group offsets under one lock; an abort turns its records into
 * gaps. A new producer with the same transactional id bumps the id's epoch: the old producer is fenced and its open
 * transaction aborted.
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
        /**
         * The last stable offset: every record below it is committed or aborted (aborted ones are null, a gap, as
         * Kafka's read_committed consumers see it). Published after the records and gaps below it.
         */
        volatile int stable;
        /** Open transactions that wrote here, with their first offset here. Guarded by the broker lock. */
        final Map<Transaction, Integer> open = new HashMap<>();

        /** Recomputes {@link #stable}; broker lock held. */
        void restabilize() {
            if (open.isEmpty()) {
                stable = size; // the usual case: no transaction (no iterator on the append path)
                return;
            }
            int s = size;
            for (int first : open.values()) {
                s = Math.min(s, first);
            }
            stable = s;
        }
    }

    /**
     * One open transaction of a transactional producer: what it wrote where, so that a commit can publish it and an
     * abort can discard it. Guarded by the broker lock.
     */
    static final class Transaction {
        final String transactionalId;
        final int epoch;
        final Map<Log, List<Integer>> written = new HashMap<>();

        Transaction(String transactionalId, int epoch) {
            this.transactionalId = transactionalId;
            this.epoch = epoch;
        }
    }

    /** True once some transaction was aborted: readers then skip the gaps it left. */
    volatile boolean gaps;
    /** Producer epochs by transactional id: a new producer with the same id fences the old one. */
    private final Map<String, Integer> epochs = new HashMap<>();
    /** The open transaction of each transactional id's current producer. */
    private final Map<String, Transaction> openByTransactionalId = new HashMap<>();

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
        return append(topic, partition, timestamp, key, value, headers, null);
    }

    /** Appends a record, inside {@code txn} when not null (then invisible to read_committed readers until it commits). */
    long append(String topic, int partition, long timestamp, byte[] key, byte[] value,
                List<dev.faust4j.Header> headers, @Nullable Transaction txn) {
        Log log = topics.get(topic).partitions[partition];
        lock.lock();
        try {
            if (txn != null) {
                checkEpoch(txn);
            }
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
            if (txn != null) {
                log.open.putIfAbsent(txn, offset);
                txn.written.computeIfAbsent(log, l -> new ArrayList<>()).add(offset);
            }
            log.restabilize();
            changed.signalAll();
            return offset;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Registers a new producer for {@code transactionalId}: its epoch goes up, which fences the previous producer
     * with that id, and the previous producer's open transaction is aborted. Returns its first transaction.
     */
    Transaction initTransactions(String transactionalId) {
        lock.lock();
        try {
            Transaction old = openByTransactionalId.remove(transactionalId);
            if (old != null) {
                discard(old);
            }
            int epoch = epochs.merge(transactionalId, 1, Integer::sum);
            Transaction txn = new Transaction(transactionalId, epoch);
            openByTransactionalId.put(transactionalId, txn);
            return txn;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Commits {@code txn}: its records become visible to read_committed readers and the group's offsets move, both
     * at once, or (fenced, or a partition not owned by that member) neither. Returns the next transaction.
     */
    Transaction commitTransaction(Transaction txn, Map<TopicPartition, Long> offsets, GroupMetadata member) {
        lock.lock();
        try {
            checkEpoch(txn);
            Group g = group(member.groupId());
            for (TopicPartition tp : offsets.keySet()) {
                Member owner = g.owners.get(tp);
                if (owner == null || !owner.memberId().equals(member.memberId())) {
                    throw new TransactionFencedException("the offsets of " + tp + " cannot be committed: member "
                            + member.memberId() + " no longer owns the partition in group " + g.id, null);
                }
            }
            g.committed.putAll(offsets);
            for (Log log : txn.written.keySet()) {
                log.open.remove(txn);
                log.restabilize();
            }
            changed.signalAll();
            return next(txn);
        } finally {
            lock.unlock();
        }
    }

    /** Aborts {@code txn}: its records become gaps nobody reading committed records ever sees. Returns the next one. */
    Transaction abortTransaction(Transaction txn) {
        lock.lock();
        try {
            checkEpoch(txn);
            discard(txn);
            return next(txn);
        } finally {
            lock.unlock();
        }
    }

    private Transaction next(Transaction txn) {
        Transaction n = new Transaction(txn.transactionalId, txn.epoch);
        openByTransactionalId.put(txn.transactionalId, n);
        return n;
    }

    private void discard(Transaction txn) {
        txn.written.forEach((log, offsets) -> {
            ConsumedRecord[] arr = log.records;
            for (int offset : offsets) {
                arr[offset] = null;
            }
            log.open.remove(txn);
            log.restabilize();
        });
        if (!txn.written.isEmpty()) {
            gaps = true;
        }
        txn.written.clear();
        changed.signalAll();
    }

    private void checkEpoch(Transaction txn) {
        Integer current = epochs.get(txn.transactionalId);
        if (current == null || current != txn.epoch) {
            throw new TransactionFencedException("the producer with transactional id " + txn.transactionalId
                    + " was fenced: a newer producer with the same id started", null);
        }
    }

    /** Wakes every reader waiting for data (a consumer's or reader's wakeup or close). */
    void signalAll() {
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The end offsets (stable ones when {@code readCommitted}) of these partitions; unknown ones are absent. */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, boolean readCommitted) {
        Map<TopicPartition, Long> out = new HashMap<>();
        lock.lock();
        try {
            for (TopicPartition tp : partitions) {
                Log[] logs = topic(tp.topic());
                if (logs != null && tp.partition() < logs.length) {
                    out.put(tp, readCommitted ? stableOffset(tp) : endOffset(tp));
                }
            }
        } finally {
            lock.unlock();
        }
        return out;
    }

    long endOffset(TopicPartition tp) {
        Log[] logs = topic(tp.topic());
        return logs == null ? 0 : logs[tp.partition()].size;
    }

    /** The last stable offset of a partition: the end of what read_committed readers may read. */
    long stableOffset(TopicPartition tp) {
        Log[] logs = topic(tp.topic());
        return logs == null ? 0 : logs[tp.partition()].stable;
    }

    Group group(String id) {
        return groups.computeIfAbsent(id, Group::new);
    }

    /** A member of a consumer group, as the broker sees it: what it subscribes to, and its new target. */
    interface Member {
        List<String> subscribedTopics();

        /** The id the member is known by (checked when a transaction commits its offsets). */
        String memberId();

        /** How many standby replicas of each partition number this member's app wants ({@code tableStandbyReplicas}). */
        int standbyReplicas();

        /**
         * The directory holding this member's table stores on disk ({@code rocksdb://}), or null: members sharing it
         * never keep standbys of each other's partitions (one store per partition there).
         */
        @Nullable
        String stateDir();

        /**
         * The partitions this member should own from generation {@code generation} on, and the partition numbers it
         * keeps standby replicas of.
         */
        void setTarget(List<TopicPartition> partitions, Set<Integer> standbys, int generation);
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

        /**
         * Recomputes every member's target: the partitions of each topic dealt round-robin over its subscribers (so
         * partitions of one number go together when the members subscribe to the same topics), and the standbys of
         * number {@code p} on the members after its owner, {@code p + 1}, {@code p + 2}, ..., skipping those that
         * share its owner's state directory (Kafka: the assignor).
         */
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
            int numbers = 0;
            for (Map.Entry<String, List<Member>> e : byTopic.entrySet()) {
                Topic t = topics.get(e.getKey());
                if (t == null) {
                    continue;
                }
                List<Member> subs = e.getValue();
                numbers = Math.max(numbers, t.partitions.length);
                for (int p = 0; p < t.partitions.length; p++) {
                    targets.get(subs.get(p % subs.size())).add(new TopicPartition(e.getKey(), p));
                }
            }
            Map<Member, Set<Integer>> standbys = new HashMap<>();
            int n = members.size();
            int replicas = Math.min(n - 1, members.stream().mapToInt(Member::standbyReplicas).max().orElse(0));
            for (int p = 0; p < numbers; p++) {
                String ownerDir = members.get(p % n).stateDir();
                int placed = 0;
                for (int k = 1; k < n && placed < replicas; k++) {
                    Member m = members.get((p + k) % n);
                    if (ownerDir == null || !ownerDir.equals(m.stateDir())) {
                        standbys.computeIfAbsent(m, x -> new TreeSet<>()).add(p);
                        placed++;
                    }
                }
            }
            for (Member m : members) {
                m.setTarget(targets.get(m), standbys.getOrDefault(m, Set.of()), generation);
            }
            changed.signalAll();
        }
    }
}
