package dev.faust4j.internal.event;

import dev.faust4j.Header;
import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link EventImpl} on its own: its state machine (ack, drop, sends in flight) and what it tells its message. */
class EventImplTest {
    private final LongAdder acks = new LongAdder();
    private final PartitionTracker tracker = new PartitionTracker(new TopicPartition("orders", 3), acks, -1);
    private static final byte[] KEY = {7};
    private static final byte[] VALUE = {8, 9};
    private static final List<Header> HEADERS = List.of(new Header("h", new byte[] {1}));

    private Message message(int deliveries) {
        ConsumedRecord r = new ConsumedRecord("orders", 3, 42, 1234, KEY, VALUE, HEADERS);
        return new Message(r, tracker.lease(), deliveries);
    }

    private static EventImpl<String, String> event(Message m) {
        return new EventImpl<>(m, null, "k", "v");
    }

    // ---- ack and drop ----

    @Test
    void ackReturnsTrueOnceAndAcksItsMessage() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        assertThat(e.isAcked()).isFalse();
        assertThat(e.isFinished()).isFalse();
        assertThat(e.ack()).isTrue();
        assertThat(e.isAcked()).isTrue();
        assertThat(e.isFinished()).isTrue();
        assertThat(e.isFailed()).isFalse();
        assertThat(m.done()).isTrue();
        assertThat(e.ack()).isFalse();
        assertThat(acks.sum()).isEqualTo(1);
    }

    @Test
    void aDoubleAckReleasesOnlyOneReferenceOfItsMessage() {
        Message m = message(2);
        EventImpl<String, String> first = event(m);
        EventImpl<String, String> second = event(m);
        assertThat(first.ack()).isTrue();
        assertThat(first.ack()).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isFalse();
        assertThat(second.ack()).isTrue();
        assertThat(m.done()).isTrue();
        assertThat(acks.sum()).isEqualTo(1);
    }

    @Test
    void dropFinishesWithoutAckAndAckAfterDropDoesNothing() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.drop();
        assertThat(e.isFinished()).isTrue();
        assertThat(e.isAcked()).isFalse();
        assertThat(e.isFailed()).isFalse();
        assertThat(m.settled()).isTrue();
        assertThat(m.done()).isFalse();
        assertThat(e.ack()).isFalse();
        assertThat(e.isAcked()).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(acks.sum()).isZero();
    }

    @Test
    void aDoubleDropReleasesItsDeliveryOnce() {
        Message m = message(2);
        EventImpl<String, String> e = event(m);
        e.drop();
        e.drop();
        assertThat(m.settled()).as("the other delivery is still unfinished").isFalse();
        event(m).ack();
        assertThat(m.settled()).isTrue();
        assertThat(m.done()).isFalse();
    }

    @Test
    void dropAfterAckDoesNothing() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.ack();
        e.drop();
        assertThat(e.isAcked()).isTrue();
        assertThat(m.done()).isTrue();
        assertThat(m.settled()).isTrue();
    }

    // ---- sends in flight ----

    @Test
    void anAckedEventWithPendingSendsCompletesOnTheLastSendSucceeded() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        assertThat(e.sendStarted()).isTrue();
        assertThat(e.sendStarted()).isTrue();
        assertThat(e.ack()).isTrue();
        assertThat(e.isAcked()).isTrue();
        assertThat(e.isFinished()).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(e.ack()).isFalse();
        e.sendSucceeded();
        assertThat(e.isFinished()).isFalse();
        assertThat(m.done()).isFalse();
        e.sendSucceeded();
        assertThat(e.isFinished()).isTrue();
        assertThat(m.done()).isTrue();
        assertThat(acks.sum()).isEqualTo(1);
    }

    @Test
    void sendsThatSucceedBeforeTheAckDoNotAckIt() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.sendSucceeded();
        assertThat(e.isFinished()).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(e.ack()).isTrue();
        assertThat(m.done()).isTrue();
    }

    @Test
    void aSendStartedAfterTheAckButBeforeTheEndIsWaitedFor() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.ack();
        assertThat(e.sendStarted()).isTrue();
        e.sendSucceeded();
        assertThat(m.done()).isFalse();
        e.sendSucceeded();
        assertThat(m.done()).isTrue();
    }

    @Test
    void sendAbandonedAfterTheAckFinishesItWithoutAck() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.sendStarted();
        e.ack();
        e.sendAbandoned();
        assertThat(e.isFinished()).isTrue();
        assertThat(e.isFailed()).isTrue();
        assertThat(e.isAcked()).isTrue(); // the reader did ack; the send failure overrides it
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isTrue();
        e.sendSucceeded(); // the other send completes later: too late to ack
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isTrue();
        assertThat(acks.sum()).isZero();
    }

    @Test
    void sendAbandonedBeforeTheAckFinishesItAndTheAckIsRefused() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.sendAbandoned();
        assertThat(e.isFinished()).isTrue();
        assertThat(e.isFailed()).isTrue();
        assertThat(m.settled()).isTrue();
        assertThat(e.ack()).isFalse();
        assertThat(e.isAcked()).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(acks.sum()).isZero();
    }

    @Test
    void aSecondAbandonedSendDoesNotReleaseTheDeliveryAgain() {
        Message m = message(2);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.sendStarted();
        e.sendAbandoned();
        e.sendAbandoned();
        assertThat(m.settled()).as("the other delivery is still unfinished").isFalse();
        e.drop();
        assertThat(m.settled()).isFalse();
    }

    @Test
    void sendAbandonedOfADroppedEventOnlyMarksItFailed() {
        Message m = message(2);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.drop();
        e.sendAbandoned();
        assertThat(e.isFailed()).isTrue();
        assertThat(e.isFinished()).isTrue();
        assertThat(m.settled()).as("the other delivery is still unfinished").isFalse();
    }

    @Test
    void aDroppedEventWithPendingSendsStaysDroppedWhenTheyComplete() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.drop();
        e.sendSucceeded();
        assertThat(e.isFinished()).isTrue();
        assertThat(e.ack()).isFalse();
        assertThat(m.done()).isFalse();
        assertThat(m.settled()).isTrue();
    }

    @Test
    void dropOfAnAckedEventWithPendingSendsDoesNotStopItsAck() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.sendStarted();
        e.ack();
        e.drop();
        assertThat(e.isFinished()).isFalse();
        e.sendSucceeded();
        assertThat(m.done()).isTrue();
    }

    @Test
    void sendStartedIsRefusedOnceTheEventIsFinished() {
        EventImpl<String, String> acked = event(message(1));
        acked.ack();
        assertThat(acked.sendStarted()).isFalse();

        EventImpl<String, String> dropped = event(message(1));
        dropped.drop();
        assertThat(dropped.sendStarted()).isFalse();

        EventImpl<String, String> abandoned = event(message(1));
        abandoned.sendStarted();
        abandoned.sendAbandoned();
        assertThat(abandoned.sendStarted()).isFalse();

        EventImpl<String, String> completed = event(message(1));
        completed.sendStarted();
        completed.ack();
        completed.sendSucceeded();
        assertThat(completed.sendStarted()).isFalse();
    }

    @Test
    void aRefusedSendStartedLeavesNoPendingSendBehind() {
        Message m = message(2);
        EventImpl<String, String> e = event(m);
        e.drop();
        assertThat(e.sendStarted()).isFalse();
        assertThat(e.ack()).isFalse();
        EventImpl<String, String> other = event(m);
        assertThat(other.ack()).isTrue();
        assertThat(m.settled()).isTrue();
    }

    // ---- in hand ----

    @Test
    void handOutAndTakeBackMoveTheMessagesInHandCounter() {
        Message m = message(2);
        EventImpl<String, String> e = event(m);
        e.takeBack(); // not handed out: nothing to take back
        assertThat(m.busy()).isFalse();
        e.handOut();
        assertThat(m.busy()).isTrue();
        e.takeBack();
        assertThat(m.busy()).isFalse();

        EventImpl<String, String> other = event(m);
        other.handOut();
        e.takeBack(); // already taken back: must not take the other delivery's hand
        assertThat(m.busy()).isTrue();
        other.takeBack();
        assertThat(m.busy()).isFalse();
    }

    @Test
    void ackOrDropOfAHandedOutEventReleasesTheHand() {
        Message m = message(2);
        EventImpl<String, String> acked = event(m);
        EventImpl<String, String> dropped = event(m);
        acked.handOut();
        dropped.handOut();
        acked.ack();
        assertThat(m.busy()).isTrue();
        dropped.drop();
        assertThat(m.busy()).isFalse();
        assertThat(m.settled()).isTrue();
    }

    @Test
    void anAckedEventWithPendingSendsStaysInHandUntilTheyEnd() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.handOut();
        e.sendStarted();
        e.ack();
        assertThat(m.busy()).as("a revoke waits for its sends").isTrue();
        e.sendSucceeded();
        assertThat(m.busy()).isFalse();
        assertThat(m.done()).isTrue();

        Message failed = message(1);
        EventImpl<String, String> f = event(failed);
        f.handOut();
        f.sendStarted();
        f.ack();
        f.sendAbandoned();
        assertThat(failed.busy()).isFalse();
        assertThat(failed.settled()).isTrue();
    }

    @Test
    void aTakenBackEventHandedOutAgainIsInHandOnce() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        e.handOut();
        e.takeBack();
        e.handOut();
        e.ack();
        assertThat(m.busy()).isFalse();
        assertThat(m.done()).isTrue();
    }

    @Test
    void staleOnceThePartitionIsRevoked() {
        EventImpl<String, String> e = event(message(1));
        assertThat(e.stale()).isFalse();
        tracker.revoke();
        assertThat(e.stale()).isTrue();
    }

    // ---- channel values (no message) ----

    @Test
    void aChannelValueHasNoMessageButTheSameStateMachine() {
        EventImpl<String, String> e = new EventImpl<>(null, null, "k", "v");
        e.handOut();
        assertThat(e.stale()).isFalse();
        assertThat(e.sendStarted()).isTrue();
        assertThat(e.ack()).isTrue();
        assertThat(e.isFinished()).isFalse();
        e.sendSucceeded();
        assertThat(e.isFinished()).isTrue();
        assertThat(e.ack()).isFalse();
        e.drop();
        e.takeBack();

        EventImpl<String, String> dropped = new EventImpl<>(null, null, "k", "v");
        dropped.drop();
        assertThat(dropped.isFinished()).isTrue();
        assertThat(dropped.ack()).isFalse();

        assertThat(e.message()).isNull();
        assertThat(e.record()).isNull();
        assertThat(e.headers()).isEmpty();
        assertThat(e.topic()).isNull();
        assertThat(e.partition()).isEqualTo(-1);
        assertThat(e.offset()).isEqualTo(-1);
        assertThat(e.timestamp()).isEqualTo(-1);
        assertThat(e.rawKey()).isNull();
        assertThat(e.rawValue()).isNull();
        assertThat(e.position()).isEqualTo("<channel>");
        assertThat(e).hasToString("Event{<channel>}");
    }

    // ---- record, decoding, reader's fields ----

    @Test
    void exposesItsRecord() {
        Message m = message(1);
        EventImpl<String, String> e = event(m);
        assertThat(e.message()).isSameAs(m);
        assertThat(e.record()).isSameAs(m.record());
        assertThat(e.key()).isEqualTo("k");
        assertThat(e.value()).isEqualTo("v");
        assertThat(e.topic()).isEqualTo("orders");
        assertThat(e.partition()).isEqualTo(3);
        assertThat(e.offset()).isEqualTo(42);
        assertThat(e.timestamp()).isEqualTo(1234);
        assertThat(e.rawKey()).isSameAs(KEY);
        assertThat(e.rawValue()).isSameAs(VALUE);
        assertThat(e.headers()).isEqualTo(HEADERS);
        assertThat(e.position()).isEqualTo("orders-3@42");
        assertThat(EventImpl.position(m.record())).isEqualTo("orders-3@42");
        assertThat(e).hasToString("Event{orders-3@42}");
    }

    @Test
    void decodesOnceOnTheThreadThatTakesIt() {
        RecordingRoute route = new RecordingRoute(null);
        EventImpl<Object, Object> e = new EventImpl<>(message(1), route);
        assertThat(e.key()).isNull();
        assertThat(e.decode()).isTrue();
        assertThat(e.key()).isEqualTo("key:orders-3@42");
        assertThat(e.value()).isEqualTo("value:orders-3@42");
        assertThat(e.decode()).isTrue();
        assertThat(route.decodes).isEqualTo(1);
        assertThat(e.route()).isSameAs(route);
    }

    @Test
    void anEventDecodedAlreadyNeedsNoRoute() {
        EventImpl<String, String> e = event(message(1));
        assertThat(e.decode()).isTrue();
        assertThat(e.value()).isEqualTo("v");
    }

    @Test
    void aDecodeFailureAppliesTheRoutesPolicyAndSaysSkip() {
        IllegalStateException boom = new IllegalStateException("bad bytes");
        RecordingRoute route = new RecordingRoute(boom);
        EventImpl<Object, Object> e = new EventImpl<>(message(1), route);
        assertThat(e.decode()).isFalse();
        assertThat(route.decodeFailures).containsExactly(boom);
        assertThat(route.failedEvents).containsExactly(e);
    }

    @Test
    void sendFailedGoesToTheRoute() {
        RecordingRoute route = new RecordingRoute(null);
        EventImpl<Object, Object> e = new EventImpl<>(message(1), route, "k", "v");
        RuntimeException error = new RuntimeException("no broker");
        e.sendFailed(null, error, 3);
        assertThat(route.sendFailures).containsExactly(error);
        assertThat(route.attempts).containsExactly(3);
    }

    /**
     * Found by TablesTest on Kafka: an exactly-once abort fails the sends still in flight (TransactionAbortedException)
     * after it rewound their partitions; those events are processed again from the committed offset, so no policy
     * may apply (a fail policy stopped the worker).
     */
    @Test
    void aSendFailureOfAnEventWhosePartitionWasRevokedOrRewoundGoesToNoPolicy() {
        RecordingRoute route = new RecordingRoute(null);
        Message m = message(1);
        EventImpl<Object, Object> e = new EventImpl<>(m, route, "k", "v");
        assertThat(e.sendStarted()).isTrue();
        tracker.revoke();
        e.sendFailed(null, new RuntimeException("Failing batch since transaction was aborted"), 1);
        assertThat(route.sendFailures).as("policies applied").isEmpty();
        assertThat(e.isFailed()).as("never committed by this worker").isTrue();
        assertThat(e.ack()).isFalse();
        assertThat(acks.sum()).isZero();
    }

    @Test
    void keepsTheReadersFields() {
        EventImpl<String, String> e = event(message(1));
        assertThat(e.yielded()).isNull();
        e.yielded("out");
        assertThat(e.yielded()).isEqualTo("out");
        assertThat(e.attempts()).isZero();
        assertThat(e.failedOnce()).isEqualTo(1);
        assertThat(e.failedOnce()).isEqualTo(2);
        assertThat(e.attempts()).isEqualTo(2);
    }

    private static final class RecordingRoute implements EventImpl.Route {
        private final RuntimeException decodeError;
        int decodes;
        final List<RuntimeException> decodeFailures = new ArrayList<>();
        final List<EventImpl<?, ?>> failedEvents = new ArrayList<>();
        final List<Throwable> sendFailures = new ArrayList<>();
        final List<Integer> attempts = new ArrayList<>();

        RecordingRoute(RuntimeException decodeError) {
            this.decodeError = decodeError;
        }

        @Override
        public Object decodeKey(ConsumedRecord record) {
            decodes++;
            return "key:" + EventImpl.position(record);
        }

        @Override
        public Object decodeValue(ConsumedRecord record) {
            if (decodeError != null) {
                throw decodeError;
            }
            return "value:" + EventImpl.position(record);
        }

        @Override
        public void decodeFailed(EventImpl<?, ?> event, RuntimeException error) {
            failedEvents.add(event);
            decodeFailures.add(error);
        }

        @Override
        public void sendFailed(EventImpl<?, ?> event, ProducedRecord record, Throwable error, int attempt) {
            sendFailures.add(error);
            attempts.add(attempt);
        }

        @Override
        public void redeliver(List<EventImpl<?, ?>> events) {
            throw new UnsupportedOperationException();
        }
    }
}
