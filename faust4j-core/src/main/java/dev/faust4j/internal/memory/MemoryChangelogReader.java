package dev.faust4j.internal.memory;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The memory transport's {@link ChangelogReader}: reads chosen partitions of the in-memory broker from chosen
 * offsets, outside any group.
 *
 * <p>Design. It keeps a position per assigned partition and reads the broker's logs directly, as
 * {@link MemoryConsumer} does, up to the log's size or, when reading committed records, its last stable offset;
 * gaps (records of aborted transactions) are skipped and the position moves past them. A poll with nothing to read
 * waits on the broker's condition, which every append and {@link #wakeup()} signal. The memory broker keeps every
 * record, so the beginning offset is always 0.
 *
 * <p>Thread-safety: not thread-safe (one reader thread), except {@link #wakeup()}.
 */
final class MemoryChangelogReader implements ChangelogReader {
    private static final int MAX_POLL_RECORDS = 10_000;

    private final MemoryBroker broker;
    private final boolean readCommitted;
    private final Map<TopicPartition, Long> positions = new LinkedHashMap<>();
    private volatile boolean wakeup;
    private volatile boolean closed;

    MemoryChangelogReader(MemoryBroker broker, boolean readCommitted) {
        this.broker = broker;
        this.readCommitted = readCommitted;
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> kept = new HashMap<>(positions);
        positions.clear();
        for (TopicPartition tp : partitions) {
            log(tp); // fails for a partition that does not exist
            positions.put(tp, kept.getOrDefault(tp, 0L));
        }
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.copyOf(positions.keySet());
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (!positions.containsKey(partition)) {
            throw new IllegalStateException("cannot seek " + partition + ": it is not assigned to this reader");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset + " for " + partition);
        }
        positions.put(partition, offset);
    }

    @Override
    public long position(TopicPartition partition) {
        Long p = positions.get(partition);
        if (p == null) {
            throw new IllegalStateException("cannot read the position of " + partition + ": it is not assigned");
        }
        return p;
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            log(tp);
            out.put(tp, 0L);
        }
        return out;
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            out.put(tp, (long) end(log(tp)));
        }
        return out;
    }

    @Override
    public List<PartitionRecords> poll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
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
                if (hasData()) {
                    continue;
                }
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return List.of();
                }
                broker.changed.await(remaining, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            } finally {
                broker.lock.unlock();
            }
        }
    }

    private boolean hasData() {
        for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
            if (end(log(e.getKey())) > e.getValue()) {
                return true;
            }
        }
        return false;
    }

    private List<PartitionRecords> fetch() {
        List<PartitionRecords> out = new ArrayList<>();
        int budget = MAX_POLL_RECORDS;
        for (Map.Entry<TopicPartition, Long> e : positions.entrySet()) {
            if (budget <= 0) {
                break;
            }
            MemoryBroker.Log log = log(e.getKey());
            int end = end(log);
            ConsumedRecord[] records = log.records; // read after the end: every record below it is published
            int from = (int) Math.min(e.getValue(), Integer.MAX_VALUE);
            if (from >= end) {
                continue;
            }
            int to = Math.min(end, from + budget);
            budget -= to - from;
            e.setValue((long) to); // past the gaps too: a tail of aborted records still completes
            List<ConsumedRecord> batch = new ArrayList<>(to - from);
            for (ConsumedRecord r : Arrays.asList(records).subList(from, to)) {
                if (r != null) {
                    batch.add(r);
                }
            }
            if (!batch.isEmpty()) {
                out.add(new PartitionRecords(e.getKey(), batch));
            }
        }
        return out;
    }

    private int end(MemoryBroker.Log log) {
        return readCommitted ? log.stable : log.size;
    }

    private MemoryBroker.Log log(TopicPartition tp) {
        MemoryBroker.Log[] logs = broker.topic(tp.topic());
        if (logs == null || tp.partition() < 0 || tp.partition() >= logs.length) {
            throw new IllegalArgumentException("no such partition on this memory broker: " + tp);
        }
        return logs[tp.partition()];
    }

    @Override
    public void wakeup() {
        wakeup = true;
        broker.signalAll();
    }

    @Override
    public void close() {
        closed = true;
        wakeup();
    }
}
