package dev.faust4j.internal;

import dev.faust4j.spi.TopicPartition;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Offsets of one assigned partition: what is in flight and what may be committed.
 *
 * <p>Design (faust-semantics.md §3.6, "Java target"): messages are appended in offset order when the Conductor
 * accepts them, and popped from the head once fully acked. The committable offset is the offset of the oldest
 * message not fully acked, or, with nothing in flight, the consumer's position. So a commit never passes an
 * unfinished record whatever the order of acks, and offsets never delivered (compaction, transaction markers)
 * cannot block it: no gap bookkeeping. Only the poll thread touches the deque; other threads only ack messages
 * (atomically) and read {@link #revoked}.
 */
final class PartitionTracker {
    final TopicPartition partition;
    final LongAdder acks;
    private final ArrayDeque<Message> inFlight = new ArrayDeque<>();
    /** Last committed offset (next offset to read), or -1 when unknown. */
    long committed;
    /** Set when the partition is revoked or the worker stops: buffered events of it are dropped, not processed. */
    volatile boolean revoked;

    PartitionTracker(TopicPartition partition, LongAdder acks, long committed) {
        this.partition = partition;
        this.acks = acks;
        this.committed = committed;
    }

    void add(Message m) {
        inFlight.addLast(m);
    }

    /** Drops fully acked messages from the head; keeps the deque as small as what is really in flight. */
    void prune() {
        Message head;
        while ((head = inFlight.peekFirst()) != null && head.done()) {
            inFlight.pollFirst();
        }
    }

    /** The offset that may be committed now, given the consumer's position. */
    long committable(long position) {
        prune();
        Message head = inFlight.peekFirst();
        return head == null ? position : head.offset();
    }

    /** The oldest offset still in flight, or -1. */
    long oldestInFlight() {
        prune();
        Message head = inFlight.peekFirst();
        return head == null ? -1 : head.offset();
    }

    /** True when no delivery of this partition is still being processed (all acked or dropped). */
    boolean settled() {
        for (Message m : inFlight) {
            if (!m.settled()) {
                return false;
            }
        }
        return true;
    }

    int inFlightCount() {
        return inFlight.size();
    }
}
