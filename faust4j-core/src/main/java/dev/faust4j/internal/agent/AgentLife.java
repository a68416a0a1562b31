package dev.faust4j.internal.agent;

import dev.faust4j.Agent;
import dev.faust4j.Sensor;
import dev.faust4j.time.Ticker;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one agent, shared by its instances: running, restarting, failed or stopped, and the wait between
 * a crash and the restart (which ends early when the agent or the app stops).
 *
 * <p>Thread-safety: thread-safe.
 */
final class AgentLife {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile Agent.State state = Agent.State.CREATED;
    private volatile boolean stopped;
    private int running;
    private String name = "";
    private Sensor sensor = NO_SENSOR;
    private static final Sensor NO_SENSOR = new Sensor() {};

    Agent.State state() {
        return state;
    }

    /** True once the agent failed or the app stops it: its instances must end. */
    boolean stopped() {
        return stopped;
    }

    /** The agent starts {@code instances} instances; its state changes are reported to {@code sensor} from now. */
    void started(int instances, String agentName, Sensor reportTo) {
        lock.lock();
        try {
            name = agentName;
            sensor = reportTo;
            running = instances;
            moveTo(Agent.State.RUNNING);
        } finally {
            lock.unlock();
        }
    }

    /** One more instance runs (isolated partitions: a partition was assigned). */
    void instanceStarted() {
        lock.lock();
        try {
            running++;
        } finally {
            lock.unlock();
        }
    }

    /** An instance waits to be restarted, or runs again. */
    void restarting(boolean waiting) {
        lock.lock();
        try {
            if (state == Agent.State.RUNNING || state == Agent.State.RESTARTING) {
                moveTo(waiting ? Agent.State.RESTARTING : Agent.State.RUNNING);
            }
        } finally {
            lock.unlock();
        }
    }

    /** The agent gave up or misused the API: it stops, and its state stays FAILED. */
    void failed() {
        lock.lock();
        try {
            moveTo(Agent.State.FAILED);
            stopped = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The app stops: waiting instances wake up and end. */
    void stop() {
        lock.lock();
        try {
            stopped = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** An instance ended; once all have, a running agent is STOPPED. */
    void instanceEnded() {
        lock.lock();
        try {
            running--;
            if (running <= 0 && state != Agent.State.FAILED) {
                moveTo(Agent.State.STOPPED);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the new state, reported when it changed (so in order). */
    private void moveTo(Agent.State next) {
        if (state != next) {
            state = next;
            sensor.onAgentStateChange(name, next);
        }
    }

    /** Waits until the ticker passes {@code deadline}; returns false when the agent was stopped meanwhile. */
    boolean awaitUntil(Ticker ticker, long deadline) throws InterruptedException {
        lock.lock();
        try {
            while (!stopped && ticker.nanoTime() < deadline) {
                ticker.awaitUntil(wake, deadline);
            }
            return !stopped;
        } finally {
            lock.unlock();
        }
    }
}
