package dev.faust4j.internal.agent;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How an agent instance is restarted after it threw: exponential backoff with jitter, and when to give up.
 *
 * <p>Design. The n-th crash in a row (no event got past in between) waits a random time between half and all of
 * {@code initial × 2^(n-1)}, at most {@code max} ("equal jitter": spread out, never much shorter than planned).
 * After more than {@code maxInARow} crashes in a row the agent gives up: it stops, alone, unless the app asks the
 * worker to stop with it. Crashes whose events are retried by a retry policy do not count: that policy bounds them.
 *
 * @param initial   the first backoff ({@code agentRestartBackoff})
 * @param max       the longest backoff ({@code agentRestartBackoffMax})
 * @param maxInARow crashes in a row before the agent gives up ({@code agentMaxRestarts})
 * @param stopWorker whether giving up (or a misuse) stops the worker too ({@code agentFailureStopsWorker})
 */
public record Restarts(Duration initial, Duration max, int maxInARow, boolean stopWorker) {

    /** The wait before restarting after the {@code inARow}-th crash in a row (1 or more). */
    public Duration backoff(int inARow) {
        long nanos = initial.toNanos();
        long cap = max.toNanos();
        for (int i = 1; i < inARow && nanos < cap; i++) {
            nanos = nanos > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : nanos * 2;
        }
        nanos = Math.min(nanos, cap);
        long half = nanos / 2;
        return Duration.ofNanos(half + (half > 0 ? ThreadLocalRandom.current().nextLong(half + 1) : 0));
    }

    /** True once {@code inARow} crashes in a row are too many. */
    public boolean givesUp(int inARow) {
        return inARow > maxInARow;
    }
}
