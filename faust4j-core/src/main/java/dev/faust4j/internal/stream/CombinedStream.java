package dev.faust4j.internal.stream;

import dev.faust4j.internal.buffer.Signal;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.topic.SourceImpl;

import java.util.List;

/**
 * A stream yielding the events of several streams in arrival order (a real merge, where Faust's {@code &} only
 * yields the first stream).
 *
 * <p>Design. It polls its inputs without blocking, starting after the input that yielded last (so none starves),
 * and waits on one {@link Signal} that every input's subscription raises. Each event keeps its own source: it is
 * acked there. It ends when every input has ended.
 *
 * <p>Thread-safety: confined to the thread iterating it.
 */
final class CombinedStream<K, V> extends BaseStream<K, V> {
    private final List<BaseStream<K, V>> inputs;
    private final boolean[] inputEnded;
    private Signal signal;
    private int rotation;
    private boolean ended;

    CombinedStream(StreamContext ctx, List<BaseStream<K, V>> inputs) {
        super(ctx);
        this.inputs = List.copyOf(inputs);
        this.inputEnded = new boolean[inputs.size()];
    }

    @Override
    SourceImpl<K, V> source() {
        return null;
    }

    @Override
    boolean started() {
        return signal != null;
    }

    @Override
    boolean ended() {
        return ended;
    }

    @Override
    EventImpl<K, V> poll(long deadline) throws InterruptedException {
        if (signal == null) {
            signal = new Signal();
            for (BaseStream<K, V> in : inputs) {
                in.registerSignal(signal);
            }
        }
        while (true) {
            long seen = version();
            EventImpl<K, V> e = pollInputs();
            if (e != null || ended || deadline == Subscription.NOW) {
                return e;
            }
            signal.lock().lock();
            try {
                if (signal.version() == seen) {
                    if (deadline == Subscription.NO_DEADLINE) {
                        signal.changed().await();
                    } else if (ctx.ticker().nanoTime() >= deadline) {
                        return null;
                    } else {
                        ctx.ticker().awaitUntil(signal.changed(), deadline);
                    }
                }
            } finally {
                signal.lock().unlock();
            }
        }
    }

    private long version() {
        signal.lock().lock();
        try {
            return signal.version();
        } finally {
            signal.lock().unlock();
        }
    }

    /** One round over the inputs: the first processed event, or null (then {@link #ended} tells why). */
    private EventImpl<K, V> pollInputs() throws InterruptedException {
        int n = inputs.size();
        int endedCount = 0;
        for (int k = 0; k < n; k++) {
            int i = (rotation + k) % n;
            if (inputEnded[i]) {
                endedCount++;
                continue;
            }
            BaseStream<K, V> in = inputs.get(i);
            EventImpl<K, V> e = in.poll(Subscription.NOW);
            if (e != null) {
                rotation = i + 1;
                in.current = null; // in hand here now
                current = e;
                Object v = process(e.yielded());
                if (skipped(v)) {
                    current = null;
                    e.ack();
                    k = -1; // start over
                    endedCount = 0;
                    continue;
                }
                return handOut(e, v);
            }
            if (in.ended()) {
                inputEnded[i] = true;
                endedCount++;
            }
        }
        if (endedCount == n) {
            ended = true;
        }
        return null;
    }

    @Override
    void collectInHand(List<EventImpl<?, ?>> out) {
        super.collectInHand(out);
        for (BaseStream<K, V> in : inputs) {
            in.collectInHand(out);
        }
    }

    @Override
    void forgetInHand() {
        super.forgetInHand();
        inputs.forEach(BaseStream::forgetInHand);
    }

    @Override
    void giveBackUnread() {
        inputs.forEach(BaseStream::giveBackUnread);
    }

    @Override
    void registerSignal(Signal s) {
        for (BaseStream<K, V> in : inputs) {
            in.registerSignal(s);
        }
    }
}
