package dev.faust4j.internal.failure;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * Applies an {@link ErrorPolicy} to failed events: records that cannot be decoded, events in hand when an agent
 * threw, and events whose outputs could not be sent. It says in its one log line what it did (skipped, sent to a
 * dead-letter topic, kept for another attempt, or stopped the worker) and never logs a payload. Per-record lines
 * are budgeted ({@link LogBudget}: ten of a kind a minute), so a topic full of bad records cannot flood the log.
 *
 * <p>Design. Skip acks; dead-letter ties a copy's send to the events and then acks them (the ack completes when
 * the copy is durable); fail drops them (their offsets stay uncommitted) and stops the worker through
 * {@link WorkerControl}; retry asks the supervisor to hand the events to the restarted agent again. Events a
 * {@code noack()} reader owns are never acked here.
 *
 * <p>Thread-safety: thread-safe (stateless apart from its collaborators and its thread-safe log budget).
 */
public final class ErrorHandling {
    private static final Logger log = LoggerFactory.getLogger(ErrorHandling.class);
    private static final int MAX_POSITIONS = 10;
    /** Per kind of per-record line; the rest are counted and reported by the next line ({@link LogBudget}). */
    static final int LINES_PER_MINUTE = 10;

    private final DeadLetters deadLetters;
    private final WorkerControl worker;
    private final LogBudget budget;

    /**
     * @param ticker the app's clock, for {@link LogBudget}: of each kind of per-record line (skipped, dead-lettered,
     *               retried), at most {@value #LINES_PER_MINUTE} a minute
     */
    public ErrorHandling(DeadLetters deadLetters, WorkerControl worker, Ticker ticker) {
        this.deadLetters = deadLetters;
        this.worker = worker;
        this.budget = new LogBudget(ticker, LINES_PER_MINUTE, Duration.ofMinutes(1));
    }

    /**
     * A record could not be decoded. {@code deliveries} are its deliveries to the subscriptions that share the
     * failing codecs (at least one); the topic's {@code policy} applies to them together (one dead-letter copy).
     */
    public void decodeFailed(List<? extends EventImpl<?, ?>> deliveries, RuntimeException error, ErrorPolicy policy) {
        ConsumedRecord r = deliveries.getFirst().record();
        String where = "topic=" + r.topic() + " partition=" + r.partition() + " offset=" + r.offset();
        switch (policy.terminal()) {
            case ErrorPolicy.Skip s -> {
                long left = budget.take("decode-skip");
                if (left >= 0) {
                    log.warn("Skipping a record that cannot be decoded ({}): {}{}", where, error.toString(),
                            LogBudget.leftOut(left));
                }
                deliveries.forEach(EventImpl::ack);
            }
            case ErrorPolicy.DeadLetter d -> {
                if (deadLetters.send(d.topic(), deliveries, r, error, 1)) {
                    long left = budget.take("decode-dead-letter");
                    if (left >= 0) {
                        log.warn("Sending a record that cannot be decoded to dead-letter topic {} ({}): {}{}",
                                d.topic(), where, error.toString(), LogBudget.leftOut(left));
                    }
                }
                deliveries.forEach(EventImpl::ack);
            }
            case ErrorPolicy.Fail f -> {
                log.error("Stopping the worker: a record cannot be decoded and the policy is fail ({}): {}", where,
                        error.toString());
                deliveries.forEach(EventImpl::drop);
                worker.fail("undecodable record at " + where);
            }
            case ErrorPolicy.Retry retry -> throw new AssertionError("terminal() never returns a retry policy");
        }
    }

    /**
     * A record sent because of {@code event} failed for good. The reader's {@code policy} decides about the
     * event: skip forgives the send (the input is committed without that output), dead-letter copies the input,
     * fail keeps it uncommitted and stops the worker.
     */
    public void sendFailed(EventImpl<?, ?> event, ProducedRecord sent, Throwable error, int attempts,
                           ErrorPolicy policy) {
        String where = event.position();
        switch (policy.terminal()) {
            case ErrorPolicy.Skip s -> {
                log.error(
                        "Sending to {} because of {} failed after {} attempt(s): {}; skipped (the input is committed without it,"
                                + " unless exactly-once: then the transaction is aborted)",
                        sent.topic(), where, attempts, error.toString());
                event.sendSucceeded();
            }
            case ErrorPolicy.DeadLetter d -> {
                ConsumedRecord input = event.record();
                if (input != null && deadLetters.send(d.topic(), List.of(event), input, error, attempts)) {
                    log.error(
                            "Sending to {} because of {} failed after {} attempt(s): {}; the input goes to dead-letter topic {}",
                            sent.topic(), where, attempts, error.toString(), d.topic());
                } else {
                    log.error("Sending to {} because of {} failed after {} attempt(s): {}; skipped", sent.topic(),
                            where, attempts, error.toString());
                }
                event.sendSucceeded();
            }
            case ErrorPolicy.Fail f -> {
                log.error(
                        "Stopping the worker: sending to {} because of {} failed after {} attempt(s) and the policy is fail; "
                                + "the input stays uncommitted: {}",
                        sent.topic(), where, attempts, error.toString());
                event.sendAbandoned();
                worker.fail("send to " + sent.topic() + " failed for " + where);
            }
            case ErrorPolicy.Retry retry -> throw new AssertionError("terminal() never returns a retry policy");
        }
        worker.requestCommit();
    }

    /**
     * Agent {@code agent} threw {@code error} with these events in hand (none, one, or a {@code take} batch).
     * {@code owned} is true when the reader acks its own events ({@code noack()}): those are never acked here.
     */
    public AgentOutcome agentFailed(String agent, List<? extends EventImpl<?, ?>> inHand, boolean owned,
                                    Throwable error,
                                    ErrorPolicy policy) {
        if (inHand.isEmpty()) {
            log.error("Agent {} raised with no event in hand", agent, error);
            return new AgentOutcome.Restart();
        }
        String where = positions(inHand);
        int attempt = 0;
        for (EventImpl<?, ?> e : inHand) {
            attempt = Math.max(attempt, e.failedOnce());
        }
        if (redeliveryWouldRepeatSends(policy, attempt, owned, inHand)
                && worker.requestAbort("agent " + agent + " raised while processing " + where + " after sending"
                        + " outputs for it (" + error + "); under exactly-once they go with the transaction")) {
            inHand.forEach(EventImpl::drop); // the rewind fetches them again, from the committed offset
            return new AgentOutcome.Restart();
        }
        if (policy instanceof ErrorPolicy.Retry retry && attempt < retry.attempts()) {
            Duration delay = retry.backoffBefore(attempt + 1);
            long left = budget.take("agent-retry");
            if (left >= 0) {
                log.warn("Agent {} raised while processing {} (attempt {} of {}); processing it again in {} ms{}",
                        agent, where, attempt, retry.attempts(), delay.toMillis(), LogBudget.leftOut(left), error);
            }
            return new AgentOutcome.Redeliver(delay);
        }
        ErrorPolicy terminal = policy.terminal();
        if (owned && !(terminal instanceof ErrorPolicy.Fail)) {
            log.error("Agent {} raised while processing {}, which it had not acked (noack); it is processed again",
                    agent, where, error);
            return new AgentOutcome.Redeliver(Duration.ZERO);
        }
        return switch (terminal) {
            case ErrorPolicy.Skip s -> {
                long left = budget.take("agent-skip");
                if (left >= 0) {
                    log.error("Agent {} raised while processing {}; skipped (acked){}", agent, where,
                            LogBudget.leftOut(left), error);
                }
                inHand.forEach(EventImpl::ack);
                yield new AgentOutcome.Restart();
            }
            case ErrorPolicy.DeadLetter d -> {
                int sent = 0;
                for (EventImpl<?, ?> e : inHand) {
                    if (e.record() != null
                            && deadLetters.send(d.topic(), List.of(e), e.record(), error, e.attempts())) {
                        sent++;
                    }
                    e.ack();
                }
                long left = budget.take("agent-dead-letter");
                if (left < 0) {
                    yield new AgentOutcome.Restart();
                }
                if (sent == inHand.size()) {
                    log.error("Agent {} raised while processing {}; sent to dead-letter topic {}{}", agent, where,
                            d.topic(), LogBudget.leftOut(left), error);
                } else {
                    log.error(
                            "Agent {} raised while processing {}; {} of {} sent to dead-letter topic {}, the rest skipped (acked){}",
                            agent, where, sent, inHand.size(), d.topic(), LogBudget.leftOut(left), error);
                }
                yield new AgentOutcome.Restart();
            }
            case ErrorPolicy.Fail f -> {
                log.error(
                        "Agent {} raised while processing {} and its policy is fail: stopping the worker; the event stays uncommitted",
                        agent, where, error);
                inHand.forEach(EventImpl::drop);
                worker.fail("agent " + agent + " failed on " + where);
                yield new AgentOutcome.StopWorker();
            }
            case ErrorPolicy.Retry retry -> throw new AssertionError("terminal() never returns a retry policy");
        };
    }

    /**
     * True when the events would be processed again in place (retry, or a noack reader's own events) although they
     * already caused sends: under exactly-once those sends are in the open transaction, so the transaction is
     * aborted instead and the records fetched again.
     */
    private static boolean redeliveryWouldRepeatSends(ErrorPolicy policy, int attempt, boolean owned,
                                                      List<? extends EventImpl<?, ?>> inHand) {
        boolean redeliver = (policy instanceof ErrorPolicy.Retry retry && attempt < retry.attempts())
                || (owned && !(policy.terminal() instanceof ErrorPolicy.Fail));
        if (!redeliver) {
            return false;
        }
        for (EventImpl<?, ?> e : inHand) {
            if (e.causedSends()) {
                return true;
            }
        }
        return false;
    }

    private static String positions(List<? extends EventImpl<?, ?>> events) {
        StringBuilder sb = new StringBuilder("[");
        int n = Math.min(events.size(), MAX_POSITIONS);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(events.get(i).position());
        }
        if (events.size() > n) {
            sb.append(", ... (").append(events.size()).append(" events)");
        }
        return sb.append(']').toString();
    }
}
