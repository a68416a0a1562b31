package dev.faust4j.internal.stream;

import dev.faust4j.internal.event.EventImpl;

import java.util.ArrayList;
import java.util.List;

/**
 * The supervisor's view of an agent instance's stream: every call acts on the end of the stream's
 * {@code through}/{@code groupBy} chain, which is what the agent function really iterates.
 *
 * <p>Thread-safety: used only by the instance's own thread, between runs of the function.
 */
final class SupervisedStream<K, V> implements Supervisable {
    private final BaseStream<K, V> root;

    SupervisedStream(BaseStream<K, V> root) {
        this.root = root;
    }

    @Override
    public void starting() {
        for (BaseStream<K, V> s = root; s != null; s = s.next) {
            s.runs++;
        }
        root.active().bindToThread();
    }

    @Override
    public List<EventImpl<?, ?>> inHand() {
        List<EventImpl<?, ?>> out = new ArrayList<>();
        root.active().collectInHand(out);
        return out;
    }

    @Override
    public boolean ownsAcks() {
        return root.active().readerAcks();
    }

    @Override
    public void clearInHand() {
        root.active().forgetInHand();
    }

    @Override
    public void redeliver(List<EventImpl<?, ?>> events) {
        root.active().handAgain(events);
    }

    @Override
    public void completeNormally() {
        root.active().complete();
    }

    @Override
    public void returnUnread() {
        root.active().giveBackUnread();
    }

    @Override
    public long progress() {
        return root.active().progress;
    }
}
