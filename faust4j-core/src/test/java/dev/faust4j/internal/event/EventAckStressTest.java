package dev.faust4j.internal.event;

import dev.faust4j.internal.Race;
import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stress: events acked by their readers while other threads complete (or abandon) the sends tied to them. Catches
 * a lost update in {@link EventImpl}'s state (a message acked twice or never, a send tied to an event already
 * finished, an abandoned send that does not keep the record uncommitted).
 */
class EventAckStressTest {
    private static final int MESSAGES = 500;
    private static final Duration STUCK = Duration.ofSeconds(2);

    private int deliveries; // events per message, each acked by its own reader thread
    private int senders; // threads completing sends; each completes one send of every event
    private boolean abandon; // sender 0 abandons its send of every third message

    // one round's objects: written by setup, read by the parties and the check (ordered by the barriers)
    private LongAdder acks;
    private Message[] messages;
    private EventImpl<?, ?>[][] events; // [delivery][message]
    private AtomicIntegerArray ackTrue; // [delivery * MESSAGES + message]: ack() returned true
    private int[] sendOrder; // the senders follow one order (each waits for the others' sends on an event)
    private Race race;

    private void setup() {
        acks = new LongAdder();
        PartitionTracker tracker = new PartitionTracker(new TopicPartition("orders", 0), acks, -1);
        messages = new Message[MESSAGES];
        events = new EventImpl<?, ?>[deliveries][MESSAGES];
        ackTrue = new AtomicIntegerArray(deliveries * MESSAGES);
        sendOrder = shuffled();
        for (int i = 0; i < MESSAGES; i++) {
            messages[i] = new Message(new ConsumedRecord("orders", 0, i, 0, null, null, List.of()),
                    tracker.lease(), deliveries);
            tracker.add(messages[i]);
            for (int d = 0; d < deliveries; d++) {
                EventImpl<?, ?> e = new EventImpl<>(messages[i], null, null, i);
                e.handOut(); // the reader took it
                for (int s = 0; s < senders; s++) {
                    assertThat(e.sendStarted()).isTrue(); // the agent sent one record per sender while processing it
                }
                events[d][i] = e;
            }
        }
    }

    /** Reader {@code d} acks its event of every message, in a random order. */
    private void reader(int d) {
        for (int i : shuffled()) {
            if (events[d][i].ack()) {
                ackTrue.incrementAndGet(d * MESSAGES + i);
            }
        }
    }

    /**
     * Sender {@code s} completes its send of every event, in the senders' random order (sender 0 abandons it for every third
     * message when {@code abandon} is set). Then, until the event is finished, it keeps tying one more send to it
     * and completing it, so the state is under constant contention when the reader's ack lands. While such a send
     * is accepted and in flight the event cannot be finished, so its message cannot be done.
     */
    private void sender(int s) {
        for (int i : sendOrder) {
            for (int d = 0; d < deliveries; d++) {
                EventImpl<?, ?> e = events[d][i];
                if (abandon && s == 0 && i % 3 == 0) {
                    e.sendAbandoned();
                } else {
                    e.sendSucceeded();
                }
                long since = System.nanoTime();
                for (int n = 1; e.sendStarted(); n++) {
                    if (messages[i].done()) {
                        throw new AssertionError("message " + i + " acked while a send tied to it is in flight");
                    }
                    e.sendSucceeded();
                    if (n % 64 == 0) {
                        Thread.yield(); // waiting for the reader's ack or the other senders: let them run
                        if (race.failed()) {
                            return;
                        }
                        if (System.nanoTime() - since > STUCK.toNanos()) {
                            throw new AssertionError("event " + i + "/" + d + " still unfinished after " + STUCK
                                    + " (acked: " + e.isAcked() + "): a lost update?");
                        }
                    }
                }
            }
        }
    }

    private static int[] shuffled() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
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

    private int run(int deliveries, int senders, boolean abandon) throws Exception {
        this.deliveries = deliveries;
        this.senders = senders;
        this.abandon = abandon;
        race = Race.of(deliveries + senders).rounds(1_000).budget(Duration.ofSeconds(1));
        return race.run(round -> setup(), index -> {
            if (index < deliveries) {
                reader(index);
            } else {
                sender(index - deliveries);
            }
        }, round -> {
            long expectedAcks = 0;
            for (int i = 0; i < MESSAGES; i++) {
                Message m = messages[i];
                boolean abandoned = abandon && i % 3 == 0;
                assertThat(m.settled()).as("round %d: message %d settled", round, i).isTrue();
                assertThat(m.busy()).as("round %d: message %d busy", round, i).isFalse();
                assertThat(m.done()).as("round %d: message %d done", round, i).isEqualTo(!abandoned);
                for (int d = 0; d < deliveries; d++) {
                    EventImpl<?, ?> e = events[d][i];
                    assertThat(e.isFinished()).as("round %d: event %d/%d finished", round, i, d).isTrue();
                    assertThat(e.isFailed()).as("round %d: event %d/%d failed", round, i, d).isEqualTo(abandoned);
                    int trues = ackTrue.get(d * MESSAGES + i);
                    if (abandoned) {
                        // the reader's ack is accepted only when it came before the failure
                        assertThat(trues).as("round %d: ack() of event %d/%d", round, i, d)
                                .isEqualTo(e.isAcked() ? 1 : 0);
                    } else {
                        assertThat(trues).as("round %d: ack() of event %d/%d", round, i, d).isEqualTo(1);
                        assertThat(e.isAcked()).isTrue();
                    }
                }
                if (!abandoned) {
                    expectedAcks++;
                }
            }
            assertThat(acks.sum()).as("round %d: messages acked", round).isEqualTo(expectedAcks);
        });
    }

    @Test
    void anAckRacingItsLastSendsAcksTheMessageExactlyOnce() throws Exception {
        int rounds = run(1, 1, false);
        System.out.printf("EventAckStressTest: %d rounds, 1 reader and 1 sender%n", rounds);
    }

    @Test
    void severalDeliveriesAndSendersAckTheMessageExactlyOnce() throws Exception {
        int rounds = run(2, 2, false);
        System.out.printf("EventAckStressTest: %d rounds, 2 readers and 2 senders%n", rounds);
    }

    @Test
    void anAbandonedSendRacingTheAckKeepsTheRecordUncommitted() throws Exception {
        int rounds = run(2, 2, true);
        System.out.printf("EventAckStressTest: %d rounds with abandoned sends%n", rounds);
    }
}
