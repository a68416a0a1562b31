package dev.faust4j.internal.buffer;

import dev.faust4j.internal.event.EventImpl;

/**
 * Where one agent instance takes its events from when a dispatcher stands between it and the subscription
 * (concurrency above 1, isolated partitions): one event at a time, with its turn set.
 *
 * <p>Thread-safety: used by the one instance it belongs to.
 */
public interface Inlet {

    /**
     * The next event for this instance, waiting until one is there or the ticker passes {@code deadlineNanos}
     * ({@link Subscription#NOW}, {@link Subscription#NO_DEADLINE}); null on timeout or once {@link #ended()}.
     */
    EventImpl<?, ?> take(long deadlineNanos) throws InterruptedException;

    /** Signals {@code s} whenever an event may have become ready (this stream is an input of a combined stream). */
    void addSignal(Signal s);

    /** True once this instance gets no more events (the subscription closed, or its partition was released). */
    boolean ended();
}
