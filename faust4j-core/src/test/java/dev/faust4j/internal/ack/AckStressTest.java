package dev.faust4j.internal.ack;

import dev.faust4j.internal.Race;
import dev.faust4j.spi.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stress for {@link Message} and {@link PartitionTracker}. First, k threads ack the k deliveries of N messages (with
 * gaps in their offsets) in random orders while a poll thread reads the committable offset and checks at every
 * read that it never passes a message not done: catches a committable formula that passes an unfinished record,
 * and (on some runs: the threads must hit one message at the same moment) a lost update in the counters. Second,
 * a few messages with thousands of deliveries acked by several threads at once: catches a lost update every time.
 */
class AckStressTest {
    private static final int DELIVERIES = 3; // one acking thread per delivery
    private static final int MESSAGES = 1_000;
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    // one round's objects: written by setup, read by the parties and the check (ordered by the barriers)
    private LongAdder acks;
    private PartitionTracker tracker;
    private Message[] messages;
    private long[] offsets;
    private long position;
    private AtomicIntegerArray lastReference;
    private AtomicInteger ackersDone;
    private int[] sharedOrder;
    private boolean pollYields;
    private int reads;

    @Test
    void everyMessageIsReleasedOnceAndCommitsNeverPassAnUnfinishedRecord() throws Exception {
        int rounds = Race.of(DELIVERIES + 1).rounds(3_000).budget(Duration.ofSeconds(2)).run(round -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            acks = new LongAdder();
            tracker = new PartitionTracker(TP, acks, -1);
            messages = new Message[MESSAGES];
            offsets = new long[MESSAGES];
            long offset = random.nextLong(1_000);
            for (int i = 0; i < MESSAGES; i++) {
                offsets[i] = offset;
                messages[i] = new Message(MessageTest.record(offset), tracker.lease(), DELIVERIES);
                tracker.add(messages[i]);
                offset += 1 + (random.nextInt(4) == 0 ? random.nextInt(1, 5) : 0); // gaps
            }
            position = offset + random.nextInt(3);
            lastReference = new AtomicIntegerArray(MESSAGES);
            ackersDone = new AtomicInteger();
            // even rounds: each acker in its own random order; odd rounds: all in one random order (more contention).
            // Rounds 0, 1, 4, 5...: the poll thread reads without pause (many reads, but on two cores the ackers then
            // share one); rounds 2, 3, 6, 7...: it yields after each read (few reads, the ackers overlap more)
            sharedOrder = round % 2 == 0 ? null : shuffled(random);
            pollYields = round % 4 >= 2;
        }, index -> {
            if (index < DELIVERIES) {
                ack();
            } else {
                poll();
            }
        }, round -> {
            for (int i = 0; i < MESSAGES; i++) {
                Message m = messages[i];
                assertThat(lastReference.get(i)).as("round %d: last-reference acks of offset %d", round, offsets[i])
                        .isEqualTo(1);
                assertThat(m.done()).as("round %d: offset %d done", round, offsets[i]).isTrue();
                assertThat(m.settled()).as("round %d: offset %d settled", round, offsets[i]).isTrue();
                assertThat(m.busy()).as("round %d: offset %d busy", round, offsets[i]).isFalse();
            }
            assertThat(acks.sum()).as("round %d: acks counted on the lease", round).isEqualTo(MESSAGES);
            assertThat(tracker.committable(position)).isEqualTo(position);
            assertThat(tracker.inFlightCount()).isZero();
            assertThat(tracker.idle()).isTrue();
        });
        assertThat(rounds).isPositive();
        System.out.printf("AckStressTest: %d rounds, %d committable reads in the last%n", rounds, reads);
    }

    /**
     * Stress: a few messages with thousands of deliveries each, acked by several threads at once (the counters are
     * under constant contention): the last-reference ack is reported exactly once, and all three counters get back
     * to zero (a lost update leaves one of them non-zero, or reports the last reference twice or never).
     */
    @Test
    void aHotMessageAckedFromSeveralThreadsIsReleasedExactlyOnce() throws Exception {
        int threads = 3;
        int perThread = 40_000;
        int hot = 2;
        Message[][] round = new Message[1][];
        AtomicIntegerArray[] released = new AtomicIntegerArray[1];
        LongAdder[] counted = new LongAdder[1];
        int rounds = Race.of(threads).rounds(100).budget(Duration.ofSeconds(1)).run(r -> {
            counted[0] = new LongAdder();
            PartitionLease lease = new PartitionLease(counted[0], null);
            round[0] = new Message[hot];
            for (int i = 0; i < hot; i++) {
                round[0][i] = new Message(MessageTest.record(i), lease, threads * perThread);
            }
            released[0] = new AtomicIntegerArray(hot);
        }, index -> {
            Message[] ms = round[0];
            for (int n = 0; n < perThread; n++) {
                for (int i = 0; i < hot; i++) {
                    Message m = ms[(i + index) % hot];
                    m.handOut();
                    if (m.ack(true)) {
                        released[0].incrementAndGet((i + index) % hot);
                    }
                }
            }
        }, r -> {
            for (int i = 0; i < hot; i++) {
                Message m = round[0][i];
                assertThat(released[0].get(i)).as("round %d: last-reference acks of message %d", r, i).isEqualTo(1);
                assertThat(m.done()).as("round %d: message %d done", r, i).isTrue();
                assertThat(m.settled()).as("round %d: message %d settled", r, i).isTrue();
                assertThat(m.busy()).as("round %d: message %d busy", r, i).isFalse();
            }
            assertThat(counted[0].sum()).isEqualTo(hot);
        });
        System.out.printf("AckStressTest hot message: %d rounds%n", rounds);
    }

    private static int[] shuffled(ThreadLocalRandom random) {
        int[] order = new int[MESSAGES];
        for (int i = 0; i < MESSAGES; i++) {
            order[i] = i;
        }
        for (int i = MESSAGES - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** One delivery of every message: handed out to the reader, then acked. */
    private void ack() {
        int[] order = sharedOrder != null ? sharedOrder : shuffled(ThreadLocalRandom.current());
        for (int j = 0; j < MESSAGES; j++) {
            int i = order[j];
            Message m = messages[i];
            m.handOut();
            if (m.ack(true)) {
                lastReference.incrementAndGet(i);
            }
        }
        ackersDone.incrementAndGet();
    }

    /**
     * The poll thread: reads the committable offset until every acker is through, checking at every read that it
     * never goes back, that it is an offset in flight (or the position), and that every message below it is done
     * (done never reverts, so a message below it found not done now was not done when it was read).
     */
    private void poll() {
        long last = Long.MIN_VALUE;
        int verified = 0; // messages below `last`, all seen done
        int n = 0;
        boolean finalRead;
        do {
            finalRead = ackersDone.get() == DELIVERIES;
            long c = tracker.committable(position);
            n++;
            if (c < last) {
                throw new AssertionError("committable went back from " + last + " to " + c);
            }
            while (verified < MESSAGES && offsets[verified] < c) {
                if (!messages[verified].done()) {
                    throw new AssertionError("committable " + c + " passes offset " + offsets[verified]
                            + ", not fully acked");
                }
                verified++;
            }
            long expectedHere = verified < MESSAGES ? offsets[verified] : position;
            if (c != expectedHere) {
                throw new AssertionError("committable " + c + " is neither an offset in flight nor the position");
            }
            last = c;
            if (pollYields) {
                Thread.yield();
            }
        } while (!finalRead && !Thread.currentThread().isInterrupted());
        reads = n;
        if (last != position) {
            throw new AssertionError("after every ack, committable is " + last + ", not the position " + position);
        }
    }
}
