package dev.faust4j.internal.event;

import dev.faust4j.Event;
import dev.faust4j.Header;
import dev.faust4j.internal.ack.Message;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.ProducedRecord;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One delivery of a message to one subscription (or one value sent on a channel).
 *
 * <p>Design. Its state is one {@code long} changed by compare-and-set: flags (handed out, ack requested, done,
 * dropped, failed) and, in the low 32 bits, the number of sends it caused that are still in flight. A delivery finishes
 * once: <em>done</em> (its message is acked, so the offset may be committed) when its reader acked it and every
 * send it caused was durably accepted; <em>dropped</em> (the message is released without ack, the offset stays
 * uncommitted) when it was revoked, stopped or failed. So each delivery acks at most once whatever thread acks,
 * and a record whose send failed is never committed behind the policy's back.
 *
 * <p>It carries its {@link Route}: a delivery handed over undecoded is decoded by the thread that takes it,
 * and reports its own decode and send failures, without any call back into the poll thread's classes.
 *
 * <p>Thread-safety: {@link #ack()}, {@link #drop()} and the send counters may be called from any thread; decoding
 * and the reader's fields ({@link #yielded}, {@link #attempts}) belong to the thread that took it.
 */
public final class EventImpl<K, V> implements Event<K, V> {
    private static final VarHandle STATE;
    private static final long ACK_REQUESTED = 1L << 62;
    private static final long DONE = 1L << 61;
    private static final long DROPPED = 1L << 60;
    private static final long FAILED = 1L << 59;
    private static final long HANDED_OUT = 1L << 58;
    private static final long PENDING = 0xffffffffL;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(EventImpl.class, "state", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Message message; // null for channel events
    private final Route route;
    private K key;
    private V value;
    private boolean decoded;
    private Object yielded;
    private int attempts;
    /** Taken back and handed out again: a reader that had it may still ack it. Written before it is redelivered. */
    private boolean redelivered;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;
    /** Set while a dispatcher waits to hear that the reader is done with it (reader thread only), else null. */
    private Turn turn;
    /** Set only while a sensor listens: reports this event out when it is acked. */
    private StreamProbe probe;
    private long probedAt;

    /** A delivery whose key and value are already decoded (or a channel value, with a null message). */
    public EventImpl(Message message, Route route, K key, V value) {
        this.message = message;
        this.route = route;
        this.key = key;
        this.value = value;
        this.decoded = true;
    }

    /** A delivery to be decoded by the thread that takes it ({@link #decode()}). */
    public EventImpl(Message message, Route route) {
        this.message = message;
        this.route = route;
    }

    /**
     * Decodes a delivery handed over undecoded, on the thread that takes it. Returns false when it cannot be
     * decoded: the topic's decode policy has then been applied (acked, dead-lettered or dropped) and it must be
     * skipped.
     */
    @SuppressWarnings("unchecked")
    public boolean decode() {
        if (decoded) {
            return true;
        }
        decoded = true;
        ConsumedRecord r = message.record();
        try {
            key = (K) route.decodeKey(r);
            value = (V) route.decodeValue(r);
            return true;
        } catch (RuntimeException e) {
            route.decodeFailed(this, e);
            return false;
        }
    }

    public Route route() {
        return route;
    }

    /** The message behind this delivery, or null for a channel value. */
    public Message message() {
        return message;
    }

    /** The record behind this delivery, or null for a channel value. */
    public ConsumedRecord record() {
        return message == null ? null : message.record();
    }

    /**
     * The reader hands this event out (to the agent): a revoke or stop now waits for it to finish. Returns false,
     * counting nothing, when it is already finished (a redelivered event whose failed send was settled meanwhile):
     * it must then be skipped. Check {@link #stale()} after this call: the message's counter is raised first (a full
     * barrier), so either a revoke waits for this event or this thread sees the revoke.
     */
    public boolean handOut() {
        if (message != null) {
            message.handOut();
        }
        while (true) {
            long s = state;
            if ((s & (DONE | DROPPED)) != 0) {
                if (message != null) {
                    message.takeBack();
                }
                return false;
            }
            if ((s & PENDING) == 0 && !redelivered) {
                // first hand-out with no send in flight: nothing else can change the state now (it is in no buffer
                // and no user code has seen it), so a release store is enough, and cheaper than a CAS
                STATE.setRelease(this, s | HANDED_OUT);
                return true;
            }
            if (STATE.compareAndSet(this, s, s | HANDED_OUT)) {
                return true;
            }
        }
    }

    /**
     * The reader gives the event back unprocessed (to be handed out again): nothing waits for it meanwhile. Does
     * nothing when it is finished (whoever finished it released it) or was not handed out.
     */
    public void takeBack() {
        while (true) {
            long s = state;
            if ((s & HANDED_OUT) == 0 || (s & (DONE | DROPPED)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s & ~HANDED_OUT)) {
                redelivered = true;
                if (message != null) {
                    message.takeBack();
                }
                return;
            }
        }
    }

    /**
     * A sensor listens: report this event as handed to {@code p}'s reader now, and as out with the time in between
     * when it is acked. Called by the reader's thread.
     */
    public void observe(StreamProbe p) {
        probe = p;
        probedAt = System.nanoTime();
        if (message != null) {
            p.in(message.record());
        } else {
            p.inChannel();
        }
    }

    /** True when the partition of this event was revoked or the worker is stopping: do not process it. */
    public boolean stale() {
        return message != null && message.lease().isRevoked();
    }

    // ---- acks ----

    @Override
    public boolean ack() {
        while (true) {
            long s = state;
            if ((s & (ACK_REQUESTED | DROPPED)) != 0) {
                return false;
            }
            boolean complete = (s & PENDING) == 0;
            long next = s | ACK_REQUESTED | (complete ? DONE : 0);
            if (STATE.compareAndSet(this, s, next)) {
                StreamProbe p = probe;
                if (p != null) { // the reader is done with it: reported before the message may be reported out
                    if (message != null) {
                        p.out(message.record(), System.nanoTime() - probedAt);
                    } else {
                        p.outChannel(System.nanoTime() - probedAt);
                    }
                }
                if (complete && message != null) {
                    message.ack((s & HANDED_OUT) != 0);
                }
                return true;
            }
        }
    }

    /** Abandons the delivery without acking it: its offset stays uncommitted. Does nothing once acked. */
    public void drop() {
        while (true) {
            long s = state;
            if ((s & (ACK_REQUESTED | DROPPED)) != 0) {
                return;
            }
            if (STATE.compareAndSet(this, s, s | DROPPED)) {
                if (message != null) {
                    message.drop((s & HANDED_OUT) != 0);
                }
                return;
            }
        }
    }

    @Override
    public boolean isAcked() {
        return ((long) STATE.getVolatile(this) & ACK_REQUESTED) != 0;
    }

    /** True once it is finished: acked through (done) or dropped. */
    public boolean isFinished() {
        return ((long) STATE.getVolatile(this) & (DONE | DROPPED)) != 0;
    }

    // ---- sends caused by this event ----

    /**
     * A send caused by this event was started: its ack now waits for it. Returns false when the event is already
     * finished (the send cannot be tied to it any more).
     */
    public boolean sendStarted() {
        while (true) {
            long s = state;
            if ((s & (DONE | DROPPED)) != 0) {
                return false;
            }
            if (STATE.compareAndSet(this, s, s + 1)) {
                if (message != null) {
                    message.caused(); // an exactly-once cut never falls below a record with outputs
                }
                return true;
            }
        }
    }

    /**
     * This event's record changed state whose output is held back until the commit (a table's write cache): counts
     * as a send for the exactly-once cut and for a retry, which must then abort the transaction rather than repeat
     * the change.
     */
    public void changedHeldState() {
        if (message != null) {
            message.caused();
        }
    }

    /** True when this event's record caused a send (by this delivery or another). */
    public boolean causedSends() {
        return message != null && message.hasCaused();
    }

    /** A send tied by {@link #sendStarted()} was durably accepted (or its failure was forgiven by the policy). */
    public void sendSucceeded() {
        while (true) {
            long s = state;
            long next = s - 1;
            boolean complete = (next & PENDING) == 0 && (next & ACK_REQUESTED) != 0 && (next & (DONE | DROPPED)) == 0;
            if (complete) {
                next |= DONE;
            }
            if (STATE.compareAndSet(this, s, next)) {
                if (complete && message != null) {
                    message.ack((s & HANDED_OUT) != 0);
                }
                return;
            }
        }
    }

    /**
     * A send tied by {@link #sendStarted()} failed for good and the policy keeps this record uncommitted: the
     * delivery finishes without ack (its message is released, never acked).
     */
    public void sendAbandoned() {
        while (true) {
            long s = state;
            boolean release = (s & (DONE | DROPPED)) == 0;
            long next = (s - 1) | FAILED | (release ? DROPPED : 0);
            if (STATE.compareAndSet(this, s, next)) {
                if (release && message != null) {
                    message.drop((s & HANDED_OUT) != 0);
                }
                return;
            }
        }
    }

    /** A send this event caused failed for good: the event will never be committed by this worker. */
    public boolean isFailed() {
        return ((long) STATE.getVolatile(this) & FAILED) != 0;
    }

    /**
     * Tells a failed send's record to its reader's policy ({@link Route#sendFailed}); none applies once the partition
     * was revoked or rewound (an exactly-once abort fails sends in flight): the record is processed again anyway.
     */
    public void sendFailed(ProducedRecord record, Throwable error, int attempt) {
        if (stale()) {
            sendAbandoned();
            return;
        }
        route.sendFailed(this, record, error, attempt);
    }

    // ---- the reader's fields ----

    /** The value a stream yields for this event (after its processors); reader thread only. */
    public Object yielded() {
        return yielded;
    }

    public void yielded(Object v) {
        this.yielded = v;
    }

    /** How many times the reader failed on this event (for the retry policy); reader thread only. */
    public int attempts() {
        return attempts;
    }

    public int failedOnce() {
        return ++attempts;
    }

    // ---- the turn with a dispatcher (concurrent agents) ----

    /** A dispatcher hands this event out and wants to hear when its reader is done with it. */
    public void turn(Turn t) {
        this.turn = t;
    }

    /** The reader is done with this event: its dispatcher hears of it once (nothing when it has no turn). */
    public void finishTurn() {
        Turn t = turn;
        if (t != null) {
            turn = null;
            t.done(this);
        }
    }

    /**
     * The reader gives this event back unprocessed: returns true when its dispatcher took it back (to hand it out
     * again ahead of what follows it), false when it has no turn (it goes back to its subscription instead).
     */
    public boolean returnTurn() {
        Turn t = turn;
        if (t == null) {
            return false;
        }
        turn = null;
        t.again(this);
        return true;
    }

    // ---- Event ----

    @Override
    public K key() {
        return key;
    }

    @Override
    public V value() {
        return value;
    }

    @Override
    public List<Header> headers() {
        return message == null ? List.of() : message.record().headers();
    }

    @Override
    public String topic() {
        return message == null ? null : message.record().topic();
    }

    @Override
    public int partition() {
        return message == null ? -1 : message.record().partition();
    }

    @Override
    public long offset() {
        return message == null ? -1 : message.record().offset();
    }

    @Override
    public long timestamp() {
        return message == null ? -1 : message.record().timestamp();
    }

    @Override
    public byte[] rawKey() {
        return message == null ? null : message.record().key();
    }

    @Override
    public byte[] rawValue() {
        return message == null ? null : message.record().value();
    }

    /** "topic-partition@offset", for logs. Never the payload. */
    public String position() {
        return message == null ? "<channel>" : position(message.record());
    }

    /** "topic-partition@offset" of a record, for logs. Never the payload. */
    public static String position(ConsumedRecord r) {
        return r.topic() + "-" + r.partition() + "@" + r.offset();
    }

    @Override
    public String toString() {
        return "Event{" + position() + "}";
    }

    /**
     * Everything an event needs from where it came from, so that it can decode itself and report its own
     * failures on whichever thread handles it, without calling back into the poll thread's classes: the codecs and
     * size limit of its topic, the policies that apply to it, and how to hand it back to its subscription.
     *
     * <p>One route exists per subscription and topic (the Conductor's router creates them); channel events have a
     * route too. Implementations are immutable and thread-safe.
     */
    public interface Route {

        /** Decodes the key (null stays null). Throws when it cannot: size limit, codec failure. */
        Object decodeKey(ConsumedRecord record);

        /** Decodes the value. Throws when it cannot: tombstone, codec failure. */
        Object decodeValue(ConsumedRecord record);

        /** The event could not be decoded: apply the topic's decode error policy to it. */
        void decodeFailed(EventImpl<?, ?> event, RuntimeException error);

        /**
         * A record sent because of this event failed for good (not retriable, or retried too long): apply the error
         * policy of the event's reader. {@code attempt} counts the sends of that record so far.
         */
        void sendFailed(EventImpl<?, ?> event, ProducedRecord record, Throwable error, int attempt);

        /** Puts these events, in this order, back at the head of the subscription they came from. */
        void redeliver(List<EventImpl<?, ?>> events);
    }

    /**
     * An event's turn with its reader, when the event was handed out by a dispatcher that must hear back (key-ordered
     * concurrency: the next event of the same key waits for this one; isolated partitions; fair hand-out): the
     * reader either finishes the turn ({@link #done}) or gives the event back unprocessed ({@link #again}).
     *
     * <p>Design. The turn is a field of the event ({@link #turn(Turn)}), not of the stream, so whatever
     * stream ends up holding the event (a combined stream, a {@code take} batch, a noack reader) ends its turn with
     * the same calls; the event forgets the turn at the first of them, so each turn ends exactly once.
     *
     * <p>Thread-safety: implementations are thread-safe; a turn is ended on the thread of the reader that holds it.
     */
    public interface Turn {

        /** The reader is done with {@code event} (processed, skipped, or its fate decided by an error policy). */
        void done(EventImpl<?, ?> event);

        /** The reader gives {@code event} back unprocessed: it is handed out again, before anything after it. */
        void again(EventImpl<?, ?> event);
    }
}
