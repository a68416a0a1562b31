package dev.faust4j.internal;

import dev.faust4j.Event;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.Header;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * One delivery of a message to one subscription (or a value sent on a channel). Its state moves once, by
 * compare-and-set, from open to acked or dropped: each delivery acks at most once.
 */
final class EventImpl<K, V> implements Event<K, V> {
    private static final VarHandle STATE;
    private static final int OPEN = 0;
    private static final int ACKED = 1;
    private static final int DROPPED = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(EventImpl.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Message message; // null for channel events
    private K key;
    private V value;
    /** Non-null until decoded, for deliveries decoded on the agent side (see Conductor). Agent thread only. */
    private Conductor.Group undecoded;
    private Conductor conductor;
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    EventImpl(Message message, K key, V value) {
        this.message = message;
        this.key = key;
        this.value = value;
    }

    EventImpl(Message message, Conductor.Group group, Conductor conductor) {
        this.message = message;
        this.undecoded = group;
        this.conductor = conductor;
    }

    /**
     * Decodes a lazily delivered event on the thread that takes it. Returns false when it cannot be decoded:
     * the topic's decode policy has then been applied (acked, dead-lettered or dropped) and it must be skipped.
     */
    @SuppressWarnings("unchecked")
    boolean decode() {
        Conductor.Group g = undecoded;
        if (g == null) {
            return true;
        }
        undecoded = null;
        try {
            key = (K) conductor.decodeKey(g, message.record);
            value = (V) conductor.decodeValue(g, message.record);
            return true;
        } catch (RuntimeException e) {
            conductor.decodeError(g, this, e);
            return false;
        }
    }

    /** True when the partition of this event was revoked or the worker is stopping: do not process it. */
    boolean stale() {
        return message != null && message.tracker.revoked;
    }

    @Override
    public boolean ack() {
        if (STATE.compareAndSet(this, OPEN, ACKED)) {
            if (message != null) {
                message.ack();
            }
            return true;
        }
        return false;
    }

    /** Abandons the delivery without acking it: its offset stays uncommitted. */
    void drop() {
        if (STATE.compareAndSet(this, OPEN, DROPPED) && message != null) {
            message.drop();
        }
    }

    @Override
    public boolean isAcked() {
        return (int) STATE.getVolatile(this) == ACKED;
    }

    @Override
    public K key() {
        return key;
    }

    @Override
    public V value() {
        return value;
    }

    private ConsumedRecord record() {
        return message == null ? null : message.record;
    }

    @Override
    public List<Header> headers() {
        return message == null ? List.of() : message.record.headers();
    }

    @Override
    public String topic() {
        return message == null ? null : message.record.topic();
    }

    @Override
    public int partition() {
        return message == null ? -1 : message.record.partition();
    }

    @Override
    public long offset() {
        return message == null ? -1 : message.record.offset();
    }

    @Override
    public long timestamp() {
        return message == null ? -1 : message.record.timestamp();
    }

    @Override
    public byte[] rawKey() {
        ConsumedRecord r = record();
        return r == null ? null : r.key();
    }

    @Override
    public byte[] rawValue() {
        ConsumedRecord r = record();
        return r == null ? null : r.value();
    }

    /** "topic-partition@offset", for logs. Never the payload. */
    String position() {
        return message == null ? "<channel>" : message.record.topic() + "-" + message.record.partition() + "@" + message.record.offset();
    }

    @Override
    public String toString() {
        return "Event{" + position() + "}";
    }
}
