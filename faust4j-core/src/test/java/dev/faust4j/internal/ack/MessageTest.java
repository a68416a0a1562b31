package dev.faust4j.internal.ack;

import dev.faust4j.spi.ConsumedRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Message} on its own: the three counters (references, unfinished, in hand) and the final ack. */
class MessageTest {
    private final LongAdder acks = new LongAdder();
    private final PartitionLease lease = new PartitionLease(acks, null);

    static ConsumedRecord record(long offset) {
        return new ConsumedRecord("orders", 3, offset, 1_000 + offset, null, new byte[] {1}, List.of());
    }

    private Message message(int deliveries) {
        return new Message(record(42), lease, deliveries);
    }

    @Test
    void rejectsDeliveryCountsOutsideTheCounters() {
        assertThatThrownBy(() -> message(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> message(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> message(Message.MAX_DELIVERIES + 1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(message(1).done()).isFalse();
        assertThat(message(Message.MAX_DELIVERIES).done()).isFalse();
    }

    @Test
    void exposesItsRecordLeaseAndOffset() {
        ConsumedRecord r = record(42);
        Message m = new Message(r, lease, 1);
        assertThat(m.record()).isSameAs(r);
        assertThat(m.lease()).isSameAs(lease);
        assertThat(m.offset()).isEqualTo(42);
    }

    @Test
    void aFreshMessageIsNeitherDoneNorSettledNorBusy() {
        Message m = message(3);
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isFalse();
        assertThat(m.busy()).isFalse();
    }

    @Test
    void theOnlyDeliveryAckedIsTheLastReference() {
        Message m = message(1);
        assertThat(m.ack(false)).isTrue();
        assertThat(m.done()).isTrue();
        assertThat(m.settled()).isTrue();
        assertThat(m.busy()).isFalse();
        assertThat(acks.sum()).isEqualTo(1);
    }

    @Test
    void withSeveralDeliveriesOnlyTheLastAckReturnsTrueAndCountsOnTheLease() {
        Message m = message(3);
        assertThat(m.ack(false)).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isFalse();
        assertThat(m.ack(false)).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(acks.sum()).isZero();
        assertThat(m.ack(false)).isTrue();
        assertThat(m.done()).isTrue();
        assertThat(m.settled()).isTrue();
        assertThat(acks.sum()).isEqualTo(1);
    }

    @Test
    void aDroppedDeliveryKeepsTheMessageFromBeingDoneButSettlesIt() {
        Message m = message(1);
        m.drop(false);
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isTrue();
        assertThat(acks.sum()).isZero();
    }

    @Test
    void ackAfterADropOfAnotherDeliveryIsNotTheLastReference() {
        Message m = message(2);
        m.drop(false);
        assertThat(m.settled()).isFalse();
        assertThat(m.ack(false)).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isTrue();
        assertThat(acks.sum()).isZero();
    }

    @Test
    void dropAfterAnAckOfAnotherDeliveryLeavesTheMessageNotDone() {
        Message m = message(2);
        assertThat(m.ack(false)).isFalse();
        m.drop(false);
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isTrue();
        assertThat(acks.sum()).isZero();
    }

    @Test
    void aDeliveryHandedOutMakesItBusyUntilItIsTakenBack() {
        Message m = message(2);
        m.handOut();
        assertThat(m.busy()).isTrue();
        m.takeBack();
        assertThat(m.busy()).isFalse();
        assertThat(m.settled()).isFalse();
        assertThat(m.done()).isFalse();
    }

    @Test
    void ackOrDropOfAHandedOutDeliveryEndsItsBusiness() {
        Message acked = message(1);
        acked.handOut();
        assertThat(acked.ack(true)).isTrue();
        assertThat(acked.busy()).isFalse();
        assertThat(acked.done()).isTrue();

        Message dropped = message(1);
        dropped.handOut();
        dropped.drop(true);
        assertThat(dropped.busy()).isFalse();
        assertThat(dropped.settled()).isTrue();
        assertThat(dropped.done()).isFalse();
    }

    @Test
    void busyWhileAnyHandedOutDeliveryIsUnfinished() {
        Message m = message(3);
        m.handOut();
        m.handOut();
        assertThat(m.ack(true)).isFalse();
        assertThat(m.busy()).isTrue();
        m.drop(true);
        assertThat(m.busy()).isFalse();
        assertThat(m.settled()).isFalse(); // the third delivery is still buffered
        assertThat(m.ack(false)).isFalse(); // one was dropped: never the last reference
        assertThat(m.settled()).isTrue();
        assertThat(m.done()).isFalse();
    }

    @Test
    void ackOfADeliveryNotHandedOutLeavesAHandedOutOneBusy() {
        Message m = message(2);
        m.handOut();
        assertThat(m.ack(false)).isFalse();
        assertThat(m.busy()).isTrue();
        assertThat(m.ack(true)).isTrue();
        assertThat(m.busy()).isFalse();
    }

    @Test
    void theCountersDoNotSpillIntoEachOtherAtTheMostDeliveries() {
        int n = Message.MAX_DELIVERIES;
        Message m = message(n);
        for (int i = 0; i < n; i++) {
            m.handOut();
        }
        assertThat(m.busy()).isTrue();
        for (int i = 0; i < n - 1; i++) {
            if (m.ack(true)) {
                throw new AssertionError("ack " + i + " of " + n + " reported the last reference");
            }
        }
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isFalse();
        assertThat(m.busy()).isTrue();
        assertThat(m.ack(true)).isTrue();
        assertThat(m.done()).isTrue();
        assertThat(m.settled()).isTrue();
        assertThat(m.busy()).isFalse();
        assertThat(acks.sum()).isEqualTo(1);
    }
}
