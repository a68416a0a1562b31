package dev.faust4j.internal.stream;

import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * The iterator behind {@code for (V v : stream)}, {@code events()}, {@code items()} and {@code enumerate()}: it
 * asks the stream for the next event and turns it into the element, acking the previous event first (unless the
 * stream is noack). It binds the stream to the iterating thread, so sends made in the loop are tied to the event in
 * hand. It ends when the stream ends (the app stops, or the agent was stopped) or the thread is interrupted.
 *
 * <p>Thread-safety: confined to the thread iterating it.
 */
final class Iteration<K, V, T> implements Iterator<T> {
    private final BaseStream<K, V> stream;
    private final Function<EventImpl<K, V>, T> element;
    private EventImpl<K, V> ready;
    private boolean done;

    private Iteration(BaseStream<K, V> stream, Function<EventImpl<K, V>, T> element) {
        this.stream = stream;
        this.element = element;
        stream.bindToThread();
    }

    static <K, V, T> Iterator<T> of(BaseStream<K, V> stream, Function<EventImpl<K, V>, T> element) {
        return new Iteration<>(stream, element);
    }

    @Override
    public boolean hasNext() {
        if (ready != null) {
            return true;
        }
        if (done) {
            return false;
        }
        stream.release();
        EventImpl<K, V> e;
        try {
            e = stream.poll(Subscription.NO_DEADLINE);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            e = null;
        }
        if (e == null) {
            done = true;
            return false;
        }
        ready = e;
        return true;
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the stream has ended (the app is stopping)");
        }
        EventImpl<K, V> e = ready;
        ready = null;
        return element.apply(e);
    }
}
