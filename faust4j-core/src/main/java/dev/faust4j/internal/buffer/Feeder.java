package dev.faust4j.internal.buffer;

import dev.faust4j.internal.event.EventImpl;

/**
 * Moves a subscription's events into a dispatcher, a chunk at a time (one subscription lock per chunk), never
 * more than the dispatcher has room for: when the instances are slow the dispatcher stays full, the subscription
 * fills up behind it and flow control pauses its partitions, as for any slow reader.
 *
 * <p>Thread-safety: {@link #run} runs on the feeder's own thread until the subscription closes.
 */
final class Feeder {
    private static final int CHUNK = 256;

    /** What a feeder fills. */
    interface Sink {
        /** Waits until there is room; returns how many events fit now, or 0 once the sink is closed. */
        int awaitRoom(int max) throws InterruptedException;

        /** Places {@code n} events from {@code chunk} (and clears their slots). */
        void place(EventImpl<?, ?>[] chunk, int n);

        /** The subscription closed (the app stops): drop everything queued and wake every reader. */
        void close();
    }

    private final Subscription subscription;
    private final Sink sink;

    Feeder(Subscription subscription, Sink sink) {
        this.subscription = subscription;
        this.sink = sink;
    }

    void run() {
        EventImpl<?, ?>[] chunk = new EventImpl<?, ?>[CHUNK];
        try {
            while (true) {
                int room = sink.awaitRoom(CHUNK);
                if (room == 0) {
                    return;
                }
                int n = subscription.drainTo(chunk, room, Subscription.NO_DEADLINE);
                if (n == Subscription.CLOSED) {
                    return;
                }
                sink.place(chunk, n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sink.close();
        }
    }
}
