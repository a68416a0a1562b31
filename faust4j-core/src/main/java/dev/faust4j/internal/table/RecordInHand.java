package dev.faust4j.internal.table;

import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.event.InHand;
import org.jspecify.annotations.Nullable;

import java.util.List;
import java.util.Objects;

/**
 * The record an agent has in hand on the calling thread, as table writes and reads need it.
 *
 * <p>Design. A table update belongs to the record in hand: its partition is the changelog partition, and its key
 * must be the table key, so that a key's state lives in the partition that owns the key (Faust only warns, and the
 * counts come out wrong). A take batch counts as in hand when all of it is of one partition.
 *
 * <p>Thread-safety: stateless.
 */
final class RecordInHand {
    private RecordInHand() {
    }

    /**
     * The record in hand for an update of {@code key} by table {@code table}.
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's
     */
    static EventImpl<?, ?> forUpdate(String table, String operation, Object key) {
        Objects.requireNonNull(key, "key");
        InHand inHand = InHand.ofThisThread();
        EventImpl<?, ?> event = inHand == null ? null : inHand.current();
        if (event == null && inHand != null && !inHand.batch().isEmpty()) {
            List<? extends EventImpl<?, ?>> batch = inHand.batch();
            event = batch.getLast();
            for (EventImpl<?, ?> e : batch) {
                if (e.partition() != event.partition() || !e.topic().equals(event.topic())) {
                    throw new IllegalStateException("table " + table + ": cannot " + operation + " while a take"
                            + " batch of several partitions is in hand; update the table per record");
                }
            }
        }
        if (event == null || event.record() == null) {
            throw new IllegalStateException("table " + table + ": " + operation + " is only possible in an agent"
                    + " while it processes a record of a topic (the changelog partition is the record's); reads"
                    + " work anywhere");
        }
        if (!Objects.equals(key, event.key())) {
            throw new IllegalStateException("table " + table + ": cannot " + operation + " key " + key
                    + " while processing the record with key " + event.key() + " (" + event.position() + "): a table"
                    + " is updated for the key of the record in hand, so that the key's state lives in the partition"
                    + " that owns the key; group the stream by the table key first (groupBy)");
        }
        return event;
    }

    /** The record in hand on this thread, or null (a read outside an agent). */
    static @Nullable EventImpl<?, ?> current() {
        InHand inHand = InHand.ofThisThread();
        EventImpl<?, ?> event = inHand == null ? null : inHand.current();
        return event != null && event.record() != null ? event : null;
    }
}
