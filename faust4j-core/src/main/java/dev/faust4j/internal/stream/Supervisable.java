package dev.faust4j.internal.stream;

import dev.faust4j.internal.event.EventImpl;

import java.util.List;

/**
 * What an agent's supervisor needs of the stream its instance iterates, after the agent function returned or
 * threw. Every method acts on the end of the stream's {@code through}/{@code groupBy} chain (what the function
 * really iterates). Called only by the instance's own thread, between runs of the function.
 */
public interface Supervisable {

    /** The function is about to run (again): a restarted function keeps the stream's chain. */
    void starting();

    /** The events in hand when the function threw: the current one, a take batch, a noack reader's unacked ones. */
    List<EventImpl<?, ?>> inHand();

    /** True when the reader acks its own events ({@code noack()}): they must never be acked for it. */
    boolean ownsAcks();

    /** Forgets the events in hand (the error policy decided their fate). */
    void clearInHand();

    /** Hands these events to the restarted function first, in order, ahead of everything read since. */
    void redeliver(List<EventImpl<?, ?>> events);

    /** The function returned: ack what it held (unless noack) and give back what was read ahead. */
    void completeNormally();

    /** The instance ends (failed or stopping): give back what was read ahead, so no other instance waits for it. */
    void returnUnread();

    /** Events the function got past; grows while it makes progress. */
    long progress();
}
