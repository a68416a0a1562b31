package dev.faust4j.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs a race many times on one team of threads (a plain-JUnit stand-in for jcstress): each round the test sets up
 * fresh objects on the calling thread, every party then runs at the same time (a barrier releases them together,
 * and they wait for each other before starting), and the test checks the outcome once they have all finished. The
 * barriers order setup before the parties and the parties before the check, so the objects need no volatile fields.
 *
 * <p>A party that throws fails the run (with the round), and so does a round that does not finish within
 * {@code roundTimeout} (a lost wake-up or a lost event); parties that wait for each other check {@link #failed()}
 * so that one failure does not leave the others waiting. Not thread-safe: one run at a time, once.
 */
public final class Race {
    /** What one party does in a round; {@code index} is 0 to parties - 1. */
    @FunctionalInterface
    public interface Party {
        void run(int index) throws Exception;
    }

    private final int parties;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private int maxRounds = 1_000;
    private Duration budget = Duration.ofSeconds(2);
    private Duration roundTimeout = Duration.ofSeconds(10);

    private Race(int parties) {
        this.parties = parties;
    }

    public static Race of(int parties) {
        return new Race(parties);
    }

    /** At most this many rounds. */
    public Race rounds(int max) {
        this.maxRounds = max;
        return this;
    }

    /** No new round once this much time was spent (keeps the suite fast on a loaded machine). */
    public Race budget(Duration budget) {
        this.budget = budget;
        return this;
    }

    /** A round not finished in this time fails. */
    public Race roundTimeout(Duration timeout) {
        this.roundTimeout = timeout;
        return this;
    }

    /** True once a party failed: parties that wait for each other should give up (check it while waiting). */
    public boolean failed() {
        return failure.get() != null;
    }

    /** Runs the rounds; returns how many ran. {@code setup} and {@code check} get the round number. */
    public int run(RoundStep setup, Party party, RoundStep check) throws Exception {
        CyclicBarrier start = new CyclicBarrier(parties + 1);
        CyclicBarrier end = new CyclicBarrier(parties + 1);
        AtomicInteger arrived = new AtomicInteger();
        boolean[] stop = {false}; // written before the start barrier, read after it
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < parties; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        start.await();
                        if (stop[0]) {
                            return;
                        }
                        // the barrier wakes threads one by one: line them up so the race really overlaps
                        arrived.incrementAndGet();
                        while (arrived.get() < parties) {
                            Thread.yield();
                        }
                        try {
                            party.run(index);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                        end.await();
                    }
                } catch (InterruptedException | BrokenBarrierException e) {
                    // the run failed or timed out: leave
                }
            }, "race-party-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
        long began = System.nanoTime();
        int round = 0;
        try {
            for (; round < maxRounds && (round == 0 || System.nanoTime() - began < budget.toNanos()); round++) {
                setup.run(round);
                arrived.set(0);
                start.await(roundTimeout.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    end.await(roundTimeout.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException e) {
                    Throwable first = failure.get();
                    failure.compareAndSet(null, e);
                    throw new AssertionError("round " + round + " did not finish within " + roundTimeout
                            + (first == null ? "" : " (a party failed first: " + first + ")"), first);
                }
                if (failure.get() != null) {
                    throw new AssertionError("round " + round + ": " + failure.get(), failure.get());
                }
                check.run(round);
            }
            stop[0] = true;
            start.await(roundTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } finally {
            for (Thread t : threads) {
                t.interrupt();
            }
            for (Thread t : threads) {
                t.join(1_000);
            }
        }
        return round;
    }

    /** Setup or check of a round. */
    @FunctionalInterface
    public interface RoundStep {
        void run(int round) throws Exception;
    }
}
