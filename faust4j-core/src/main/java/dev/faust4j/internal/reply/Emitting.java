package dev.faust4j.internal.reply;

import dev.faust4j.Emitter;
import dev.faust4j.codec.Codec;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.event.InHand;
import dev.faust4j.spi.ProducedRecord;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A replying agent's {@link Emitter}: each result goes first to the caller, when the event in hand is a request
 * (Faust's reply headers, or its request envelope), then to each sink in order (Faust's {@code _reply} then
 * {@code _deliver_sinks}).
 *
 * <p>Design: the reply and the topic sinks are sends made on the agent's thread while it holds the event, so the
 * {@code Sender} ties them to it: the event is acked only once they are durable. The reply's address is read from
 * the event's headers (a scan of a short list) only when a result is emitted, never on the path of events that emit
 * nothing.
 *
 * <p>Thread-safety: thread-safe once built: every instance of the agent emits on its own thread, for its own event;
 * the sinks are fixed before the app starts.
 */
final class Emitting<R> implements Emitter<R> {
    private final Supplier<String> agent;
    private final Codec<R> codec;
    private final Function<ProducedRecord, CompletableFuture<?>> send;
    private final List<Consumer<? super R>> sinks;

    /**
     * @param agent the agent's name, for errors
     * @param codec the JSON codec of the results (a reply's value)
     * @param send  sends a record, tied to the events in hand on this thread
     * @param sinks the sinks, in order (read when each result is emitted)
     */
    Emitting(Supplier<String> agent, Codec<R> codec, Function<ProducedRecord, CompletableFuture<?>> send,
             List<Consumer<? super R>> sinks) {
        this.agent = agent;
        this.codec = codec;
        this.send = send;
        this.sinks = sinks;
    }

    @Override
    public void emit(R value) {
        Objects.requireNonNull(value, "value");
        InHand inHand = InHand.ofThisThread();
        EventImpl<?, ?> event = inHand == null ? null : inHand.current();
        if (event == null && (inHand == null || inHand.batch().isEmpty())) {
            throw new IllegalStateException(
                    "agent " + agent.get() + ": emit is only possible in the agent's body, while"
                            + " it holds an event");
        }
        if (event != null) {
            ReplyWire.ReplyAddress address = ReplyWire.fromHeaders(event.headers());
            if (address == null) {
                address = ReplyWire.fromEnvelope(event.rawValue());
            }
            if (address != null) {
                byte[] reply = ReplyWire.response(event.rawKey(), codec.encode(value), address.correlationId());
                var unused = send.apply(new ProducedRecord(address.replyTo(), null, null, null, reply, List.of()));
            }
        }
        for (Consumer<? super R> sink : sinks) {
            sink.accept(value);
        }
    }
}
