package dev.faust4j.internal.send;

import dev.faust4j.RecordMetadata;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.event.InHand;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TransportProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Every send of a worker goes through here, and here it is decided whose failure a failed send is.
 *
 * <p>Design. A send made on a reader's thread while it has events in hand ({@link InHand}), or made for an
 * explicit event (forwarding, dead letters), is <em>tied</em> to those events: each one's ack waits until the send
 * is durably accepted, so its offset is never committed before its outputs exist. A tied send that fails with a
 * retriable error (the broker is unreachable, {@link TransportProducer#isRetriable}) is sent again by the
 * {@link Resender} until it succeeds or {@code sendRetryTimeout} passes, while the worker stops fetching; any other
 * failure goes to the events' own error policy ({@link EventImpl#sendFailed}). A send tied to nothing (from
 * {@code main}, a task or a timer) fails its own future and nothing else.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Sender {
    private static final Logger log = LoggerFactory.getLogger(Sender.class);

    private final Supplier<TransportProducer> producer;
    private final BooleanSupplier stopped;
    private final Resender resender;

    /**
     * @param producer the transport's producer (looked up on first use)
     * @param stopped  true once the app is stopped: sends then fail at once
     * @param resender retries tied sends that failed with a retriable error
     */
    public Sender(Supplier<TransportProducer> producer, BooleanSupplier stopped, Resender resender) {
        this.producer = producer;
        this.stopped = stopped;
        this.resender = resender;
    }

    /** Sends a record, tied to the events in hand on this thread if it is a reader's thread. */
    public CompletableFuture<RecordMetadata> send(ProducedRecord record) {
        InHand inHand = InHand.ofThisThread();
        if (inHand != null) {
            EventImpl<?, ?> current = inHand.current();
            List<? extends EventImpl<?, ?>> batch = inHand.batch();
            if (current != null && batch.isEmpty()) {
                return sendTied(List.of(current), record);
            }
            if (!batch.isEmpty()) {
                return sendTied(List.copyOf(batch), record);
            }
        }
        return sendUntied(record);
    }

    /**
     * Sends a record caused by this event (forwarding, dead letters): the event's ack waits for it, and its failure
     * goes to the event's policy, so there is no future to watch.
     */
    public void sendFor(EventImpl<?, ?> cause, ProducedRecord record) {
        sendFor(List.of(cause), record);
    }

    /** Sends a record caused by these events (the deliveries of one record): each one's ack waits for it. */
    @SuppressWarnings("FutureReturnValueIgnored") // the outcome reaches the causes through the tie
    public void sendFor(List<? extends EventImpl<?, ?>> causes, ProducedRecord record) {
        sendTied(causes, record);
    }

    /** Sends a record tied to nothing: its failure fails its future and nothing else. */
    public CompletableFuture<RecordMetadata> sendUntied(ProducedRecord record) {
        if (stopped.getAsBoolean()) {
            return CompletableFuture
                    .failedFuture(new IllegalStateException("the app is stopped: cannot send to " + record.topic()));
        }
        return producer.get().send(record);
    }

    private CompletableFuture<RecordMetadata> sendTied(List<? extends EventImpl<?, ?>> causes, ProducedRecord record) {
        if (stopped.getAsBoolean()) {
            return CompletableFuture
                    .failedFuture(new IllegalStateException("the app is stopped: cannot send to " + record.topic()));
        }
        List<? extends EventImpl<?, ?>> tied = tie(causes);
        if (tied.isEmpty()) {
            return producer.get().send(record);
        }
        TiedSend send = new TiedSend(tied, record);
        attempt(send);
        return send.result;
    }

    /** The causes this send could be tied to (those not finished yet), each now waiting for it. */
    private static List<? extends EventImpl<?, ?>> tie(List<? extends EventImpl<?, ?>> causes) {
        if (causes.size() == 1) {
            return causes.getFirst().sendStarted() ? causes : List.of();
        }
        List<EventImpl<?, ?>> tied = new java.util.ArrayList<>(causes.size());
        for (EventImpl<?, ?> e : causes) {
            if (e.sendStarted()) {
                tied.add(e);
            }
        }
        return tied;
    }

    /** Sends (again) and routes the outcome. */
    @SuppressWarnings("FutureReturnValueIgnored") // whenComplete routes the outcome; nothing waits on its stage
    private void attempt(TiedSend send) {
        TransportProducer p = producer.get();
        send.attempts++; // before the send: its callback may run on another thread at once
        CompletableFuture<RecordMetadata> f;
        try {
            f = p.send(send.record);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        if (f.isDone() && !f.isCompletedExceptionally()) {
            succeeded(send, f.join());
        } else {
            f.whenComplete((md, err) -> {
                if (err == null) {
                    succeeded(send, md);
                } else {
                    failed(send, unwrap(err), p);
                }
            });
        }
    }

    private void succeeded(TiedSend send, RecordMetadata md) {
        for (EventImpl<?, ?> e : send.causes) {
            e.sendSucceeded();
        }
        send.result.complete(md);
    }

    private void failed(TiedSend send, Throwable error, TransportProducer p) {
        if (p.isRetriable(error) && !stopped.getAsBoolean() && resender.retry(send, error)) {
            return;
        }
        giveUp(send, error);
    }

    /** The send failed for good: each cause's policy decides; the caller's future fails. */
    private void giveUp(TiedSend send, Throwable error) {
        if (log.isDebugEnabled()) {
            log.debug("send to {} failed after {} attempt(s): {}", send.record.topic(), send.attempts,
                    error.toString());
        }
        send.result.completeExceptionally(error);
        for (EventImpl<?, ?> e : send.causes) {
            e.sendFailed(send.record, error, send.attempts);
        }
    }

    /** The worker is stopping: the send is abandoned, its causes stay uncommitted (they are processed again). */
    private void abandon(TiedSend send, Throwable error) {
        send.result.completeExceptionally(error);
        for (EventImpl<?, ?> e : send.causes) {
            e.sendAbandoned();
        }
    }

    /** Blocks until every record sent so far is durably accepted or has failed. */
    public void flush() {
        producer.get().flush();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /** One send tied to events, with what a retry needs. */
    private final class TiedSend implements Resender.Retryable {
        final List<? extends EventImpl<?, ?>> causes;
        final ProducedRecord record;
        final CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        int attempts;
        long firstFailureNanos = Long.MIN_VALUE;

        TiedSend(List<? extends EventImpl<?, ?>> causes, ProducedRecord record) {
            this.causes = causes;
            this.record = record;
        }

        @Override
        public String topic() {
            return record.topic();
        }

        @Override
        public int attempts() {
            return attempts;
        }

        @Override
        public long firstFailureNanos() {
            return firstFailureNanos;
        }

        @Override
        public void firstFailureNanos(long nanos) {
            firstFailureNanos = nanos;
        }

        @Override
        public void sendAgain() {
            attempt(this);
        }

        @Override
        public void abandon(Throwable reason) {
            Sender.this.abandon(this, reason);
        }
    }
}
