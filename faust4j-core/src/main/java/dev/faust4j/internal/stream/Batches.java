package dev.faust4j.internal.stream;

import dev.faust4j.Event;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.failure.Misuse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * {@code take} and {@code takeEvents}: batches of up to {@code max} processed values (or the events themselves),
 * yielded as soon as a batch is full or {@code within} has passed since the previous one (never empty; when
 * nothing arrived the timer restarts, as in Faust).
 *
 * <p>Design. The batch being gathered is in hand from its first event: if the agent fails while a batch is held,
 * the policy applies to all of it. A batch is acked when the next one is asked for (on a noack stream never: the
 * reader acks). When the stream ends mid-batch (the app stops), the partial batch is dropped unprocessed, to be
 * fetched again.
 *
 * <p>Under exactly-once a commit waits until the agents finished every record fetched, a partial batch included:
 * a batch is yielded at the latest when {@code within} passes, so {@code take(max)} without one is refused.
 *
 * <p>Thread-safety: an iterator is confined to the thread iterating its stream.
 */
final class Batches<K, V, T> implements Iterator<List<T>> {
    private final BaseStream<K, V> stream;
    private final int max;
    private final long withinNanos;
    private final Function<EventImpl<K, V>, T> element;
    private List<T> ready;
    private boolean done;
    private long lastBatch;

    private Batches(BaseStream<K, V> stream, int max, long withinNanos, Function<EventImpl<K, V>, T> element) {
        this.stream = stream;
        this.max = max;
        this.withinNanos = withinNanos;
        this.element = element;
        this.lastBatch = stream.ctx.ticker().nanoTime();
        stream.bindToThread();
    }

    /** Batches of processed values; {@code within} null means full batches only. */
    static <K, V> Iterable<List<V>> values(BaseStream<K, V> stream, String op, int max, Duration within) {
        long withinNanos = check(op, max, within);
        if (within == null && stream.ctx.sender().transactional()) {
            throw Misuse.argument(op + "(max) without a within cannot be used under exactly_once: a partial batch"
                    + " would hold back every commit; give it one, for example " + op + "(" + max
                    + ", Duration.ofSeconds(1))");
        }
        return () -> new Batches<K, V, V>(stream, max, withinNanos, e -> BaseStream.cast(e.yielded()));
    }

    /** Batches of the events themselves (Faust's {@code take_events}). */
    static <K, V> Iterable<List<Event<K, V>>> events(BaseStream<K, V> stream, int max, Duration within) {
        long withinNanos = check("takeEvents", max, within);
        return () -> new Batches<K, V, Event<K, V>>(stream, max, withinNanos, e -> e);
    }

    private static long check(String op, int max, Duration within) {
        if (max < 1) {
            throw Misuse.argument(op + "(max, within) needs max >= 1, got " + max);
        }
        if (within != null && (within.isZero() || within.isNegative())) {
            throw Misuse.argument(op + "(max, within) needs a positive within, got " + within);
        }
        return within == null ? 0 : within.toNanos();
    }

    @Override
    public boolean hasNext() {
        if (ready != null) {
            return true;
        }
        if (done) {
            return false;
        }
        stream.releaseBatch();
        List<T> values = new ArrayList<>(Math.min(max, 1024));
        List<EventImpl<K, V>> events = new ArrayList<>(Math.min(max, 1024));
        stream.holdBatch(events);
        long deadline = withinNanos == 0 ? Subscription.NO_DEADLINE : lastBatch + withinNanos;
        try {
            while (values.size() < max) {
                EventImpl<K, V> e = stream.poll(deadline);
                if (e != null) {
                    values.add(element.apply(e));
                    events.add(e);
                    stream.current = null; // held by the batch now
                } else if (!stream.ended()) {
                    if (!values.isEmpty()) {
                        break;
                    }
                    deadline += withinNanos; // Faust: the timer restarts when nothing was gathered
                } else {
                    return end(events);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return end(events);
        }
        lastBatch = stream.ctx.ticker().nanoTime();
        ready = values;
        return true;
    }

    /** The stream ended mid-batch: the partial batch is dropped unprocessed (fetched again later). */
    private boolean end(List<EventImpl<K, V>> events) {
        events.forEach(EventImpl::drop);
        stream.holdBatch(List.of());
        done = true;
        return false;
    }

    @Override
    public List<T> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended (the app is stopping)");
        }
        List<T> out = ready;
        ready = null;
        return out;
    }
}
