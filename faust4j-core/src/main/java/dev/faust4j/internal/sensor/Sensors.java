package dev.faust4j.internal.sensor;

import dev.faust4j.Agent;
import dev.faust4j.AppState;
import dev.faust4j.Partition;
import dev.faust4j.Sensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.faust4j.Partition;
import java.util.Arrays;
import java.util.Map;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The app's sensors as one: every hook is passed to each sensor in the order they were added, and an exception a
 * sensor throws is caught, so that it never breaks processing, and logged once per sensor and hook.
 *
 * <p>Design. The rooms that report events hold this one object (never the app). {@link #enabled()} is false when
 * no sensor was added: the hot path then skips the hooks and the clock readings they need, so an app without
 * sensors pays one well-predicted branch per record.
 *
 * <p>Thread-safety: {@link #add} before the worker starts, from the thread declaring the app; the hooks are
 * thread-safe.
 */
public final class Sensors implements Sensor {
    private static final Logger log = LoggerFactory.getLogger(Sensors.class);
    private Sensor[] sensors = new Sensor[0];
    private boolean enabled;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** No sensor yet. */
    public Sensors() {
    }

    /**
     * Adds a sensor; only before the worker starts (the app checks), so that the plain fields are published to the
     * worker's threads by their start.
     */
    public void add(Sensor sensor) {
        Sensor[] next = Arrays.copyOf(sensors, sensors.length + 1);
        next[sensors.length] = sensor;
        sensors = next;
        enabled = true;
    }

    /** True when at least one sensor listens: the hot path checks it before reading clocks for the hooks. */
    public boolean enabled() {
        return enabled;
    }

    /** A clock reading for a paired hook's duration, or 0 when no sensor listens. */
    public long start() {
        return enabled ? System.nanoTime() : 0L;
    }

    /** The nanoseconds since {@code start} (a {@link #start()} reading). */
    public static long since(long start) {
        return System.nanoTime() - start;
    }

    private void failed(int i, String hook, RuntimeException e) {
        if (reported.add(i + hook)) {
            log.warn("sensor {} threw from {} (ignored; reported once): {}", sensors[i].getClass().getName(), hook,
                    e.toString());
        }
    }

    @Override
    public void onStateChange(AppState previous, AppState current) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onStateChange(previous, current);
            } catch (RuntimeException e) {
                failed(i, "onStateChange", e);
            }
        }
    }

    @Override
    public void onAgentStateChange(String agent, Agent.State state) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onAgentStateChange(agent, state);
            } catch (RuntimeException e) {
                failed(i, "onAgentStateChange", e);
            }
        }
    }

    @Override
    public void onAgentCrashed(String agent, Throwable error) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onAgentCrashed(agent, error);
            } catch (RuntimeException e) {
                failed(i, "onAgentCrashed", e);
            }
        }
    }

    @Override
    public void onAgentRestarted(String agent) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onAgentRestarted(agent);
            } catch (RuntimeException e) {
                failed(i, "onAgentRestarted", e);
            }
        }
    }

    @Override
    public void onMessageIn(String topic, int partition, long offset, long timestampMs) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onMessageIn(topic, partition, offset, timestampMs);
            } catch (RuntimeException e) {
                failed(i, "onMessageIn", e);
            }
        }
    }

    @Override
    public void onStreamEventIn(String agent, String topic, int partition, long offset) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onStreamEventIn(agent, topic, partition, offset);
            } catch (RuntimeException e) {
                failed(i, "onStreamEventIn", e);
            }
        }
    }

    @Override
    public void onStreamEventOut(String agent, String topic, int partition, long offset, long timestampMs,
                                 long processingNanos) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onStreamEventOut(agent, topic, partition, offset, timestampMs, processingNanos);
            } catch (RuntimeException e) {
                failed(i, "onStreamEventOut", e);
            }
        }
    }

    @Override
    public void onMessageOut(String topic, int partition, long offset) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onMessageOut(topic, partition, offset);
            } catch (RuntimeException e) {
                failed(i, "onMessageOut", e);
            }
        }
    }

    @Override
    public void onClientCreated(String role, Object client) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onClientCreated(role, client);
            } catch (RuntimeException e) {
                failed(i, "onClientCreated", e);
            }
        }
    }

    @Override
    public void onClientClosed(String role, Object client) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onClientClosed(role, client);
            } catch (RuntimeException e) {
                failed(i, "onClientClosed", e);
            }
        }
    }

    @Override
    public void onDeadLetter(String topic, String deadLetterTopic) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onDeadLetter(topic, deadLetterTopic);
            } catch (RuntimeException e) {
                failed(i, "onDeadLetter", e);
            }
        }
    }

    @Override
    public void onCommitStarted() {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onCommitStarted();
            } catch (RuntimeException e) {
                failed(i, "onCommitStarted", e);
            }
        }
    }

    @Override
    public void onCommitCompleted(Map<Partition, Long> offsets, long nanos) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onCommitCompleted(offsets, nanos);
            } catch (RuntimeException e) {
                failed(i, "onCommitCompleted", e);
            }
        }
    }

    @Override
    public void onCommitFailed(Throwable error, long nanos) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onCommitFailed(error, nanos);
            } catch (RuntimeException e) {
                failed(i, "onCommitFailed", e);
            }
        }
    }

    @Override
    public void onSendStarted(String topic) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onSendStarted(topic);
            } catch (RuntimeException e) {
                failed(i, "onSendStarted", e);
            }
        }
    }

    @Override
    public void onSendCompleted(String topic, int partition, long offset, long nanos) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onSendCompleted(topic, partition, offset, nanos);
            } catch (RuntimeException e) {
                failed(i, "onSendCompleted", e);
            }
        }
    }

    @Override
    public void onSendFailed(String topic, Throwable error, long nanos) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onSendFailed(topic, error, nanos);
            } catch (RuntimeException e) {
                failed(i, "onSendFailed", e);
            }
        }
    }

    @Override
    public void onRebalanceStarted(Set<Partition> revoked) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onRebalanceStarted(revoked);
            } catch (RuntimeException e) {
                failed(i, "onRebalanceStarted", e);
            }
        }
    }

    @Override
    public void onRebalanceEnded(Set<Partition> assigned, long nanos) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onRebalanceEnded(assigned, nanos);
            } catch (RuntimeException e) {
                failed(i, "onRebalanceEnded", e);
            }
        }
    }

    @Override
    public void onPartitionsPaused(Set<Partition> partitions) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onPartitionsPaused(partitions);
            } catch (RuntimeException e) {
                failed(i, "onPartitionsPaused", e);
            }
        }
    }

    @Override
    public void onPartitionsResumed(Set<Partition> partitions) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onPartitionsResumed(partitions);
            } catch (RuntimeException e) {
                failed(i, "onPartitionsResumed", e);
            }
        }
    }

    @Override
    public void onTableGet(String table, Object key) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onTableGet(table, key);
            } catch (RuntimeException e) {
                failed(i, "onTableGet", e);
            }
        }
    }

    @Override
    public void onTableSet(String table, Object key, Object value) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onTableSet(table, key, value);
            } catch (RuntimeException e) {
                failed(i, "onTableSet", e);
            }
        }
    }

    @Override
    public void onTableDelete(String table, Object key) {
        for (int i = 0; i < sensors.length; i++) {
            try {
                sensors[i].onTableDelete(table, key);
            } catch (RuntimeException e) {
                failed(i, "onTableDelete", e);
            }
        }
    }
}
