package dev.faust4j.internal.table;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * The table restores under way, each on a virtual thread of its own, so that the poll thread keeps polling (and the
 * worker stays in its group) however long a changelog is.
 *
 * <p>Design. One job per set of partition numbers assigned together; {@link Tables} keeps their source partitions
 * paused until the job is done and asks {@link #finished} on the poll thread each turn (a job's end also wakes the
 * poll loop). A job that must stop (a partition of it is released, or one of its numbers must be read again since
 * another topic's partition of that number arrived) is cancelled and awaited: the restore then publishes nothing
 * and closes its stores (a RocksDB store keeps what it applied, with its offset), and {@link Tables} starts a new
 * job for the numbers still held. A job that failed fails the poll thread when asked, as a restore inside the
 * rebalance callback would.
 *
 * <p>Thread-safety: poll thread only (the jobs run on their own threads and only complete their futures).
 */
final class Restoring {
    private static final Duration CANCEL_WAIT = Duration.ofSeconds(60);

    /** Restores these partition numbers of every table; false when cancelled. */
    interface Restore {
        boolean restore(Set<Integer> numbers, BooleanSupplier cancelled);
    }

    /** One restore on its thread. */
    private static final class Job {
        final Set<Integer> numbers;
        final CompletableFuture<Boolean> done = new CompletableFuture<>();
        volatile boolean cancelled;

        Job(Set<Integer> numbers) {
            this.numbers = numbers;
        }
    }

    private final String appId;
    private final Restore restore;
    private final Runnable onDone;
    private final Map<Integer, Job> jobs = new HashMap<>();

    /**
     * @param restore restores partition numbers (on the job's thread)
     * @param onDone  called on the job's thread when it ends (wakes the poll loop)
     */
    Restoring(String appId, Restore restore, Runnable onDone) {
        this.appId = appId;
        this.restore = restore;
        this.onDone = onDone;
    }

    /** Starts restoring these partition numbers. */
    void start(Set<Integer> numbers) {
        if (numbers.isEmpty()) {
            return;
        }
        Job job = new Job(Set.copyOf(numbers));
        for (int p : job.numbers) {
            jobs.put(p, job);
        }
        Thread.ofVirtual().name("faust4j-restore-" + appId + "-" + new TreeSet<>(numbers)).start(() -> {
            try {
                job.done.complete(restore.restore(job.numbers, () -> job.cancelled));
            } catch (Throwable t) {
                job.done.completeExceptionally(t);
            } finally {
                onDone.run();
            }
        });
    }

    /** True while this partition number is being restored. */
    boolean restoring(int partition) {
        return jobs.containsKey(partition);
    }

    /** True when no restore is under way. */
    boolean idle() {
        return jobs.isEmpty();
    }

    /**
     * Forgets the jobs that ended; throws the failure of one that failed.
     *
     * @throws IllegalStateException when a restore failed
     */
    void finished() {
        if (jobs.isEmpty()) {
            return;
        }
        for (Job job : List.copyOf(new LinkedHashSet<>(jobs.values()))) {
            if (!job.done.isDone()) {
                continue;
            }
            job.numbers.forEach(jobs::remove);
            Throwable failure = failure(job);
            if (failure != null) {
                throw failure instanceof RuntimeException r ? r
                        : new IllegalStateException("app " + appId + ": restoring tables failed: " + failure, failure);
            }
        }
    }

    /**
     * Cancels and awaits the jobs restoring any of these numbers; returns every number those jobs covered (the
     * caller restarts the ones it still holds). A job that failed meanwhile fails here.
     */
    Set<Integer> cancel(Collection<Integer> numbers) {
        List<Job> stopping = new ArrayList<>();
        for (int p : numbers) {
            Job job = jobs.get(p);
            if (job != null && !stopping.contains(job)) {
                job.cancelled = true;
                stopping.add(job);
            }
        }
        Set<Integer> covered = new TreeSet<>();
        for (Job job : stopping) {
            await(job);
            job.numbers.forEach(jobs::remove);
            covered.addAll(job.numbers);
        }
        for (Job job : stopping) {
            Throwable failure = failure(job);
            if (failure instanceof RuntimeException r) {
                throw r;
            }
        }
        return covered;
    }

    /** Cancels and awaits every job (the worker stops). */
    void close() {
        for (Job job : new LinkedHashSet<>(jobs.values())) {
            job.cancelled = true;
        }
        for (Job job : new LinkedHashSet<>(jobs.values())) {
            await(job);
        }
        jobs.clear();
    }

    /** Waits for every job to end (tests and a synchronous restore), then {@link #finished}. */
    void awaitAll() {
        for (Job job : new LinkedHashSet<>(jobs.values())) {
            await(job);
        }
        finished();
    }

    private void await(Job job) {
        try {
            job.done.get(CANCEL_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // reported by finished() or cancel()
        } catch (TimeoutException e) {
            throw new IllegalStateException("app " + appId + ": the restore of table partitions " + job.numbers
                    + " did not stop within " + CANCEL_WAIT.toSeconds() + " s", e);
        }
    }

    private static @Nullable Throwable failure(Job job) {
        if (!job.done.isCompletedExceptionally()) {
            return null;
        }
        try {
            job.done.join();
            return null;
        } catch (java.util.concurrent.CompletionException e) {
            return e.getCause() == null ? e : e.getCause();
        } catch (java.util.concurrent.CancellationException e) {
            return e;
        }
    }
}
