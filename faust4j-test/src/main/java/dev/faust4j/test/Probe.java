package dev.faust4j.test;

import dev.faust4j.Agent;
import dev.faust4j.Partition;
import dev.faust4j.Sensor;

import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The driver's sensor: what the worker fetched, what every reader holds, what is done, what was sent and committed,
 * which agent crashed. Every hook counts as a change and wakes the driver.
 *
 * <p>Thread-safety: thread-safe (hooks run on the worker's threads, queries on the test's).
 */
final class Probe implements Sensor {
    /** A record the app sent: where it landed. */
    record Sent(String topic, int partition, long offset) {}

    /** An agent's crash. */
    record Crash(String agent, Throwable error) {}

    private final Set<Partition> held = ConcurrentHashMap.newKeySet();
    /** Per partition: one past the highest offset fetched. */
    private final Map<Partition, Long> fetchedEnd = new ConcurrentHashMap<>();
    /** Per partition: offsets fetched and not yet done by every stream they were delivered to. */
    private final Map<Partition, ConcurrentSkipListSet<Long>> notDone = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> inHand = new ConcurrentHashMap<>();
    /** The threads each reader handed events out on (the agent's, a forwarder's). */
    private final Map<String, Set<Thread>> readerThreads = new ConcurrentHashMap<>();
    private final Map<String, Agent.State> agents = new ConcurrentHashMap<>();
    /** Agent instances that crashed and have not run again: their thread, with the agent's name. */
    private final Map<Thread, String> recovering = new ConcurrentHashMap<>();
    private final Map<Partition, Long> committed = new ConcurrentHashMap<>();
    private final AtomicLong sending = new AtomicLong();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final List<Crash> crashes = new CopyOnWriteArrayList<>();
    private final AtomicLong changes = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();

    private void changed() {
        changes.incrementAndGet();
        lock.lock();
        try {
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Waits for the next change, at most {@code max} of real time. */
    @SuppressWarnings("WaitNotInLoop") // one bounded wait by design: the caller re-checks everything and loops
    void awaitChange(long seen, Duration max) throws InterruptedException {
        lock.lock();
        try {
            if (changes.get() == seen) {
                var unused = changed.await(max.toNanos(), TimeUnit.NANOSECONDS);
            }
        } finally {
            lock.unlock();
        }
    }

    long changes() {
        return changes.get();
    }

    // ---- hooks ----

    @Override
    public void onAgentStateChange(String agent, Agent.State state) {
        agents.put(agent, state);
        changed();
    }

    @Override
    public void onAgentCrashed(String agent, Throwable error) {
        crashes.add(new Crash(agent, error));
        recovering.put(Thread.currentThread(), agent); // the instance's thread handles its crash, then backs off
        changed();
    }

    @Override
    public void onAgentRestarted(String agent) {
        recovering.remove(Thread.currentThread());
        changed();
    }

    @Override
    public void onMessageIn(String topic, int partition, long offset, long timestampMs) {
        Partition p = new Partition(topic, partition);
        notDone.computeIfAbsent(p, k -> new ConcurrentSkipListSet<>()).add(offset);
        fetchedEnd.merge(p, offset + 1, Math::max);
        changed();
    }

    @Override
    public void onMessageOut(String topic, int partition, long offset) {
        ConcurrentSkipListSet<Long> set = notDone.get(new Partition(topic, partition));
        if (set != null) {
            set.remove(offset);
        }
        changed();
    }

    @Override
    public void onStreamEventIn(String agent, String topic, int partition, long offset) {
        inHand.computeIfAbsent(agent, k -> new AtomicLong()).incrementAndGet();
        readerThreads.computeIfAbsent(agent, k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread());
        changed();
    }

    @Override
    public void onStreamEventOut(String agent, String topic, int partition, long offset, long timestampMs,
                                 long processingNanos) {
        inHand.computeIfAbsent(agent, k -> new AtomicLong()).decrementAndGet();
        changed();
    }

    @Override
    public void onCommitCompleted(Map<Partition, Long> offsets, long nanos) {
        offsets.forEach((p, o) -> committed.merge(p, o, Math::max));
        changed();
    }

    @Override
    public void onSendStarted(String topic) {
        sending.incrementAndGet();
        changed();
    }

    @Override
    public void onSendCompleted(String topic, int partition, long offset, long nanos) {
        sent.add(new Sent(topic, partition, offset));
        sending.decrementAndGet();
        changed();
    }

    @Override
    public void onSendFailed(String topic, Throwable error, long nanos) {
        sending.decrementAndGet();
        changed();
    }

    @Override
    public void onRebalanceStarted(Set<Partition> revoked) {
        held.removeAll(revoked);
        for (Partition p : revoked) {
            notDone.remove(p); // fetched again from the committed offset if it comes back
            fetchedEnd.remove(p);
        }
        changed();
    }

    @Override
    public void onRebalanceEnded(Set<Partition> assigned, long nanos) {
        held.retainAll(assigned);
        held.addAll(assigned);
        changed();
    }

    // ---- queries ----

    Set<Partition> held() {
        return Set.copyOf(held);
    }

    long fetchedEnd(Partition p) {
        return fetchedEnd.getOrDefault(p, 0L);
    }

    /** The offsets fetched from {@code p} and not done yet, oldest first. */
    List<Long> notDone(Partition p) {
        ConcurrentSkipListSet<Long> set = notDone.get(p);
        return set == null ? List.of() : List.copyOf(set);
    }

    /** What the worker could commit for {@code p} now: the oldest offset not done, or one past the last fetched. */
    long committable(Partition p) {
        ConcurrentSkipListSet<Long> set = notDone.get(p);
        if (set != null && !set.isEmpty()) {
            return set.first();
        }
        return fetchedEnd(p);
    }

    Map<String, Long> inHand() {
        Map<String, Long> out = new TreeMap<>();
        inHand.forEach((agent, n) -> {
            if (n.get() > 0) {
                out.put(agent, n.get());
            }
        });
        return out;
    }

    /** The threads {@code reader} handed events out on. */
    Set<Thread> threads(String reader) {
        Set<Thread> threads = readerThreads.get(reader);
        return threads == null ? Set.of() : Set.copyOf(threads);
    }

    /** Agent instances that crashed and have not run again (their thread may have ended since). */
    Map<Thread, String> recovering() {
        return Map.copyOf(recovering);
    }

    Map<String, Agent.State> agents() {
        return new TreeMap<>(agents);
    }

    @Nullable
    Long committed(Partition p) {
        return committed.get(p);
    }

    long sending() {
        return sending.get();
    }

    int sentCount() {
        return sent.size();
    }

    List<Sent> sentSince(int index) {
        return new ArrayList<>(sent.subList(index, sent.size()));
    }

    int crashCount() {
        return crashes.size();
    }

    List<Crash> crashesSince(int index) {
        return new ArrayList<>(crashes.subList(index, crashes.size()));
    }
}
