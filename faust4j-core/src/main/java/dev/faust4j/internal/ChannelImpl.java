package dev.faust4j.internal;

import dev.faust4j.Channel;
import dev.faust4j.EventStream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** An in-memory channel: a list of subscriber buffers, each value put into every one of them. */
final class ChannelImpl<V> implements Channel<V>, SourceImpl<Void, V> {
    private final AppRuntime app;
    private final int maxsize;
    private final List<Subscription> subscribers = new CopyOnWriteArrayList<>();

    ChannelImpl(AppRuntime app, int maxsize) {
        if (maxsize < 1) {
            throw new IllegalArgumentException("channel maxsize must be >= 1, got " + maxsize);
        }
        this.app = app;
        this.maxsize = maxsize;
    }

    @Override
    public void send(V value) throws InterruptedException {
        if (app.isStopped()) {
            throw new IllegalStateException("cannot send on a channel of a stopped app");
        }
        for (Subscription s : subscribers) {
            s.put(new EventImpl<Void, V>(null, null, value));
        }
    }

    @Override
    public int maxsize() {
        return maxsize;
    }

    @Override
    public EventStream<Void, V> stream() {
        return new StreamImpl<>(app, null, this, null);
    }

    @Override
    public String label() {
        return "<channel>";
    }

    @Override
    public Subscription subscribe() {
        Subscription s = app.newSubscription(maxsize);
        subscribers.add(s);
        return s;
    }

    @Override
    public TopicImpl<Void, V> asTopic() {
        return null;
    }
}
