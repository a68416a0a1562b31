package dev.faust4j.internal.stream;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.failure.AgentOutcome;
import dev.faust4j.internal.failure.Misuse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The thread behind {@code through} and {@code groupBy}: it iterates the upstream stream (running the processors
 * registered before the forwarding), forwards each value to the target topic and acks it; the ack completes once
 * the forwarded record is durable, so the input is never committed before its copy exists.
 *
 * <p>Design. A failure (a processor, a key function) goes to the agent's error policy for the event in hand,
 * exactly as if the agent had thrown on it: skip, dead-letter, fail, or retry in place after the backoff. A misuse
 * (a {@code groupBy} field of the wrong type) fails the agent. The thread ends when the stream ends (stop) or the
 * agent is stopped.
 *
 * <p>Thread-safety: {@link #start} may be called from any thread; the rest runs on the forwarder's thread.
 */
final class Forwarder<K, V> {
    private static final Logger log = LoggerFactory.getLogger(Forwarder.class);

    /** Sends one processed event on (to the target topic). */
    @FunctionalInterface
    interface Forward<K, V> {
        void forward(EventImpl<K, V> event, Object value);
    }

    private final BaseStream<K, V> upstream;
    private final Forward<K, V> forward;
    private final String name;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition never = lock.newCondition();
    private Thread thread;

    Forwarder(BaseStream<K, V> upstream, Forward<K, V> forward) {
        this.upstream = upstream;
        this.forward = forward;
        this.name = upstream.ctx.readerName();
    }

    void start() {
        lock.lock();
        try {
            if (thread == null) {
                thread = upstream.ctx.threads().apply("faust4j-forward-" + name, this::run);
            }
        } finally {
            lock.unlock();
        }
    }

    private void run() {
        upstream.bindToThread();
        try {
            while (true) {
                EventImpl<K, V> e;
                try {
                    e = upstream.poll(Subscription.NO_DEADLINE);
                } catch (RuntimeException processorFailed) {
                    if (!handle(processorFailed)) {
                        return;
                    }
                    continue;
                }
                if (e == null) {
                    return; // the stream ended
                }
                try {
                    forward.forward(e, e.yielded());
                } catch (RuntimeException forwardFailed) {
                    if (!handle(forwardFailed)) {
                        return;
                    }
                    continue;
                }
                upstream.current = null;
                e.ack();
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } finally {
            upstream.giveBackUnread();
        }
    }

    /** Applies the agent's policy to the event in hand; returns false when forwarding must stop. */
    private boolean handle(RuntimeException error) throws InterruptedException {
        List<EventImpl<?, ?>> inHand = new java.util.ArrayList<>();
        upstream.collectInHand(inHand);
        if (Misuse.is(error)) {
            upstream.handAgain(inHand); // unprocessed: back to the buffer, never acked
            upstream.forgetInHand();
            AgentControl agent = upstream.ctx.agent();
            if (agent != null) {
                agent.misused(error);
            } else {
                log.error("A stream misuses the API while forwarding: {}; forwarding stops", error.getMessage());
            }
            return false;
        }
        ErrorPolicy policy = upstream.ctx.readerPolicy();
        AgentOutcome outcome = upstream.ctx.failures().agentFailed(name + " (forwarding)", inHand, false, error,
                policy);
        upstream.forgetInHand();
        return switch (outcome) {
            case AgentOutcome.Restart r -> true;
            case AgentOutcome.StopWorker s -> false;
            case AgentOutcome.Redeliver r -> {
                waitFor(r.delay().toNanos());
                upstream.handAgain(inHand);
                yield !upstream.ctx.stopped();
            }
        };
    }

    private void waitFor(long nanos) throws InterruptedException {
        long deadline = upstream.ctx.ticker().nanoTime() + nanos;
        lock.lock();
        try {
            while (upstream.ctx.ticker().nanoTime() < deadline && !upstream.ctx.stopped()) {
                upstream.ctx.ticker().awaitUntil(never, deadline);
            }
        } finally {
            lock.unlock();
        }
    }
}
