package dev.faust4j.internal.stream;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.internal.event.StreamProbe;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.internal.send.Sender;
import dev.faust4j.time.Ticker;

import java.util.function.BiFunction;

/**
 * What a stream needs from its app: the clock, the sender (forwarding), a way to start the forwarder threads,
 * failure handling for forwarders, the partition count of the repartition topics it creates, and the agent
 * iterating it (null for a stream iterated in a task). Immutable and thread-safe.
 *
 * @param ticker            the app's clock ({@code take(within)})
 * @param sender            sends forwarded records
 * @param threads           starts a named virtual thread of the app (joined on stop)
 * @param failures          applies error policies (forwarders)
 * @param defaultPartitions {@code topic_partitions}, for repartition topics
 * @param appPolicy         the app's agent error policy, for streams outside agents
 * @param ops               the operations streams delegate to
 * @param sensors           the app's sensors (stream events in and out)
 * @param agent             the agent iterating the stream, or null
 */
public record StreamContext(Ticker ticker, Sender sender, BiFunction<String, Runnable, Thread> threads,
                            ErrorHandling failures,
                            int defaultPartitions, ErrorPolicy appPolicy, StreamOps ops, Sensors sensors,
                            AgentControl agent) {

    /** The same context for a stream iterated by this agent. */
    public StreamContext forAgent(AgentControl agent) {
        return new StreamContext(ticker, sender, threads, failures, defaultPartitions, appPolicy, ops, sensors, agent);
    }

    /** The error policy of the stream's reader. */
    public ErrorPolicy readerPolicy() {
        return agent != null ? agent.errorPolicy() : appPolicy;
    }

    /** The reader's name for logs and thread names. */
    public String readerName() {
        return agent != null ? agent.name() : "stream";
    }

    /** The hook reporting this reader's events to the sensors, or null when no sensor listens. */
    public StreamProbe probe() {
        return sensors.enabled() ? new StreamProbe(readerName(), sensors) : null;
    }

    /** True once the reader's agent was stopped. */
    public boolean stopped() {
        return agent != null && agent.isStopped();
    }
}
