package dev.faust4j.internal.agent;

import dev.faust4j.Agent;

/** The app's rules for configuring agents: only before start, and names unique within the app. Thread-safe. */
public interface AgentRules {

    /** Throws {@link IllegalStateException} naming {@code what} once the app has started. */
    void requireNotStarted(String what);

    /** Throws {@link IllegalArgumentException} when another agent of the app has this name. */
    void checkName(Agent<?, ?> agent, String name);
}
