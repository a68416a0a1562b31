package dev.faust4j.internal.stream;

import dev.faust4j.ErrorPolicy;

/**
 * What a stream needs to know about the agent iterating it: its name and concurrency (for misuse checks and
 * thread names), its error policy, whether it was stopped (a failed agent's streams end), and where to report a
 * misuse found off the agent's own thread (a forwarder). Implemented by the agent; thread-safe.
 */
public interface AgentControl {

    String name();

    int concurrency();

    /** True when the agent runs one instance per partition ({@code isolatedPartitions()}). */
    boolean isolatesPartitions();

    ErrorPolicy errorPolicy();

    /** True once the agent was stopped (it failed): its streams end and its forwarders stop. */
    boolean isStopped();

    /** A forwarder of this agent found a misuse: the agent fails at once. */
    void misused(RuntimeException misuse);
}
