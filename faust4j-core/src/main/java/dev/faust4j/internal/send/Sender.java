package dev.faust4j.internal.send;

import dev.faust4j.RecordMetadata;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.event.InHand;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TransportProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.BiConsumer;
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
 * {@code main}, a task or a timer) fails its own future and nothing else; under exactly-once its future completes
 * when its transaction commits ({@link Transactions}).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Sender {
    private static final Logger log = LoggerFactory.getLogger(Sender.class);

    private final Supplier<TransportProducer> producer;
    private final BooleanSupplier stopped;
    private final Resender resender;
    private final boolean transactional;
    private final Sensors sensors;

    /**
     * @param producer the transport's producer (looked up on first use)
     * @param stopped  true once the app is stopped: sends then fail at once
     * @param resender retries tied sends that failed with a retriable error
     * @param transactional true under exactly-once: {@code producer} supplies the worker's {@link Transactions}
     * @param sensors  told of each send and its outcome (after retries)
     */
    public Sender(Supplier<TransportProducer> producer, BooleanSupplier stopped, Resender resender,
                  boolean transactional, Sensors sensors) {
        this.sensors = sensors;
        this.transactional = transactional;
        this.producer = producer;
        this.stopped = stopped;
        this.resender = resender;
    }

    /** True under exactly-once: sends join the worker's open transaction. */
    public boolean transactional() {
        return transactional;
    }

    /** Sends a record, tied to the events in hand on this thread if it is a reader's thread. */
    public CompletableFuture<RecordMetadata> send(ProducedRecord record) {
        if (sensors.enabled()) {
            return observed(record, this::sendUnobserved);
        }
        return sendUnobserved(record);
    }

    private CompletableFuture<RecordMetadata> sendUnobserved(ProducedRecord record) {
        InHand inHand = InHand.ofThisThread();
        if (inHand != null) {
            EventImpl<?, ?> current = inHand.current();
            List<? extends EventImpl<?, ?>> batch = inHand.batch();
            if (current != null && batch.isEmpty()) {
                return sendTied(current, record);
            }
            if (!batch.isEmpty()) {
                return sendTied(List.copyOf(batch), record);
            }
        }
        return sendUntiedUnobserved(record);
    }

    /**
     * Sends a record caused by this event (forwarding, dead letters): the event's ack waits for it, and its failure
     * goes to the event's policy, so there is no future to watch.
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the outcome reaches the cause through the tie
    public void sendFor(EventImpl<?, ?> cause, ProducedRecord record) {
        if (sensors.enabled()) {
            observed(record, r -> sendTied(cause, r));
        } else {
            sendTied(cause, record);
        }
    }

    /** Sends a record caused by these events (the deliveries of one record): each one's ack waits for it. */
    @SuppressWarnings("FutureReturnValueIgnored") // the outcome reaches the causes through the tie
    public void sendFor(List<? extends EventImpl<?, ?>> causes, ProducedRecord record) {
        if (sensors.enabled()) {
            observed(record, r -> sendTied(causes, r));
        } else {
            sendTied(causes, record);
        }
    }

    /** A sensor listens: report the send, and its outcome once final. */
    private CompletableFuture<RecordMetadata> observed(ProducedRecord record,
                                                       Function<ProducedRecord, CompletableFuture<RecordMetadata>> send) {
        String topic = record.topic();
        long started = System.nanoTime();
        sensors.onSendStarted(topic);
        CompletableFuture<RecordMetadata> f = send.apply(record);
        var unused = f.whenComplete((md, error) -> {
            long nanos = Sensors.since(started);
            if (error != null) {
                sensors.onSendFailed(topic, error instanceof CompletionException c && c.getCause() != null
                        ? c.getCause() : error, nanos);
            } else {
                sensors.onSendCompleted(topic, md.partition(), md.offset(), nanos);
            }
        });
        return f;
    }

    /** Sends a record tied to nothing: its failure fails its future and nothing else. */
    public CompletableFuture<RecordMetadata> sendUntied(ProducedRecord record) {
        if (sensors.enabled()) {
            return observed(record, this::sendUntiedUnobserved);
        }
        return sendUntiedUnobserved(record);
    }

    private CompletableFuture<RecordMetadata> sendUntiedUnobserved(ProducedRecord record) {
        if (stopped.getAsBoolean()) {
            return CompletableFuture
                    .failedFuture(new IllegalStateException("the app is stopped: cannot send to " + record.topic()));
        }
        TransportProducer p = producer.get();
        // under exactly-once its future completes when its transaction commits
        return p instanceof Transactions tx ? tx.sendUntied(record) : p.send(record);
    }

    /** The common case, one cause: no list is made. */
    private CompletableFuture<RecordMetadata> sendTied(EventImpl<?, ?> cause, ProducedRecord record) {
        if (stopped.getAsBoolean()) {
            return CompletableFuture
                    .failedFuture(new IllegalStateException("the app is stopped: cannot send to " + record.topic()));
        }
        if (!cause.sendStarted()) {
            return producer.get().send(record);
        }
        TiedSend send = new TiedSend(cause, null, record);
        attempt(send);
        return send;
    }

    private CompletableFuture<RecordMetadata> sendTied(List<? extends EventImpl<?, ?>> causes, ProducedRecord record) {
        if (causes.size() == 1) {
            return sendTied(causes.getFirst(), record);
        }
        if (stopped.getAsBoolean()) {
            return CompletableFuture
                    .failedFuture(new IllegalStateException("the app is stopped: cannot send to " + record.topic()));
        }
        List<EventImpl<?, ?>> tied = new ArrayList<>(causes.size());
        for (EventImpl<?, ?> e : causes) {
            if (e.sendStarted()) {
                tied.add(e);
            }
        }
        if (tied.isEmpty()) {
            return producer.get().send(record);
        }
        TiedSend send = new TiedSend(null, tied, record);
        attempt(send);
        return send;
    }

    /** Sends (again); the outcome comes back to {@link TiedSend#accept}. */
    @SuppressWarnings("FutureReturnValueIgnored") // the send itself routes the outcome; nothing waits on the stage
    private void attempt(TiedSend send) {
        send.attempts++; // before the send: its callback may run on another thread at once
        CompletableFuture<RecordMetadata> f;
        try {
            f = producer.get().send(send.record);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        if (f.isDone() && !f.isCompletedExceptionally()) {
            send.succeeded(f.join());
        } else {
            f.whenComplete(send);
        }
    }

    /** Blocks until every record sent so far is durably accepted or has failed. */
    public void flush() {
        producer.get().flush();
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
    }

    /**
     * One send tied to events, with what a retry needs. It is itself the future the caller gets, and the callback of
     * each attempt: one object per send on the hot path.
     */
    @SuppressWarnings("serial") // never serialized
    private final class TiedSend extends CompletableFuture<RecordMetadata>
            implements
                Resender.Retryable,
                BiConsumer<RecordMetadata, Throwable> {
        private final EventImpl<?, ?> cause;
        private final List<EventImpl<?, ?>> causes;
        final ProducedRecord record;
        int attempts;
        long firstFailureNanos = Long.MIN_VALUE;

        /** One cause, or (cause null) several. */
        TiedSend(EventImpl<?, ?> cause, List<EventImpl<?, ?>> causes, ProducedRecord record) {
            this.cause = cause;
            this.causes = causes;
            this.record = record;
        }

        /** An attempt's outcome. */
        @Override
        public void accept(RecordMetadata md, Throwable err) {
            if (err == null) {
                succeeded(md);
                return;
            }
            Throwable error = unwrap(err);
            if (producer.get().isRetriable(error) && !stopped.getAsBoolean() && resender.retry(this, error)) {
                return;
            }
            giveUp(error);
        }

        void succeeded(RecordMetadata md) {
            if (cause != null) {
                cause.sendSucceeded();
            } else {
                causes.forEach(EventImpl::sendSucceeded);
            }
            complete(md);
        }

        /** The send failed for good: each cause's policy decides; the caller's future fails. */
        private void giveUp(Throwable error) {
            if (log.isDebugEnabled()) {
                log.debug("send to {} failed after {} attempt(s): {}", record.topic(), attempts, error.toString());
            }
            completeExceptionally(error);
            if (cause != null) {
                cause.sendFailed(record, error, attempts);
            } else {
                causes.forEach(e -> e.sendFailed(record, error, attempts));
            }
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

        /** The worker is stopping: abandoned, its causes stay uncommitted (they are processed again). */
        @Override
        public void abandon(Throwable reason) {
            completeExceptionally(reason);
            if (cause != null) {
                cause.sendAbandoned();
            } else {
                causes.forEach(EventImpl::sendAbandoned);
            }
        }
    }
}
