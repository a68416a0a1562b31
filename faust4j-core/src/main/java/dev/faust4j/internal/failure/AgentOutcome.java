package dev.faust4j.internal.failure;

import java.time.Duration;

/**
 * What the supervisor of an agent instance does after {@link ErrorHandling#agentFailed} applied the policy to the
 * events in hand.
 */
public sealed interface AgentOutcome {

    /** The events in hand are settled (acked, dead-lettered, or there were none): restart the instance. */
    record Restart() implements AgentOutcome {}

    /** The events in hand must be processed again, in place, by the restarted instance after {@code delay}. */
    record Redeliver(Duration delay) implements AgentOutcome {}

    /** The worker is stopping (fail policy): do not restart. */
    record StopWorker() implements AgentOutcome {}
}
