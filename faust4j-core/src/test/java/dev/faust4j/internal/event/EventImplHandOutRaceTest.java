package dev.faust4j.internal.event;

import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Regression tests for a race found by the primitives' tests: {@link EventImpl#takeBack()} and
 * {@link EventImpl#handOut()} moved the message's in-hand counter by a plain field, while a finish on another
 * thread ({@code sendSucceeded} completing an ack, {@code sendAbandoned}) released the same hand from the same field.
 * An event finishing after its reader collected it as "in hand" but before the redelivery's {@code takeBack} had its
 * hand released twice: the 21-bit in-hand counter of {@link Message} underflowed into the other two (a record whose
 * send failed became committable). The fix keeps "handed out" in the event's CAS'd state.
 *
 * <p>Each test plays one interleaving on one thread, in the order the threads would run it, and asserts the
 * behaviour the contract promises.
 */
class EventImplHandOutRaceTest {
    private final LongAdder acks = new LongAdder();
    private final PartitionTracker tracker = new PartitionTracker(new TopicPartition("orders", 0), acks, -1);

    private Message message() {
        Message m = new Message(new ConsumedRecord("orders", 0, 7, 0, null, null, List.of()), tracker.lease(), 1);
        tracker.add(m);
        return m;
    }

    @Test
    @DisplayName("a send abandoned before the retry takes the event back keeps the failed record uncommitted")
    void sendAbandonedThenTakeBackKeepsTheRecordUncommitted() {
        Message m = message();
        EventImpl<Object, Object> e = new EventImpl<>(m, null, null, "v");
        e.handOut(); // the agent processes it
        assertThat(e.sendStarted()).isTrue(); // and sends a record because of it, then raises (retry policy)
        // the supervisor collects e as in hand (not finished yet) and logs the failure; meanwhile, on the
        // producer's thread, the send fails for good and the policy (terminal fail) keeps the input uncommitted:
        e.sendAbandoned();
        // the supervisor redelivers what it collected:
        e.takeBack();

        assertThat(e.isFailed()).isTrue();
        assertThat(m.done()).as("a record whose send failed must never be committable").isFalse();
        assertThat(tracker.committable(8)).as("committable").isEqualTo(7);
        assertThat(m.settled()).isTrue();
        assertThat(m.busy()).as("busy (a revoke would wait for it forever)").isFalse();
    }

    @Test
    @DisplayName("the last send completing an ack before the retry takes the event back leaves the message done")
    void lastSendSucceededThenTakeBackLeavesTheMessageDone() {
        Message m = message();
        EventImpl<Object, Object> e = new EventImpl<>(m, null, null, "v");
        e.handOut();
        assertThat(e.sendStarted()).isTrue();
        assertThat(e.ack()).isTrue(); // acked by the agent, then it raises: the ack waits for the send
        // collected as in hand (acked but not finished); meanwhile the send is accepted on the producer's thread:
        e.sendSucceeded();
        assertThat(m.done()).isTrue();
        e.takeBack(); // the redelivery

        assertThat(m.done()).as("done").isTrue();
        assertThat(m.busy()).as("busy (a revoke would wait for it forever)").isFalse();
        assertThat(tracker.committable(8)).isEqualTo(8);
    }

    @Test
    @DisplayName("a finished event handed out again is not counted in hand")
    void aFinishedEventHandedOutAgainDoesNotStayInHand() {
        Message m = message();
        EventImpl<Object, Object> e = new EventImpl<>(m, null, null, "v");
        e.sendStarted();
        e.sendAbandoned(); // finished (dropped) while it sat in the buffer after a redelivery
        e.handOut(); // a reader takes it again
        e.drop(); // and drops it (or acks it: both do nothing on a finished event)
        e.ack();

        assertThat(m.busy()).as("busy (a revoke would wait for it forever)").isFalse();
        assertThat(tracker.idle()).isTrue();
    }
}
