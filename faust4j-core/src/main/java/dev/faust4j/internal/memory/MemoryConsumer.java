package dev.faust4j.internal.memory;

import org.jspecify.annotations.Nullable;
import dev.faust4j.spi.CommitFailedException;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.GroupMetadata;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A consumer-group member of the in-memory broker. Records are returned as views of the log's array (no copy).
 * Rebalances are applied inside {@link #poll}, on the poll thread, as Kafka does: first the revoke callback
 * for partitions leaving (the member still owns them and may commit), then the assign callback for partitions
 * whose previous owner has let go.
 */
final class MemoryConsumer implements dev.faust4j.spi.TransportConsumer, MemoryBroker.Member {

    private final MemoryBroker broker;
    private final MemoryBroker.Group group;
    private final boolean resetToLatest;
    private final int maxPollRecords;
    private final boolean readCommitted;
    private final String memberId = UUID.randomUUID().toString();
    private List<String> topics = List.of();
    private RebalanceListener listener;
    private final Map<TopicPartition, long[]> owned = new LinkedHashMap<>(); // tp -> {position}
    private final Set<TopicPartition> paused = new HashSet<>();
    private volatile List<TopicPartition> target = List.of();
    private volatile Set<Integer> standbyTarget = Set.of();
    private final int standbyReplicas;
    private final @Nullable String stateDir;
    private volatile int targetGeneration = -1;
    private int appliedGeneration = -1;
    private boolean pendingAcquire;
    private volatile boolean wakeup;
    private volatile boolean closed;
    private int rotation;

    /**
     * @param readCommitted read only up to each partition's last stable offset, skipping aborted records (Kafka's
     *                      {@code isolation.level=read_committed})
     * @param standbyReplicas the standby replicas of each partition number the app wants
     * @param stateDir        the directory of the app's table stores on disk, or null
     */
    MemoryConsumer(MemoryBroker broker, String groupId, boolean resetToLatest, int maxPollRecords,
                   boolean readCommitted, int standbyReplicas, @Nullable String stateDir) {
        this.standbyReplicas = standbyReplicas;
        this.stateDir = stateDir;
        this.broker = broker;
        this.resetToLatest = resetToLatest;
        this.maxPollRecords = maxPollRecords;
        this.readCommitted = readCommitted;
        broker.lock.lock();
        try {
            this.group = broker.group(groupId);
        } finally {
            broker.lock.unlock();
        }
    }

    @Override
    public List<String> subscribedTopics() {
        return topics;
    }

    @Override
    public int standbyReplicas() {
        return standbyReplicas;
    }

    @Override
    public @Nullable String stateDir() {
        return stateDir;
    }

    @Override
    public void setTarget(List<TopicPartition> tps, Set<Integer> standbys, int generation) {
        this.target = List.copyOf(tps);
        this.standbyTarget = Set.copyOf(standbys);
        this.targetGeneration = generation;
    }

    @Override
    public void subscribe(Collection<String> newTopics, RebalanceListener listener) {
        broker.lock.lock();
        try {
            this.topics = List.copyOf(newTopics);
            this.listener = listener;
            if (!group.members.contains(this)) {
                group.members.add(this);
            }
            group.rebalance();
        } finally {
            broker.lock.unlock();
        }
    }

    @Override
    public List<PartitionRecords> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (targetGeneration != appliedGeneration || pendingAcquire) {
                applyRebalance();
            }
            List<PartitionRecords> out = fetch();
            if (!out.isEmpty()) {
                return out;
            }
            broker.lock.lock();
            try {
                if (wakeup || closed) {
                    wakeup = false;
                    return List.of();
                }
                if (hasData() || targetGeneration != appliedGeneration) {
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return List.of();
                }
                // pendingAcquire waits for another member to release; re-check periodically
                broker.changed.await(pendingAcquire ? Math.min(remaining, 5_000_000L) : remaining,
                        TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            } finally {
                broker.lock.unlock();
            }
        }
    }

    private boolean hasData() {
        for (Map.Entry<TopicPartition, long[]> e : owned.entrySet()) {
            if (!paused.contains(e.getKey()) && visibleEnd(e.getKey()) > e.getValue()[0]) {
                return true;
            }
        }
        return false;
    }

    private long visibleEnd(TopicPartition tp) {
        return readCommitted ? broker.stableOffset(tp) : broker.endOffset(tp);
    }

    private List<PartitionRecords> fetch() {
        if (owned.isEmpty()) {
            return List.of();
        }
        List<PartitionRecords> out = null;
        int budget = maxPollRecords;
        List<Map.Entry<TopicPartition, long[]>> entries = new ArrayList<>(owned.entrySet());
        int n = entries.size();
        int start = rotation++ % n;
        for (int i = 0; i < n && budget > 0; i++) {
            Map.Entry<TopicPartition, long[]> e = entries.get((start + i) % n);
            TopicPartition tp = e.getKey();
            if (paused.contains(tp)) {
                continue;
            }
            MemoryBroker.Log log = broker.topic(tp.topic())[tp.partition()];
            int size = readCommitted ? log.stable : log.size;
            ConsumedRecord[] arr = log.records;
            long pos = e.getValue()[0];
            if (pos >= size) {
                continue;
            }
            int from = (int) pos;
            int to = (int) Math.min(size, pos + budget);
            budget -= to - from;
            e.getValue()[0] = to;
            if (out == null) {
                out = new ArrayList<>();
            }
            List<ConsumedRecord> records = Arrays.asList(arr).subList(from, to);
            if (broker.gaps) {
                records = withoutGaps(records);
                if (records.isEmpty()) {
                    continue; // only aborted records: the position moved past them
                }
            }
            out.add(new PartitionRecords(tp, records));
        }
        return out == null ? List.of() : out;
    }

    /** The records without the gaps aborted transactions left (copied only when there is a gap). */
    private static List<ConsumedRecord> withoutGaps(List<ConsumedRecord> records) {
        for (int i = 0; i < records.size(); i++) {
            if (records.get(i) == null) {
                List<ConsumedRecord> kept = new ArrayList<>(records.size());
                for (ConsumedRecord r : records) {
                    if (r != null) {
                        kept.add(r);
                    }
                }
                return kept;
            }
        }
        return records;
    }

    private void applyRebalance() {
        List<TopicPartition> tgt;
        Set<Integer> standbys;
        int gen;
        broker.lock.lock();
        try {
            tgt = target;
            standbys = standbyTarget;
            gen = targetGeneration;
        } finally {
            broker.lock.unlock();
        }
        List<TopicPartition> revoked = new ArrayList<>();
        for (TopicPartition tp : owned.keySet()) {
            if (!tgt.contains(tp)) {
                revoked.add(tp);
            }
        }
        if (!revoked.isEmpty() && listener != null) {
            listener.onPartitionsRevoked(revoked);
        }
        if (gen != appliedGeneration && listener != null) { // Kafka's order: revoked, standbys, assigned
            listener.onStandbysAssigned(standbys, Set.copyOf(tgt));
        }
        List<TopicPartition> assigned = new ArrayList<>();
        broker.lock.lock();
        try {
            for (TopicPartition tp : revoked) {
                owned.remove(tp);
                paused.remove(tp);
                group.owners.remove(tp, this);
            }
            pendingAcquire = false;
            for (TopicPartition tp : tgt) {
                if (owned.containsKey(tp)) {
                    continue;
                }
                MemoryBroker.Member owner = group.owners.get(tp);
                if (owner != null && owner != this) {
                    pendingAcquire = true;
                    continue;
                }
                group.owners.put(tp, this);
                Long committed = group.committed.get(tp);
                long pos = committed != null ? committed : (resetToLatest ? broker.endOffset(tp) : 0L);
                owned.put(tp, new long[] {pos});
                assigned.add(tp);
            }
            appliedGeneration = gen;
            broker.changed.signalAll();
        } finally {
            broker.lock.unlock();
        }
        if (!assigned.isEmpty() && listener != null) {
            listener.onPartitionsAssigned(assigned);
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(owned.keySet());
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            if (owned.containsKey(tp)) {
                paused.add(tp);
            }
        }
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        paused.removeAll(partitions);
    }

    @Override
    public long position(TopicPartition partition) {
        long[] pos = owned.get(partition);
        if (pos == null) {
            throw new IllegalStateException("partition " + partition + " is not assigned to this consumer");
        }
        return pos[0];
    }

    @Override
    public void commit(Map<TopicPartition, Long> offsets) {
        broker.lock.lock();
        try {
            for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
                if (group.owners.get(e.getKey()) != this) {
                    throw new CommitFailedException("commit for " + e.getKey()
                            + " refused: the partition is not owned by this member of group " + group.id, null);
                }
            }
            group.committed.putAll(offsets);
        } finally {
            broker.lock.unlock();
        }
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        long[] pos = owned.get(partition);
        if (pos == null) {
            throw new IllegalStateException("partition " + partition + " is not assigned to this consumer");
        }
        pos[0] = offset;
    }

    @Override
    public GroupMetadata groupMetadata() {
        return new GroupMetadata(group.id, appliedGeneration, memberId, null);
    }

    @Override
    public String memberId() {
        return memberId;
    }

    @Override
    public void wakeup() {
        wakeup = true;
        broker.signalAll();
    }

    @Override
    public void close() {
        broker.lock.lock();
        try {
            closed = true;
            group.members.remove(this);
            owned.keySet().forEach(tp -> group.owners.remove(tp, this));
            owned.clear();
            group.rebalance();
        } finally {
            broker.lock.unlock();
        }
    }

    /** For tests and lag reporting: committed offset of a partition in this group. */
    Long committed(TopicPartition tp) {
        return group.committed.get(tp);
    }
}
