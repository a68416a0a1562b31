package dev.faust4j.internal.app;

import dev.faust4j.Agent;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.Topic;
import dev.faust4j.internal.agent.AgentImpl;
import dev.faust4j.internal.agent.AgentRules;
import dev.faust4j.internal.topic.Catalog;
import dev.faust4j.internal.topic.TopicImpl;
import dev.faust4j.spi.TopicSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * What an app declared: its topics (also those created at run time by {@code through} and {@code groupBy}), its
 * agents with their unique names, its tasks and timers, the value types of its channels; and the checks made on them before start (a dead-letter
 * loop that can be seen from the declarations is refused).
 *
 * <p>Thread-safety: declarations come from one thread before start; topics may be added at run time; reads are
 * thread-safe.
 */
final class Registry implements AgentRules, Catalog {
    private final String appId;
    private final Lifecycle lifecycle;
    private final Consumer<List<TopicSpec>> declarer;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<TopicImpl<?, ?>> topics = new CopyOnWriteArrayList<>();
    private final List<AgentImpl<?, ?>> agents = new CopyOnWriteArrayList<>();
    private final List<Class<?>> channelTypes = new CopyOnWriteArrayList<>();
    private final List<Body> tasks = new ArrayList<>();
    private final List<Map.Entry<Duration, Body>> timers = new ArrayList<>();

    /**
     * @param appId     for messages
     * @param lifecycle whether the app started
     * @param declarer  makes topics exist (the transport's {@code declareTopics})
     */
    Registry(String appId, Lifecycle lifecycle, Consumer<List<TopicSpec>> declarer) {
        this.appId = appId;
        this.lifecycle = lifecycle;
        this.declarer = declarer;
    }

    <T extends TopicImpl<?, ?>> T add(T topic) {
        topics.add(topic);
        return topic;
    }

    @Override
    public void register(Topic<?, ?> topic) {
        TopicImpl<?, ?> t = add((TopicImpl<?, ?>) topic);
        if (lifecycle.state() == Lifecycle.State.RUNNING) {
            t.declare();
        }
    }

    @Override
    public void declare(List<TopicSpec> specs) {
        declarer.accept(specs);
    }

    List<TopicImpl<?, ?>> topics() {
        return topics;
    }

    /** A channel of this value type was made (for the {@code models} command). */
    void addChannel(Class<?> valueType) {
        channelTypes.add(valueType);
    }

    /** The value types of the app's channels, one per channel. */
    List<Class<?>> channelTypes() {
        return channelTypes;
    }

    /** A free agent name based on {@code base} ({@code base}, {@code base-2}, ...). */
    String freeAgentName(String base) {
        String name = base;
        for (int i = 2; agentNamed(name) != null; i++) {
            name = base + "-" + i;
        }
        return name;
    }

    void add(AgentImpl<?, ?> agent) {
        lock.lock();
        try {
            checkName(agent, agent.name());
            agents.add(agent);
        } finally {
            lock.unlock();
        }
    }

    List<AgentImpl<?, ?>> agents() {
        return agents;
    }

    void addTask(Body task) {
        requireNotStarted("add a task");
        tasks.add(task);
    }

    void addTimer(Duration interval, Body task) {
        requireNotStarted("add a timer");
        if (interval.isZero() || interval.isNegative()) {
            throw new IllegalArgumentException("timer interval must be positive, got " + interval);
        }
        timers.add(Map.entry(interval, task));
    }

    List<Body> tasks() {
        return tasks;
    }

    List<Map.Entry<Duration, Body>> timers() {
        return timers;
    }

    @Override
    public void requireNotStarted(String what) {
        lifecycle.requireCreated(what, appId);
    }

    @Override
    public void checkName(Agent<?, ?> agent, String name) {
        AgentImpl<?, ?> other = agentNamed(name);
        if (other != null && other != agent) {
            throw new IllegalArgumentException("an agent named " + name + " already exists in app " + appId);
        }
    }

    private AgentImpl<?, ?> agentNamed(String name) {
        for (AgentImpl<?, ?> a : agents) {
            if (a.name().equals(name)) {
                return a;
            }
        }
        return null;
    }

    /**
     * Refuses a dead-letter loop visible from the declarations: an agent reading a topic whose decode error policy,
     * or whose own agent error policy, dead-letters into that same topic would copy a failing record into the
     * topic it reads, forever.
     *
     * @throws IllegalStateException naming the agent, the topic and the way out
     */
    void checkDeadLetterLoops() {
        for (AgentImpl<?, ?> agent : agents) {
            if (!(agent.sourceImpl() instanceof TopicImpl<?, ?> topic)) {
                continue;
            }
            checkLoop(agent.name(), topic, topic.decodeErrorPolicy(), "decode error policy",
                    "give the topic its own decode policy, for example TopicOptions...decodeErrorPolicy(ErrorPolicy.skip())");
            checkLoop(agent.name(), topic, agent.errorPolicy(), "agent error policy",
                    "give the agent another policy with onError(...)");
        }
    }

    private void checkLoop(String agent, Topic<?, ?> topic, ErrorPolicy policy, String which, String fix) {
        if (policy.terminal() instanceof ErrorPolicy.DeadLetter d && topic.names().contains(d.topic())) {
            throw new IllegalStateException("Dead-letter loop: agent " + agent + " reads topic " + d.topic()
                    + " and its " + which + " dead-letters into " + d.topic() + " itself, so a failing record would be "
                    + "copied into it forever; " + fix);
        }
    }

    /** Every dead-letter topic named by a policy of the app, its topics or its agents. */
    Set<String> deadLetterTopics(ErrorPolicy... appPolicies) {
        Set<String> out = new LinkedHashSet<>();
        List<ErrorPolicy> policies = new ArrayList<>(List.of(appPolicies));
        for (TopicImpl<?, ?> t : topics) {
            policies.add(t.decodeErrorPolicy());
        }
        for (AgentImpl<?, ?> a : agents) {
            policies.add(a.errorPolicy());
        }
        for (ErrorPolicy p : policies) {
            if (p.terminal() instanceof ErrorPolicy.DeadLetter d) {
                out.add(d.topic());
            }
        }
        return out;
    }
}
