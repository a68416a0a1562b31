package dev.faust4j.internal.event;

import java.util.List;

/**
 * What a reader (an agent's stream) is processing right now: the event whose value it yielded last, or the batch
 * of a {@code take}. A stream registers itself for the thread that iterates it with {@link #bind}, so that a send
 * made on that thread is tied to the events in hand ({@code Sender}): their acks then wait for the send, and its
 * failure follows their policy.
 *
 * <p>Thread-safety: the binding is per thread; an implementation is read only by the thread it is bound to.
 */
public interface InHand {

    /** The event in hand, or null. */
    EventImpl<?, ?> current();

    /** The batch in hand ({@code take}), or an empty list. */
    List<? extends EventImpl<?, ?>> batch();

    /** Binds {@code inHand} to the calling thread (replacing any earlier binding). */
    static void bind(InHand inHand) {
        Binding.CURRENT.set(inHand);
    }

    /** Removes the calling thread's binding. */
    static void unbind() {
        Binding.CURRENT.remove();
    }

    /** The calling thread's binding, or null when it is not a reader's thread. */
    static InHand ofThisThread() {
        return Binding.CURRENT.get();
    }

    /** Holder of the thread-local (an interface cannot have private static fields). */
    final class Binding {
        private static final ThreadLocal<InHand> CURRENT = new ThreadLocal<>();

        private Binding() {
        }
    }
}
