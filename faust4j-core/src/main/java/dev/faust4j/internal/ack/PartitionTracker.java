package dev.faust4j.internal.ack;

import dev.faust4j.Sensor;
import dev.faust4j.spi.TopicPartition;
import org.jspecify.annotations.Nullable;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Offsets of one assigned partition: what is in flight and what may be committed.
 *
 * <p>Design (faust-semantics.md §3.6, "Java target"): messages are appended in offset order when the Conductor
 * accepts them, and popped from the head once fully acked. The committable offset is the offset of the oldest
 * message not fully acked, or, with nothing in flight, the consumer's position. So a commit never passes an
 * unfinished record whatever the order of acks, and offsets never delivered (compaction, transaction markers)
 * cannot block it: no gap bookkeeping. Its messages see the partition only through its {@link PartitionLease}.
 *
 * <p>Thread-safety: only the poll thread appends, prunes and reads the deque and {@link #committed()}; other
 * threads only ack messages (atomically), count acks and read {@link #isRevoked()}.
 */
public final class PartitionTracker {
    private final TopicPartition partition;
    private final PartitionLease lease;
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    private long committed;

    /**
     * @param partition the partition
     * @param acks      the worker's ack counter (for "commit every N acks"), incremented once per fully acked message
     * @param committed the committed offset when tracking starts (the next offset to read), or -1 when unknown
     */
    public PartitionTracker(TopicPartition partition, LongAdder acks, long committed) {
        this(partition, acks, committed, null);
    }

    /**
     * The same, telling {@code sensor} of each fully acked message ({@link Sensor#onMessageOut}); null: nobody
     * listens.
     */
    public PartitionTracker(TopicPartition partition, LongAdder acks, long committed, @Nullable Sensor sensor) {
        this.partition = partition;
        this.lease = new PartitionLease(acks, sensor);
        this.committed = committed;
    }

    public TopicPartition partition() {
        return partition;
    }

    /** Appends a message just fetched; offsets must increase. Poll thread only. */
    public void add(Message m) {
        inFlight.addLast(m);
    }

    /** The lease its messages carry. */
    public PartitionLease lease() {
        return lease;
    }

    /** Drops fully acked messages from the head; keeps the deque as small as what is really in flight. */
    public void prune() {
        Message head;
        while ((head = inFlight.peekFirst()) != null && head.done()) {
            inFlight.pollFirst();
        }
    }

    /** The offset that may be committed now, given the consumer's position. */
    public long committable(long position) {
        prune();
        Message head = inFlight.peekFirst();
        return head == null ? position : head.offset();
    }

    /**
     * The exactly-once cut, once nothing of this partition is in readers' hands: the offset below which every record
     * was fully processed and from which none was touched, so that committing it with the open transaction neither
     * skips nor repeats an output. -1 when there is no such offset (agents reading the same records progressed
     * unevenly, or a record above an unfinished one was acked).
     */
    public long cut(long position) {
        prune();
        Message head = inFlight.peekFirst();
        if (head == null) {
            return position;
        }
        for (Message m : inFlight) {
            if (!m.untouched()) {
                return -1;
            }
        }
        return head.offset();
    }

    /** The oldest offset still in flight, or -1 when nothing is. */
    public long oldestInFlight() {
        prune();
        Message head = inFlight.peekFirst();
        return head == null ? -1 : head.offset();
    }

    /** The oldest offset with a delivery in a reader's hands, not finished yet, or -1 when there is none. */
    public long oldestBusy() {
        for (Message m : inFlight) {
            if (m.busy()) {
                return m.offset();
            }
        }
        return -1;
    }

    /** True when no delivery of this partition is in a reader's hands (being processed). */
    public boolean idle() {
        return oldestBusy() < 0;
    }

    public int inFlightCount() {
        return inFlight.size();
    }

    /** Last committed offset (next offset to read), or -1 when unknown. */
    public long committed() {
        return committed;
    }

    /** Records a successful commit; only moves forward. */
    public void committed(long offset) {
        if (offset > committed) {
            committed = offset;
        }
    }

    /** True once the partition is revoked or the worker stops: its buffered events are dropped, not processed. */
    public boolean isRevoked() {
        return lease.isRevoked();
    }

    public void revoke() {
        lease.revoke();
    }
}
