package dev.faust4j.internal.stream;

import dev.faust4j.internal.buffer.Inlet;
import dev.faust4j.internal.buffer.Signal;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.topic.SourceImpl;

import java.util.ArrayList;
import java.util.List;

/**
 * A stream over one topic or channel: the core step, polling its subscription.
 *
 * <p>Design. Events are taken from the subscription in chunks (one lock per chunk; one event at a time when the
 * subscription is shared by concurrent instances, so that a slow event never holds back others an idle instance
 * could take), bounded so that buffer plus chunk stay within the configured buffer. Each event is dropped if its
 * partition was revoked or the app stops, decoded (an undecodable one went to its decode policy), and processed;
 * a filtered one is acked at once. The first iteration subscribes (an agent's instances share a subscription made
 * for them) and starts the forwarder feeding this stream, if it reads the topic of a {@code through} or
 * {@code groupBy}. An instance of a concurrent agent (above 1, or isolated partitions) reads instead from its
 * {@link Inlet}, one event at a time: the dispatcher behind it decides which event it gets (fairly, in key order).
 *
 * <p>Thread-safety: confined to the thread iterating it.
 */
final class TopicStream<K, V> extends BaseStream<K, V> {
    private final SourceImpl<K, V> source;
    private Subscription subscription;
    /** Where this agent instance takes its events when a dispatcher stands before the subscription, or null. */
    private final Inlet inlet;
    private final EventImpl<?, ?>[] chunk;
    private int chunkPos;
    private int chunkLen;
    private boolean started;
    private boolean ended;
    /** The forwarder that feeds this stream's topic ({@code through}/{@code groupBy}), started on first iteration. */
    Forwarder<K, V> feeder;

    /**
     * @param ctx    the app's stream context
     * @param source the topic or channel
     * @param shared a subscription shared by an agent's instances, or null to subscribe on first iteration
     * @param inlet  this instance's inlet from the dispatcher before {@code shared}, or null to read it directly
     */
    TopicStream(StreamContext ctx, SourceImpl<K, V> source, Subscription shared, Inlet inlet) {
        super(ctx);
        this.source = source;
        this.subscription = shared;
        this.inlet = inlet;
        this.chunk = new EventImpl<?, ?>[ctx.agent() != null && ctx.agent().concurrency() > 1 ? 1 : 256];
    }

    @Override
    SourceImpl<K, V> source() {
        return source;
    }

    @Override
    boolean started() {
        return started;
    }

    @Override
    boolean ended() {
        return ended;
    }

    private Subscription ensureStarted() {
        if (!started) {
            started = true;
            if (subscription == null) {
                subscription = source.subscribe(ctx.readerPolicy());
            }
            if (feeder != null) {
                feeder.start();
            }
        }
        return subscription;
    }

    @Override
    EventImpl<K, V> poll(long deadline) throws InterruptedException {
        Subscription sub = ensureStarted();
        if (inlet != null) {
            return pollInlet(sub, deadline);
        }
        while (true) {
            if (chunkPos == chunkLen) {
                if (ended) {
                    return null;
                }
                // Read ahead at most what keeps buffer + chunk within maxsize + one poll: the subscription only
                // pauses its partitions at its high mark, so a larger chunk would let the Conductor refill the
                // buffer behind it: more records would sit between the consumer and user code than configured.
                int readAhead = Math.min(chunk.length, sub.maxsize() - sub.high() + 1);
                int n = sub.drainTo(chunk, readAhead, deadline);
                if (n == Subscription.CLOSED) {
                    ended = true;
                    return null;
                }
                if (n == 0) {
                    return null;
                }
                chunkPos = 0;
                chunkLen = n;
            }
            if (ctx.stopped()) {
                giveBackUnread(); // the agent was stopped: nobody here processes these
                ended = true;
                return null;
            }
            EventImpl<K, V> e = cast(chunk[chunkPos]);
            chunk[chunkPos++] = null;
            if (e.stale() || sub.isClosed()) {
                e.drop();
                continue;
            }
            if (!e.decode()) {
                continue; // undecodable: its topic's decode policy was applied
            }
            if (!e.handOut()) {
                continue; // finished meanwhile (a redelivered event whose failed send was settled)
            }
            if (e.stale() || sub.isClosed()) {
                e.drop(); // revoked while it was being taken: a revoke never waits for it, so it is not processed
                continue;
            }
            current = e;
            Object v = process(e.value());
            if (skipped(v)) {
                current = null;
                e.ack();
                continue;
            }
            return handOut(e, v);
        }
    }

    /**
     * The core step of an instance behind a dispatcher: one event at a time, each with a turn that ends when the
     * instance is done with it, here at once for an event it does not yield.
     */
    private EventImpl<K, V> pollInlet(Subscription sub, long deadline) throws InterruptedException {
        while (!ended) {
            EventImpl<K, V> e = cast(inlet.take(deadline));
            if (e == null) {
                ended = inlet.ended();
                return null;
            }
            if (ctx.stopped()) {
                e.returnTurn(); // the agent was stopped: nobody here processes it
                ended = true;
                return null;
            }
            if (e.stale() || sub.isClosed() || !e.decode()) { // an undecodable one went to its decode policy
                e.drop();
                e.finishTurn();
                continue;
            }
            if (!e.handOut()) {
                e.finishTurn(); // finished meanwhile (a redelivered event whose failed send was settled)
                continue;
            }
            if (e.stale() || sub.isClosed()) {
                e.drop(); // revoked while it was being taken: a revoke never waits for it, so it is not processed
                e.finishTurn();
                continue;
            }
            current = e;
            Object v = process(e.value());
            if (skipped(v)) {
                current = null;
                e.ack();
                e.finishTurn();
                continue;
            }
            return handOut(e, v);
        }
        return null;
    }

    @Override
    void giveBackUnread() {
        if (chunkPos == chunkLen) {
            return;
        }
        List<EventImpl<?, ?>> unread = new ArrayList<>(chunkLen - chunkPos);
        for (int i = chunkPos; i < chunkLen; i++) {
            unread.add(chunk[i]);
            chunk[i] = null;
        }
        chunkPos = 0;
        chunkLen = 0;
        subscription.pushFront(unread);
    }

    @Override
    void registerSignal(Signal s) {
        Subscription sub = ensureStarted();
        if (inlet != null) {
            inlet.addSignal(s); // the dispatcher knows when an event is ready for this instance
        } else {
            sub.addSignal(s);
        }
    }
}
