package dev.faust4j.internal;

import dev.faust4j.spi.ConsumedRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One consumed record and the bookkeeping of its deliveries (Faust's {@code Message} with its refcount).
 *
 * <p>Design: the Conductor delivers a message to n subscriptions. One {@code long} holds two counters so that
 * each change is a single atomic add: the high half counts deliveries not yet acked (the refcount: the offset
 * is committable when it reaches 0), the low half counts deliveries not yet finished, acked or dropped (a
 * revoke or stop waits for it to reach 0). Each delivery ({@link EventImpl}) acks or drops at most once, so
 * the final ack runs exactly once however many threads ack.
 */
final class Message {
    private static final VarHandle STATE;
    private static final long ACK = (1L << 32) + 1;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Message.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final ConsumedRecord record;
    final PartitionTracker tracker;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;

    Message(ConsumedRecord record, PartitionTracker tracker, int deliveries) {
        this.record = record;
        this.tracker = tracker;
        this.state = ((long) deliveries << 32) | deliveries;
    }

    long offset() {
        return record.offset();
    }

    /** One delivery acked. Returns true when this was the last reference. */
    boolean ack() {
        long before = (long) STATE.getAndAdd(this, -ACK);
        if ((before >>> 32) == 1) {
            tracker.acks.increment();
            return true;
        }
        return false;
    }

    /** One delivery abandoned without ack (revoked, stopped, or failed with the fail policy). */
    void drop() {
        STATE.getAndAdd(this, -1L);
    }

    /** All deliveries acked: the offset may be committed. */
    boolean done() {
        return ((long) STATE.getVolatile(this) >>> 32) == 0;
    }

    /** No delivery is still being processed. */
    boolean settled() {
        return ((long) STATE.getVolatile(this) & 0xffffffffL) == 0;
    }
}
