package dev.faust4j;

/**
 * Where a worker is in its life, as {@link App#state()} reports it and {@link Sensor#onStateChange} announces it.
 *
 * <pre>
 * CREATED ──start()──► STARTING ──► REBALANCING ◄──► RECOVERING ──► RUNNING
 *                                       ▲                              │
 *                                       └──────── a rebalance ─────────┘
 * any of them ──stop()──► STOPPING ──► STOPPED        a failure ──► STOPPING ──► FAILED
 * </pre>
 *
 * <p>A worker is <em>ready</em> ({@code /health/ready}) only while {@link #RUNNING}: it holds its partitions and
 * their tables are whole. It is <em>live</em> ({@code /health/live}) unless it {@link #FAILED} or stopped. A worker
 * whose agents read no topic (only tasks and timers, or channels) goes from {@code STARTING} to {@code RUNNING}.
 * <pre>{@code
 * app.start();
 * Awaitility.await().until(() -> app.state() == AppState.RUNNING);
 * }</pre>
 *
 * <p>Thread-safety: an enum, immutable; {@link App#state()} may be read from any thread.
 */
public enum AppState {
    /** Built, not started: topics, agents and tables may still be declared. */
    CREATED,
    /** {@link App#start()} is declaring topics and loading the global tables. */
    STARTING,
    /** Waiting for the consumer group to hand this worker its partitions (joining, or a rebalance running). */
    REBALANCING,
    /** Partitions are assigned, and some of their tables are being restored from their changelogs. */
    RECOVERING,
    /** Processing: every assigned partition is read and its tables are whole. */
    RUNNING,
    /** Stopping gracefully: in-hand events finish, acked offsets are committed. */
    STOPPING,
    /** Stopped cleanly (exit code 0). */
    STOPPED,
    /** Stopped because of a failure (exit code 1): an agent that may not restart, a fatal broker error. */
    FAILED;

    /** True while {@link #RUNNING}: the state {@code /health/ready} answers 200 for. */
    public boolean ready() {
        return this == RUNNING;
    }

    /** True unless stopped or failed: the state {@code /health/live} answers 200 for. */
    public boolean live() {
        return this != STOPPED && this != FAILED;
    }
}
