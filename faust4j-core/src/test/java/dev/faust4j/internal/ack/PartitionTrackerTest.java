package dev.faust4j.internal.ack;

import dev.faust4j.spi.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link PartitionTracker} and {@link PartitionLease}: what may be committed, what is busy, revocation. */
class PartitionTrackerTest {
    private static final TopicPartition TP = new TopicPartition("orders", 3);
    private final LongAdder acks = new LongAdder();
    private final PartitionTracker tracker = new PartitionTracker(TP, acks, -1);

    private Message add(long offset, int deliveries) {
        Message m = new Message(MessageTest.record(offset), tracker.lease(), deliveries);
        tracker.add(m);
        return m;
    }

    @Test
    void anEmptyTrackerCommitsThePosition() {
        assertThat(tracker.partition()).isEqualTo(TP);
        assertThat(tracker.committable(17)).isEqualTo(17);
        assertThat(tracker.oldestInFlight()).isEqualTo(-1);
        assertThat(tracker.oldestBusy()).isEqualTo(-1);
        assertThat(tracker.idle()).isTrue();
        assertThat(tracker.inFlightCount()).isZero();
    }

    @Test
    void committableIsTheOldestMessageNotFullyAcked() {
        Message m10 = add(10, 1);
        Message m11 = add(11, 1);
        Message m12 = add(12, 1);
        assertThat(tracker.committable(13)).isEqualTo(10);
        m11.ack(false);
        m12.ack(false);
        assertThat(tracker.committable(13)).isEqualTo(10);
        assertThat(tracker.inFlightCount()).isEqualTo(3);
        m10.ack(false);
        assertThat(tracker.committable(13)).isEqualTo(13);
        assertThat(tracker.inFlightCount()).isZero();
        assertThat(acks.sum()).isEqualTo(3);
    }

    @Test
    void committableNeverPassesAnUnfinishedRecordWhateverTheAckOrderAcrossGaps() {
        long[] offsets = {0, 5, 6, 9, 20};
        long position = 31; // compaction or transaction markers left gaps, and the tail was never delivered
        List<List<Integer>> orders = new ArrayList<>();
        permutations(new ArrayList<>(List.of(0, 1, 2, 3, 4)), 0, orders);
        assertThat(orders).hasSize(120);
        for (List<Integer> order : orders) {
            PartitionTracker t = new PartitionTracker(TP, new LongAdder(), -1);
            Message[] ms = new Message[offsets.length];
            for (int i = 0; i < offsets.length; i++) {
                ms[i] = new Message(MessageTest.record(offsets[i]), t.lease(), 1);
                t.add(ms[i]);
            }
            for (int i : order) {
                ms[i].ack(false);
                assertThat(t.committable(position)).as("order %s after acking offset %d", order, offsets[i])
                        .isEqualTo(expected(ms, position));
            }
            assertThat(t.committable(position)).isEqualTo(position);
        }
    }

    /** A reference model: the offset of the first message (in offset order) not done, else the position. */
    private static long expected(Message[] ms, long position) {
        for (Message m : ms) {
            if (!m.done()) {
                return m.offset();
            }
        }
        return position;
    }

    private static void permutations(List<Integer> xs, int k, List<List<Integer>> out) {
        if (k == xs.size()) {
            out.add(List.copyOf(xs));
            return;
        }
        for (int i = k; i < xs.size(); i++) {
            Collections.swap(xs, k, i);
            permutations(xs, k + 1, out);
            Collections.swap(xs, k, i);
        }
    }

    @Test
    void committableMatchesTheModelForRandomDeliveriesAcksAndDrops() {
        Random random = new Random(7);
        for (int scenario = 0; scenario < 300; scenario++) {
            PartitionTracker t = new PartitionTracker(TP, new LongAdder(), -1);
            int n = 1 + random.nextInt(12);
            Message[] ms = new Message[n];
            List<int[]> deliveries = new ArrayList<>(); // {message, delivery}
            long offset = random.nextInt(5);
            for (int i = 0; i < n; i++) {
                int k = 1 + random.nextInt(3);
                ms[i] = new Message(MessageTest.record(offset), t.lease(), k);
                t.add(ms[i]);
                for (int d = 0; d < k; d++) {
                    deliveries.add(new int[] {i, d});
                }
                offset += 1 + (random.nextInt(3) == 0 ? random.nextInt(10) : 0);
            }
            long position = offset + random.nextInt(3);
            Collections.shuffle(deliveries, random);
            long last = Long.MIN_VALUE;
            for (int[] d : deliveries) {
                if (random.nextInt(20) == 0) {
                    ms[d[0]].drop(false);
                } else {
                    ms[d[0]].ack(false);
                }
                long c = t.committable(position);
                assertThat(c).as("scenario %d", scenario).isEqualTo(expected(ms, position))
                        .isGreaterThanOrEqualTo(last);
                last = c;
            }
        }
    }

    @Test
    void aMessageWithSeveralDeliveriesHoldsTheCommitUntilEveryOneIsAcked() {
        Message m = add(4, 3);
        add(5, 1).ack(false);
        m.ack(false);
        m.ack(false);
        assertThat(tracker.committable(6)).isEqualTo(4);
        m.ack(false);
        assertThat(tracker.committable(6)).isEqualTo(6);
    }

    @Test
    void aDroppedDeliveryHoldsTheCommitForGood() {
        Message dropped = add(4, 2);
        add(5, 1).ack(false);
        add(8, 1).ack(false);
        dropped.ack(false);
        dropped.drop(false);
        assertThat(dropped.settled()).isTrue();
        assertThat(tracker.committable(9)).isEqualTo(4);
        assertThat(tracker.oldestInFlight()).isEqualTo(4);
        assertThat(tracker.inFlightCount()).isEqualTo(3);
        assertThat(acks.sum()).isEqualTo(2);
    }

    @Test
    void pruneDropsOnlyTheFullyAckedHead() {
        Message m1 = add(1, 1);
        Message m2 = add(2, 1);
        Message m3 = add(3, 1);
        add(4, 1);
        m2.ack(false);
        m3.ack(false);
        tracker.prune();
        assertThat(tracker.inFlightCount()).isEqualTo(4);
        m1.ack(false);
        tracker.prune();
        assertThat(tracker.inFlightCount()).isEqualTo(1);
        assertThat(tracker.oldestInFlight()).isEqualTo(4);
    }

    @Test
    void oldestBusyIsTheOldestDeliveryInAReadersHands() {
        Message m1 = add(1, 1);
        Message m2 = add(2, 2);
        Message m3 = add(3, 1);
        assertThat(tracker.idle()).isTrue();
        m3.handOut();
        assertThat(tracker.oldestBusy()).isEqualTo(3);
        assertThat(tracker.idle()).isFalse();
        m2.handOut();
        assertThat(tracker.oldestBusy()).isEqualTo(2);
        assertThat(tracker.oldestInFlight()).isEqualTo(1);
        m2.ack(true);
        assertThat(tracker.oldestBusy()).isEqualTo(3);
        m3.takeBack();
        assertThat(tracker.oldestBusy()).isEqualTo(-1);
        assertThat(tracker.idle()).isTrue();
        m1.handOut();
        m1.drop(true);
        assertThat(tracker.idle()).isTrue();
    }

    @Test
    void committedOnlyMovesForward() {
        assertThat(tracker.committed()).isEqualTo(-1);
        tracker.committed(5);
        assertThat(tracker.committed()).isEqualTo(5);
        tracker.committed(3);
        assertThat(tracker.committed()).isEqualTo(5);
        tracker.committed(5);
        tracker.committed(9);
        assertThat(tracker.committed()).isEqualTo(9);
        assertThat(new PartitionTracker(TP, acks, 100).committed()).isEqualTo(100);
    }

    @Test
    void revokeIsSeenThroughTheLeaseItsMessagesCarry() {
        Message m = add(1, 1);
        assertThat(m.lease()).isSameAs(tracker.lease());
        assertThat(tracker.isRevoked()).isFalse();
        assertThat(m.lease().isRevoked()).isFalse();
        tracker.revoke();
        assertThat(tracker.isRevoked()).isTrue();
        assertThat(m.lease().isRevoked()).isTrue();
        tracker.revoke();
        assertThat(tracker.isRevoked()).isTrue();
    }

    @Test
    void trackersOfOneWorkerCountAcksOnTheSameCounter() {
        PartitionTracker other = new PartitionTracker(new TopicPartition("orders", 4), acks, -1);
        new Message(MessageTest.record(1), tracker.lease(), 1).ack(false);
        new Message(MessageTest.record(1), other.lease(), 2).ack(false);
        Message both = new Message(MessageTest.record(2), other.lease(), 2);
        both.ack(false);
        both.ack(false);
        assertThat(acks.sum()).isEqualTo(2);
    }
}
