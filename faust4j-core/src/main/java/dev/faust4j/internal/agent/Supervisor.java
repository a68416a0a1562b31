package dev.faust4j.internal.agent;

import dev.faust4j.AgentFunction;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.EventStream;
import dev.faust4j.Sensor;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.event.InHand;
import dev.faust4j.internal.failure.AgentOutcome;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.failure.Misuse;
import dev.faust4j.internal.failure.WorkerControl;
import dev.faust4j.internal.stream.Supervisable;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs one instance of an agent, one-for-one as Faust's supervisor: the function on its stream, and what follows
 * when it returns or throws.
 *
 * <p>Design. Returning ends the instance (the event in hand is acked, as when Faust closes the generator). Throwing
 * hands the events in hand to {@link ErrorHandling}, whose {@link AgentOutcome} says what happens next: restart,
 * hand the events again (retry, or a noack reader's unacked events), or end because the worker stops. The restart
 * waits a growing backoff while the instance keeps failing without getting past an event ({@link Restarts}), and
 * the agent gives up after too many failures in a row. A misuse of the stream API is not retried: the agent fails
 * at once with one line. Waits end early when the agent or the app stops.
 *
 * <p>Thread-safety: runs on the instance's own virtual thread.
 */
final class Supervisor<K, V> {
    private static final Logger log = LoggerFactory.getLogger(Supervisor.class);

    private final String name;
    private final AgentFunction<K, V> function;
    private final EventStream<K, V> stream;
    private final Supervisable control;
    private final Supplier<ErrorPolicy> policy;
    private final AgentLife life;
    private final Restarts restarts;
    private final ErrorHandling handling;
    private final WorkerControl worker;
    private final Ticker ticker;
    private final BooleanSupplier appStopping;
    private final Consumer<String> giveUp;
    private int inARow;
    private final Sensor sensor;

    Supervisor(String name, AgentFunction<K, V> function, EventStream<K, V> stream, Supervisable control,
               Supplier<ErrorPolicy> policy, AgentLife life, Restarts restarts, ErrorHandling handling,
               WorkerControl worker, Ticker ticker, BooleanSupplier appStopping, Consumer<String> giveUp,
               Sensor sensor) {
        this.name = name;
        this.function = function;
        this.stream = stream;
        this.control = control;
        this.policy = policy;
        this.life = life;
        this.restarts = restarts;
        this.handling = handling;
        this.worker = worker;
        this.ticker = ticker;
        this.appStopping = appStopping;
        this.giveUp = giveUp;
        this.sensor = sensor;
    }

    void run() {
        try {
            while (!life.stopped() && !appStopping.getAsBoolean()) {
                long progressBefore = control.progress();
                control.starting();
                try {
                    function.process(stream);
                    control.completeNormally();
                    return;
                } catch (Throwable t) {
                    if (appStopping.getAsBoolean() && interrupted(t)) {
                        return;
                    }
                    if (!recover(t, control.progress() != progressBefore)) {
                        return;
                    }
                }
            }
        } finally {
            control.returnUnread(); // what this instance read ahead is not processed by it
            InHand.unbind();
            life.instanceEnded();
        }
    }

    /** Handles a failure of the function; returns true to run it again. */
    private boolean recover(Throwable error, boolean progressed) {
        sensor.onAgentCrashed(name, error);
        List<EventImpl<?, ?>> inHand = control.inHand();
        if (Misuse.is(error)) {
            control.redeliver(inHand); // unprocessed: back to the buffer, never acked
            control.clearInHand();
            giveUp.accept(
                    "agent " + name + " misuses the stream API: " + error.getMessage() + " (it is not restarted)");
            return false;
        }
        AgentOutcome outcome = handling.agentFailed(name, inHand, control.ownsAcks(), error, policy.get());
        if (!(outcome instanceof AgentOutcome.Redeliver)) {
            control.clearInHand();
        }
        worker.requestCommit();
        inARow = progressed ? 1 : inARow + 1;
        Duration wait;
        switch (outcome) {
            case AgentOutcome.StopWorker s -> {
                return false;
            }
            case AgentOutcome.Redeliver r -> {
                control.redeliver(inHand); // before forgetting them: a key's next event must not overtake them
                control.clearInHand();
                boolean retrying = policy.get() instanceof ErrorPolicy.Retry && !control.ownsAcks();
                if (retrying) {
                    inARow = Math.max(0, inARow - 1); // bounded by the retry policy itself
                    wait = r.delay();
                } else {
                    wait = restarts.backoff(inARow);
                }
            }
            case AgentOutcome.Restart r -> wait = restarts.backoff(inARow);
        }
        if (restarts.givesUp(inARow)) {
            giveUp.accept("agent " + name + " failed " + inARow + " times in a row without getting past an event");
            return false;
        }
        log.info("Agent {} restarts in {} ms", name, wait.toMillis());
        life.restarting(true);
        try {
            if (!life.awaitUntil(ticker, ticker.nanoTime() + wait.toNanos())) {
                return false;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            life.restarting(false);
        }
        if (appStopping.getAsBoolean()) {
            return false;
        }
        sensor.onAgentRestarted(name);
        return true;
    }

    private static boolean interrupted(Throwable t) {
        return t instanceof InterruptedException || t.getCause() instanceof InterruptedException;
    }
}
