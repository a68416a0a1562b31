package dev.faust4j.internal.ack;

import dev.faust4j.spi.ConsumedRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One consumed record and the bookkeeping of its deliveries (Faust's {@code Message} with its reference count).
 *
 * <p>Design: the Conductor delivers a message to n subscriptions. One {@code long} holds three 21-bit counters (and, in
 * its top bit, whether the record caused a send: an exactly-once cut never falls below it) so
 * that each change is a single atomic add: deliveries not yet acked (the reference count: the offset is
 * committable when it reaches 0), deliveries not yet finished, acked or dropped, and deliveries handed out to a
 * reader and not yet finished (a revoke or stop waits for that one to reach 0: events merely read ahead by a busy
 * reader are not waited for, they are dropped unprocessed when it gets to them). Each delivery acks or drops at
 * most once (its own state machine guarantees it), so the final ack runs exactly once however many threads ack.
 *
 * <p>Thread-safety: {@link #ack(boolean)} and {@link #drop(boolean)} may be called from any thread; the rest is immutable.
 */
public final class Message {
    private static final VarHandle STATE;
    /** Most deliveries one message can have (21-bit counters). */
    public static final int MAX_DELIVERIES = (1 << 21) - 1;
    private static final long MASK = MAX_DELIVERIES;
    private static final long REF = 1L << 42;
    private static final long UNFINISHED = 1L << 21;
    private static final long IN_HAND = 1L;
    /** The top bit: a delivery started a send because of this record (set once, never cleared). */
    private static final long CAUSED = Long.MIN_VALUE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Message.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ConsumedRecord record;
    private final PartitionLease lease;
    private final int deliveries; // fits the object's padding: a message stays 32 bytes
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;

    /** A message of the partition held by {@code lease}, delivered to {@code deliveries} subscriptions (at least 1). */
    public Message(ConsumedRecord record, PartitionLease lease, int deliveries) {
        if (deliveries < 1 || deliveries > MAX_DELIVERIES) {
            throw new IllegalArgumentException(
                    "a message needs 1 to " + MAX_DELIVERIES + " deliveries, got " + deliveries);
        }
        this.record = record;
        this.lease = lease;
        this.deliveries = deliveries;
        this.state = deliveries * REF + deliveries * UNFINISHED;
    }

    public ConsumedRecord record() {
        return record;
    }

    /** The partition's lease: revoked or not. */
    public PartitionLease lease() {
        return lease;
    }

    public long offset() {
        return record.offset();
    }

    /**
     * One delivery was handed out to a reader: a revoke or stop now waits for it. The caller checks afterwards
     * whether the partition was revoked meanwhile (the add is a full barrier, so either it sees the revoke, or the
     * waiting thread sees this delivery).
     */
    public void handOut() {
        STATE.getAndAdd(this, IN_HAND);
    }

    /** A delivery handed out goes back to its buffer unprocessed (redelivered): nothing waits for it any more. */
    public void takeBack() {
        STATE.getAndAdd(this, -IN_HAND);
    }

    /**
     * One delivery acked ({@code handedOut}: it was handed out to a reader). Returns true when this was the last
     * reference: the offset may now be committed.
     */
    public boolean ack(boolean handedOut) {
        long before = (long) STATE.getAndAdd(this, -(REF + UNFINISHED + (handedOut ? IN_HAND : 0)));
        if (((before >>> 42) & MASK) == 1) {
            lease.acked(record);
            return true;
        }
        return false;
    }

    /** One delivery abandoned without ack (revoked, stopped, or failed): its offset stays uncommitted. */
    public void drop(boolean handedOut) {
        STATE.getAndAdd(this, -(UNFINISHED + (handedOut ? IN_HAND : 0)));
    }

    /** Every delivery acked: the offset may be committed. */
    public boolean done() {
        return (((long) STATE.getVolatile(this) >>> 42) & MASK) == 0;
    }

    /** No delivery is still being processed or waiting to be (each one acked or dropped). */
    public boolean settled() {
        return (((long) STATE.getVolatile(this) >>> 21) & MASK) == 0;
    }

    /** True once a delivery started a send because of this record. */
    public boolean hasCaused() {
        return ((long) STATE.getVolatile(this) & CAUSED) != 0;
    }

    /** A delivery started a send because of this record. */
    public void caused() {
        if (!hasCaused()) { // one atomic or per record at most: later sends only read
            STATE.getAndBitwiseOr(this, CAUSED);
        }
    }

    /**
     * No delivery was acked and none sent anything: nothing was done because of this record (a delivery dropped
     * before any send did nothing).
     */
    public boolean untouched() {
        long s = (long) STATE.getVolatile(this);
        return ((s >>> 42) & MASK) == deliveries && (s & CAUSED) == 0;
    }

    /** Some delivery is in a reader's hands, not yet finished: a revoke or stop waits for it. */
    public boolean busy() {
        return ((long) STATE.getVolatile(this) & MASK) != 0;
    }
}
