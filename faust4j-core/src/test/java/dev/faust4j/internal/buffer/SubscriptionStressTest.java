package dev.faust4j.internal.buffer;

import dev.faust4j.internal.Race;
import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stress: producers append ({@code putAll}, or {@code put} for channels) while readers drain and put unprocessed
 * events back in front, and a rebalancer drops stale events. No event may be lost or processed twice, and each
 * producer's events keep their order where the contract promises it: for one reader (whatever it pushes back),
 * and for several readers that never push back (each sees every producer's events in order).
 */
class SubscriptionStressTest {
    private static final Duration STUCK = Duration.ofSeconds(2);
    private static final int PER_PRODUCER = 2_000;

    private int producers;
    private int readers;
    private boolean pushBack; // readers give back the tail of some chunks unprocessed
    private boolean channel; // producers put() one by one into a small buffer (blocking while full)
    private boolean rebalancer; // one more party revokes producer 0's partition and drops stale events
    private Race race;
    private final LongAdder staleDrops = new LongAdder(); // events dropped as stale, over all rounds

    // one round's objects: written by setup, read by the parties and the check (ordered by the barriers)
    private Subscription sub;
    private PartitionTracker[] trackers; // one partition per producer
    private EventImpl<?, ?>[] events; // id = producer * PER_PRODUCER + seq
    private AtomicIntegerArray processed; // per id: acked by a reader
    private AtomicInteger finished; // events acked by a reader, or dropped as stale by one
    private int[][] lastSeen; // [reader][producer]: the last seq it processed (order checks)

    private static int producerOf(int id) {
        return id / PER_PRODUCER;
    }

    private void setup() {
        sub = new Subscription(channel ? 4 : 64, Ticker.system(), () -> {});
        sub.watchLow(true); // the call-back runs on the readers' threads too
        trackers = new PartitionTracker[producers];
        events = new EventImpl<?, ?>[producers * PER_PRODUCER];
        for (int p = 0; p < producers; p++) {
            trackers[p] = new PartitionTracker(new TopicPartition("orders", p), new LongAdder(), -1);
            for (int seq = 0; seq < PER_PRODUCER; seq++) {
                int id = p * PER_PRODUCER + seq;
                ConsumedRecord r = new ConsumedRecord("orders", p, seq, 0, null, null, List.of());
                events[id] = new EventImpl<>(new Message(r, trackers[p].lease(), 1), null, null, id);
            }
        }
        processed = new AtomicIntegerArray(events.length);
        finished = new AtomicInteger();
        lastSeen = new int[readers][producers];
        for (int[] row : lastSeen) {
            Arrays.fill(row, -1);
        }
    }

    private void produce(int p) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int seq = 0;
        while (seq < PER_PRODUCER && !race.failed()) {
            if (channel) {
                sub.put(events[p * PER_PRODUCER + seq++]);
            } else {
                int n = Math.min(PER_PRODUCER - seq, random.nextInt(1, 17));
                sub.putAll(Arrays.asList(events).subList(p * PER_PRODUCER + seq, p * PER_PRODUCER + seq + n));
                seq += n;
            }
            if (random.nextInt(8) == 0) {
                Thread.yield();
            }
        }
    }

    /**
     * Drains chunks with every kind of deadline; processes (acks) a prefix of each and, with {@code pushBack}, gives
     * the rest back in front now and then. The reader that finishes the last event closes the subscription; the
     * others then get {@link Subscription#CLOSED}.
     */
    private void read(int r) throws InterruptedException {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[24];
        long progress = System.nanoTime();
        while (!race.failed()) {
            int max = random.nextInt(1, dst.length + 1);
            long deadline = switch (random.nextInt(3)) {
                case 0 -> Subscription.NOW;
                case 1 -> System.nanoTime() + 100_000; // 0.1 ms
                default -> System.nanoTime() + STUCK.toNanos();
            };
            int n = sub.drainTo(dst, max, deadline);
            if (n == Subscription.CLOSED) {
                return;
            }
            if (n == 0) {
                if (System.nanoTime() - progress > STUCK.toNanos()) {
                    throw new AssertionError("reader " + r + ": nothing to read for " + STUCK + " with "
                            + finished.get() + " of " + events.length + " events finished: one was lost");
                }
                Thread.yield();
                continue;
            }
            progress = System.nanoTime();
            int keep = pushBack && random.nextInt(3) == 0 ? random.nextInt(n + 1) : n;
            for (int i = 0; i < keep; i++) {
                process(r, dst[i]);
            }
            if (keep < n) {
                sub.pushFront(new ArrayList<>(Arrays.asList(dst).subList(keep, n)));
            }
            Arrays.fill(dst, 0, n, null);
        }
    }

    private void process(int r, EventImpl<?, ?> e) {
        int id = (Integer) e.value();
        int p = producerOf(id);
        int seq = id % PER_PRODUCER;
        if (!e.ack()) {
            throw new AssertionError("reader " + r + " got event " + id + ", already finished: a duplicate");
        }
        processed.incrementAndGet(id);
        if (readers == 1 || !pushBack && !rebalancer) {
            // the promised order: one reader sees each producer's events in order whatever it pushes back;
            // several readers without push-backs each see each producer's events in increasing order
            if (seq <= lastSeen[r][p]) {
                throw new AssertionError("reader " + r + " got event " + seq + " of producer " + p + " after "
                        + lastSeen[r][p]);
            }
            if (readers == 1 && seq != lastSeen[r][p] + 1) {
                throw new AssertionError("reader got event " + seq + " of producer " + p + " after "
                        + lastSeen[r][p] + ": one was skipped or reordered");
            }
            lastSeen[r][p] = seq;
        }
        if (finished.incrementAndGet() == events.length) {
            sub.close();
        }
    }

    /**
     * Revokes producer 0's partition once a third of the events are finished, then keeps dropping stale events; it
     * counts the events it dropped (finished without ack, no longer buffered) and closes the subscription when
     * every event is finished.
     */
    private void rebalance() {
        boolean revoked = false;
        int dropped = 0;
        long since = System.nanoTime();
        while (!race.failed() && !sub.isClosed()) {
            if (!revoked && finished.get() > events.length / 3) {
                trackers[0].revoke();
                revoked = true;
            }
            sub.dropStale();
            if (revoked) {
                int nowDropped = 0;
                for (int seq = 0; seq < PER_PRODUCER; seq++) {
                    EventImpl<?, ?> e = events[seq];
                    if (e.isFinished() && !e.isAcked()) {
                        nowDropped++;
                    }
                }
                if (nowDropped > dropped) {
                    if (finished.addAndGet(nowDropped - dropped) == events.length) {
                        sub.close();
                    }
                    staleDrops.add(nowDropped - dropped);
                    dropped = nowDropped;
                    since = System.nanoTime();
                }
            }
            if (System.nanoTime() - since > 2 * STUCK.toNanos()) {
                throw new AssertionError("rebalancer: " + finished.get() + " of " + events.length
                        + " events finished for " + STUCK.multipliedBy(2) + ": one was lost");
            }
            Thread.yield();
        }
    }

    private int run(int producers, int readers, boolean pushBack, boolean channel, boolean rebalancer)
            throws Exception {
        this.producers = producers;
        this.readers = readers;
        this.pushBack = pushBack;
        this.channel = channel;
        this.rebalancer = rebalancer;
        race = Race.of(producers + readers + (rebalancer ? 1 : 0)).rounds(200).budget(Duration.ofMillis(1_500));
        return race.run(round -> setup(), index -> {
            try {
                if (index < producers) {
                    produce(index);
                } else if (index < producers + readers) {
                    read(index - producers);
                } else {
                    rebalance();
                }
            } catch (Throwable t) {
                try {
                    sub.close(); // releases the producers blocked in put() and the readers
                } catch (RuntimeException e) {
                    t.addSuppressed(e);
                }
                throw t;
            }
        }, round -> {
            assertThat(sub.isClosed()).isTrue();
            assertThat(sub.level()).isZero();
            for (int id = 0; id < events.length; id++) {
                EventImpl<?, ?> e = events[id];
                boolean stale = rebalancer && producerOf(id) == 0;
                assertThat(e.isFinished()).as("round %d: event %d finished", round, id).isTrue();
                if (stale && !e.isAcked()) {
                    assertThat(processed.get(id)).as("round %d: dropped event %d processed", round, id).isZero();
                } else {
                    assertThat(processed.get(id)).as("round %d: event %d processed", round, id).isEqualTo(1);
                }
            }
            assertThat(finished.get()).isEqualTo(events.length);
        });
    }

    @Test
    void oneReaderPushingBackSeesEveryProducersEventsOnceAndInOrder() throws Exception {
        int rounds = run(3, 1, true, false, false);
        System.out.printf("SubscriptionStressTest: %d rounds, 3 producers, 1 reader pushing back%n", rounds);
    }

    @Test
    void channelPutsBlockWhileFullAndLoseNothing() throws Exception {
        int rounds = run(3, 1, true, true, false);
        System.out.printf("SubscriptionStressTest: %d rounds, 3 channel producers, 1 reader pushing back%n", rounds);
    }

    @Test
    void severalReadersWithoutPushBacksSeeEachProducersEventsInOrder() throws Exception {
        int rounds = run(2, 2, false, false, false);
        System.out.printf("SubscriptionStressTest: %d rounds, 2 producers, 2 readers%n", rounds);
    }

    @Test
    void severalReadersPushingBackAndARebalancerLoseNothingAndDuplicateNothing() throws Exception {
        int rounds = run(2, 2, true, false, true);
        System.out.printf("SubscriptionStressTest: %d rounds, 2 producers, 2 readers pushing back, %d stale drops%n",
                rounds, staleDrops.sum());
    }
}
