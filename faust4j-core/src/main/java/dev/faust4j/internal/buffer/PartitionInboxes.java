package dev.faust4j.internal.buffer;

import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Isolated partitions: one inbox per partition this worker holds, each read by an agent instance of its own,
 * started when the partition is assigned and ended when it is released.
 *
 * <p>Design. A {@link Feeder} thread moves the agent's events from its one subscription into the inbox of their
 * partition, never waiting: an inbox that holds {@code capacity} events asks flow control to pause its partition
 * alone ({@link Subscription#congested}), and to resume it once its instance has taken it down to half. So a slow
 * partition never holds the others back: a shared window would, because Kafka fills the one subscription with long
 * runs of one partition (measured with a shared window: at most 2 of 8 instances busy). An inbox holds at
 * most {@code capacity} plus what was fetched before the pause took effect (the subscription's buffer and a poll). On assignment (poll thread, before any of its records is delivered) an inbox
 * is made and {@code start} starts its instance. On release, after the rebalance waited for the events in readers'
 * hands and committed them, the inbox ends: what it still queued is dropped (the next owner reads it again), and
 * its instance's stream ends once the instance asks for its next event, so the agent function returns.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class PartitionInboxes implements Feeder.Sink, PartitionWatcher {
    private final ReentrantLock lock = new ReentrantLock();
    private final Subscription subscription;
    private final Ticker ticker;
    private final int capacity;
    private final Set<String> topics;
    private final Consumer<Inbox> start;
    /** Per topic, the inboxes by partition number (null where none is held). */
    private final Map<String, List<Inbox>> inboxes = new HashMap<>();
    private volatile boolean closed;

    /**
     * @param subscription the agent's subscription
     * @param ticker       the clock for readers' deadlines
     * @param capacity     how many events an inbox holds before its partition is paused
     * @param topics       the topics the agent reads
     * @param start        starts an instance reading an inbox (called on the poll thread)
     */
    public PartitionInboxes(Subscription subscription, Ticker ticker, int capacity, Set<String> topics,
                            Consumer<Inbox> start) {
        if (capacity < 1) {
            throw new IllegalArgumentException("inbox capacity must be >= 1, got " + capacity);
        }
        this.subscription = subscription;
        this.ticker = ticker;
        this.capacity = capacity;
        this.topics = Set.copyOf(topics);
        this.start = start;
        subscription.watch(this);
    }

    /** The feeder's loop: run it on a thread of its own; it returns when the subscription closes. */
    public void feed() {
        new Feeder(subscription, this).run();
    }

    // ---- rebalances (poll thread) ----

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
        List<Inbox> started = new ArrayList<>();
        lock.lock();
        try {
            if (closed) {
                return;
            }
            for (TopicPartition tp : partitions) {
                if (topics.contains(tp.topic()) && find(tp.topic(), tp.partition()) == null) {
                    Inbox inbox = new Inbox(tp, lock.newCondition());
                    List<Inbox> byPartition = inboxes.computeIfAbsent(tp.topic(), t -> new ArrayList<>());
                    while (byPartition.size() <= tp.partition()) {
                        byPartition.add(null);
                    }
                    byPartition.set(tp.partition(), inbox);
                    started.add(inbox);
                }
            }
        } finally {
            lock.unlock();
        }
        started.forEach(start);
    }

    @Override
    public void released(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            for (TopicPartition tp : partitions) {
                Inbox inbox = find(tp.topic(), tp.partition());
                if (inbox != null) {
                    inboxes.get(tp.topic()).set(tp.partition(), null);
                    inbox.end();
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: the inbox of a partition, or null. */
    private Inbox find(String topic, int partition) {
        List<Inbox> byPartition = inboxes.get(topic);
        return byPartition == null || partition >= byPartition.size() ? null : byPartition.get(partition);
    }

    // ---- the feeder's side ----

    @Override
    public int awaitRoom(int max) throws InterruptedException {
        lock.lock();
        try {
            return closed ? 0 : max; // never waits: a full inbox pauses its own partition (see place)
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void place(EventImpl<?, ?>[] chunk, int n) {
        lock.lock();
        try {
            for (int i = 0; i < n; i++) {
                EventImpl<?, ?> e = chunk[i];
                chunk[i] = null;
                Inbox inbox = closed ? null : find(e.topic(), e.partition());
                if (inbox == null) {
                    e.drop(); // its partition was released meanwhile: never handed out
                } else {
                    inbox.events.addLast(e);
                    if (!inbox.congested && inbox.events.size() >= capacity) {
                        inbox.congested = true;
                        subscription.congested(inbox.partition, true);
                    }
                    inbox.wake.signal();
                    inbox.signals.forEach(Signal::signal);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void closed() {
        close();
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            for (List<Inbox> byPartition : inboxes.values()) {
                for (Inbox inbox : byPartition) {
                    if (inbox != null) {
                        inbox.end();
                    }
                }
            }
            inboxes.clear();
        } finally {
            lock.unlock();
        }
    }

    /** One partition's events, read by the instance started for it. */
    public final class Inbox implements Inlet, EventImpl.Turn {
        private final TopicPartition partition;
        private final Condition wake;
        private final ArrayDeque<EventImpl<?, ?>> events = new ArrayDeque<>();
        private final List<Signal> signals = new CopyOnWriteArrayList<>();
        private volatile boolean ended;
        /** Its partition is paused on its own: it holds {@code capacity} events or more. Guarded by the lock. */
        private boolean congested;

        private Inbox(TopicPartition partition, Condition wake) {
            this.partition = partition;
            this.wake = wake;
        }

        /** The partition this inbox holds. */
        public TopicPartition partition() {
            return partition;
        }

        /** Under the lock: the partition was released: drop what is queued, wake the reader. */
        private void end() {
            ended = true;
            if (congested) {
                congested = false;
                subscription.congested(partition, false);
            }
            events.forEach(EventImpl::drop);
            events.clear();
            wake.signal();
            signals.forEach(Signal::signal);
        }

        @Override
        public EventImpl<?, ?> take(long deadlineNanos) throws InterruptedException {
            lock.lock();
            try {
                while (events.isEmpty()) {
                    if (ended || deadlineNanos == Subscription.NOW) {
                        return null;
                    }
                    if (deadlineNanos == Subscription.NO_DEADLINE) {
                        wake.await();
                    } else if (ticker.nanoTime() >= deadlineNanos) {
                        return null;
                    } else {
                        ticker.awaitUntil(wake, deadlineNanos);
                    }
                }
                EventImpl<?, ?> e = events.pollFirst();
                if (congested && events.size() <= capacity / 2) {
                    congested = false;
                    subscription.congested(partition, false);
                }
                e.turn(this);
                return e;
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void addSignal(Signal s) {
            signals.add(s);
        }

        @Override
        public boolean ended() {
            return ended;
        }

        @Override
        public void done(EventImpl<?, ?> event) {
        }

        @Override
        public void again(EventImpl<?, ?> event) {
            lock.lock();
            try {
                if (ended) {
                    event.drop();
                } else {
                    events.addFirst(event);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
