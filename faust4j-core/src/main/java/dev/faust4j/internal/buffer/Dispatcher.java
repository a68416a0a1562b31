package dev.faust4j.internal.buffer;

import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Hands the events of one subscription out to the instances of an agent with concurrency above 1: fairly, and,
 * when {@code orderedByKey}, one key at a time.
 *
 * <p>Design. A {@link Feeder} thread moves events from the subscription into a bounded window ({@code capacity}
 * events queued here, not counting those in readers' hands). Events without an order to keep (no key order, or a
 * null key) are ready at once; keyed events wait in their key's {@link KeyLanes lane}, and only the head of a lane
 * that is not busy is ready, so a slow key holds back only its own later events, and any free instance takes the
 * next ready one (no static key-to-instance assignment). A lane is busy from the hand-out until the reader ends
 * the event's {@link EventImpl.Turn}: it asked for its next event, or the error policy decided the event's fate, or
 * it gave the event back unprocessed, which puts it at the head of its lane again.
 *
 * <p>Fairness. Instances wait in a FIFO queue and are given an event each, in that order; a new round of hand-outs
 * starts only once every instance given an event has woken up to take it, and an instance coming back for more
 * first yields its carrier thread (virtual threads are not time-sliced), so siblings woken meanwhile queue up
 * ahead of it. So with a fast function every instance gets its share (measured: 4 instances, 2,000 records, each
 * between 14 % and 38 %), instead of the first instance to come back taking everything while the others have not
 * even been scheduled (without these two measures, two of four instances got 3 records each). One lock guards it
 * all, taken once per hand-out and once per end of a keyed turn; the feeder places a whole chunk under one
 * acquisition.
 *
 * <p>Commits, flow control and rebalances need nothing of their own here: the offsets of queued events stay in
 * flight (the oldest unfinished one caps the commit), a full window stops the feeder so the subscription fills and
 * pauses its partitions, queued events of a released partition are dropped (never handed out) while those in
 * readers' hands are waited for by the rebalance as for any reader.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class Dispatcher implements Feeder.Sink, PartitionWatcher, KeyLanes.Owner {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    private final Subscription subscription;
    private final Ticker ticker;
    private final int capacity;
    private final KeyLanes lanes;
    private final EventImpl.Turn free = new FreeTurn();
    /** What can be handed out now, oldest first: events without a key order, and lanes whose head is ready. */
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private final ArrayDeque<Reader> idle = new ArrayDeque<>();
    private final List<Signal> signals = new CopyOnWriteArrayList<>();
    /** Events queued here (ready or waiting in a lane), not counting those in readers' hands. */
    private int held;
    /** Readers given an event that have not woken up to take it yet. */
    private int unclaimed;
    private volatile boolean closed;

    /**
     * @param subscription the agent's subscription
     * @param ticker       the clock for readers' deadlines
     * @param capacity     how many events may be queued here at most (the feeder waits beyond that)
     * @param byKey        true: events with the same key are handed out one at a time, in order
     */
    public Dispatcher(Subscription subscription, Ticker ticker, int capacity, boolean byKey) {
        if (capacity < 1) {
            throw new IllegalArgumentException("dispatcher capacity must be >= 1, got " + capacity);
        }
        this.subscription = subscription;
        this.ticker = ticker;
        this.capacity = capacity;
        this.lanes = byKey ? new KeyLanes(this) : null;
        subscription.watch(this);
    }

    /** The feeder's loop: run it on a thread of its own; it returns when the subscription closes. */
    public void feed() {
        new Feeder(subscription, this).run();
    }

    /** A new instance's inlet. */
    public Inlet reader() {
        return new Reader(lock.newCondition());
    }

    // ---- the feeder's side ----

    @Override
    public int awaitRoom(int max) throws InterruptedException {
        lock.lock();
        try {
            while (held >= capacity && !closed) {
                room.await();
            }
            return closed ? 0 : Math.min(max, capacity - held);
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
                if (closed) {
                    e.drop();
                    continue;
                }
                held++;
                byte[] key = lanes == null ? null : e.rawKey();
                if (key == null) {
                    ready.addLast(e);
                } else {
                    KeyLanes.Lane lane = lanes.offer(e, key);
                    if (lane != null) {
                        ready.addLast(lane);
                    }
                }
            }
            dispatch();
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
            for (Object o : ready) {
                if (o instanceof EventImpl<?, ?> e) {
                    e.drop();
                }
            }
            ready.clear();
            if (lanes != null) {
                for (KeyLanes.Lane lane : lanes.all()) {
                    lane.events.forEach(EventImpl::drop);
                    lane.events.clear();
                }
            }
            held = 0;
            room.signalAll();
            for (Reader r : idle) {
                r.wake.signal();
            }
            signals.forEach(Signal::signal);
        } finally {
            lock.unlock();
        }
    }

    // ---- rebalances ----

    @Override
    public void assigned(Collection<TopicPartition> partitions) {
    }

    /** Drops the queued events of released partitions: they are never handed out (their next owner reads them). */
    @Override
    public void released(Collection<TopicPartition> partitions) {
        lock.lock();
        try {
            List<KeyLanes.Lane> emptied = new ArrayList<>();
            for (Iterator<Object> it = ready.iterator(); it.hasNext();) {
                Object o = it.next();
                if (o instanceof EventImpl<?, ?> e) {
                    if (e.stale()) {
                        it.remove();
                        e.drop();
                        held--;
                    }
                } else if (o instanceof KeyLanes.Lane lane) {
                    dropStale(lane);
                    if (lane.events.isEmpty()) {
                        it.remove();
                        emptied.add(lane);
                    }
                }
            }
            if (lanes != null) {
                for (KeyLanes.Lane lane : emptied) {
                    lanes.retire(lane);
                }
                for (KeyLanes.Lane lane : lanes.all()) {
                    if (lane.busy) { // the rest are ready lanes, done above
                        dropStale(lane);
                    }
                }
            }
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Under the lock: drops the stale events queued in {@code lane}. */
    private void dropStale(KeyLanes.Lane lane) {
        for (Iterator<EventImpl<?, ?>> it = lane.events.iterator(); it.hasNext();) {
            EventImpl<?, ?> e = it.next();
            if (e.stale()) {
                it.remove();
                e.drop();
                held--;
            }
        }
    }

    // ---- hand-out ----

    /** Under the lock: gives ready events to waiting readers in FIFO order, once the last round was taken. */
    private void dispatch() {
        if (!signals.isEmpty() && !ready.isEmpty()) {
            signals.forEach(Signal::signal); // combined streams poll with NOW: tell them to look
        }
        if (unclaimed > 0) {
            return; // fairness: the instances given an event run before anyone gets another
        }
        while (!idle.isEmpty()) {
            EventImpl<?, ?> e = nextReady();
            if (e == null) {
                return;
            }
            Reader r = idle.pollFirst();
            r.slot = e;
            unclaimed++;
            r.wake.signal();
        }
    }

    /** Under the lock: the next ready event with its turn set, or null. */
    private EventImpl<?, ?> nextReady() {
        while (true) {
            Object o = ready.pollFirst();
            if (o == null) {
                return null;
            }
            EventImpl<?, ?> e;
            if (o instanceof KeyLanes.Lane lane) {
                e = lane.events.pollFirst();
                if (e == null) {
                    continue; // cannot happen: a ready lane holds an event (a release unlists the lanes it empties)
                }
                lane.busy = true;
                e.turn(lane);
            } else {
                e = (EventImpl<?, ?>) o;
                e.turn(free);
            }
            if (held-- == capacity) {
                room.signal();
            }
            return e;
        }
    }

    /** The reader is done with the head event of {@code lane}: the key's next event is ready. */
    @Override
    public void laneDone(KeyLanes.Lane lane) {
        lock.lock();
        try {
            lane.busy = false;
            if (lane.events.isEmpty()) {
                lanes.retire(lane);
            } else {
                ready.addLast(lane);
                dispatch();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The reader gives the head event of {@code lane} back: it is the key's next event again, ready first. */
    @Override
    public void laneAgain(KeyLanes.Lane lane, EventImpl<?, ?> event) {
        lock.lock();
        try {
            lane.busy = false;
            if (closed) {
                event.drop();
                if (lane.events.isEmpty()) {
                    lanes.retire(lane);
                }
                return;
            }
            lane.events.addFirst(event);
            held++;
            ready.addFirst(lane); // it was busy, so not listed as ready

            dispatch();
        } finally {
            lock.unlock();
        }
    }

    /** The turn of an event with no key order: nothing waits for it; given back, it is ready first. */
    private final class FreeTurn implements EventImpl.Turn {
        @Override
        public void done(EventImpl<?, ?> event) {
        }

        @Override
        public void again(EventImpl<?, ?> event) {
            lock.lock();
            try {
                if (closed) {
                    event.drop();
                    return;
                }
                held++;
                ready.addFirst(event);
                dispatch();
            } finally {
                lock.unlock();
            }
        }
    }

    /** One instance's place in the queue of waiting readers. */
    private final class Reader implements Inlet {
        final Condition wake;
        EventImpl<?, ?> slot;

        Reader(Condition wake) {
            this.wake = wake;
        }

        @Override
        @SuppressWarnings("ThreadPriorityCheck") // the yield is for fairness only; correctness never relies on it
        public EventImpl<?, ?> take(long deadlineNanos) throws InterruptedException {
            // Virtual threads are not time-sliced: an instance whose function is fast would come back here before
            // its siblings, woken for their events, have even been scheduled, and take the next event again. Let
            // them run first: they join the queue of waiting instances ahead of this one.
            Thread.yield();
            lock.lock();
            try {
                if (slot == null) {
                    if (closed) {
                        return null;
                    }
                    if (deadlineNanos == Subscription.NOW) {
                        return nextReady(); // a combined stream looking: no wait, so no place in the queue
                    }
                    idle.addLast(this);
                    dispatch();
                    try {
                        while (slot == null) {
                            if (closed) {
                                idle.remove(this);
                                return null;
                            }
                            if (deadlineNanos == Subscription.NO_DEADLINE) {
                                wake.await();
                            } else if (ticker.nanoTime() >= deadlineNanos) {
                                idle.remove(this);
                                return null;
                            } else {
                                ticker.awaitUntil(wake, deadlineNanos);
                            }
                        }
                    } catch (InterruptedException e) {
                        idle.remove(this);
                        if (slot != null) {
                            unclaimed--;
                            EventImpl<?, ?> given = slot;
                            slot = null;
                            given.returnTurn();
                        }
                        throw e;
                    }
                }
                EventImpl<?, ?> e = slot;
                slot = null;
                unclaimed--;
                dispatch();
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
            return closed;
        }
    }
}
