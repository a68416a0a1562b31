package dev.faust4j.internal.topic;

import dev.faust4j.Channel;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.EventStream;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.route.Route;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;

/**
 * An in-memory channel: a list of subscriber buffers, each value put into every one of them (blocking while one
 * is full).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class ChannelImpl<V> implements Channel<V>, SourceImpl<Void, V> {
    private final int maxsize;
    private final IntFunction<Subscription> newSubscription;
    private final StreamFactory streams;
    private final ErrorHandling handling;
    private final BooleanSupplier stopped;
    private final List<Route> subscribers = new CopyOnWriteArrayList<>();

    /**
     * @param maxsize         each subscriber's buffer size
     * @param newSubscription creates a subscription of a given size (closed with the app)
     * @param streams         makes streams
     * @param handling        applies the readers' error policies
     * @param stopped         true once the app is stopped
     */
    public ChannelImpl(int maxsize, IntFunction<Subscription> newSubscription, StreamFactory streams,
                       ErrorHandling handling,
                       BooleanSupplier stopped) {
        if (maxsize < 1) {
            throw new IllegalArgumentException("channel maxsize must be >= 1, got " + maxsize);
        }
        this.maxsize = maxsize;
        this.newSubscription = newSubscription;
        this.streams = streams;
        this.handling = handling;
        this.stopped = stopped;
    }

    @Override
    public void send(V value) throws InterruptedException {
        if (stopped.getAsBoolean()) {
            throw new IllegalStateException("cannot send on a channel of a stopped app");
        }
        for (Route r : subscribers) {
            r.subscription().put(new EventImpl<Void, V>(null, r, null, value));
        }
    }

    @Override
    public int maxsize() {
        return maxsize;
    }

    @Override
    public EventStream<Void, V> stream() {
        return streams.stream(this);
    }

    @Override
    public String label() {
        return "<channel>";
    }

    @Override
    public Subscription subscribe(ErrorPolicy readerPolicy) {
        Subscription s = newSubscription.apply(maxsize);
        subscribers.add(Route.channel(readerPolicy, s, handling));
        return s;
    }
}
