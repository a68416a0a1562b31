package dev.faust4j.internal.buffer;

import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.ManualTicker;
import dev.faust4j.time.Ticker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link Subscription} on its own: the ring, deadlines, close, stale events, the low mark and channel puts. */
class SubscriptionTest {
    private final CountingTicker ticker = new CountingTicker();
    private final AtomicInteger lows = new AtomicInteger();
    private final List<Thread> lowThreads = new CopyOnWriteArrayList<>();
    private final List<Call<?>> calls = new ArrayList<>();

    private Subscription subscription(int maxsize) {
        return new Subscription(maxsize, ticker, () -> {
            lows.incrementAndGet();
            lowThreads.add(Thread.currentThread());
        });
    }

    @AfterEach
    void stopCalls() throws InterruptedException {
        for (Call<?> c : calls) {
            c.thread.interrupt();
            c.thread.join(5_000);
        }
    }

    /** A channel value identified by {@code id}. */
    static EventImpl<Object, Object> ev(int id) {
        return new EventImpl<>(null, null, null, id);
    }

    static List<EventImpl<?, ?>> evs(int from, int to) {
        List<EventImpl<?, ?>> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(ev(i));
        }
        return list;
    }

    /** An event of a message of {@code tracker}'s partition, identified by {@code id}. */
    static EventImpl<Object, Object> ev(PartitionTracker tracker, int id) {
        ConsumedRecord r = new ConsumedRecord(tracker.partition().topic(), tracker.partition().partition(), id, 0,
                null, null, List.of());
        return new EventImpl<>(new Message(r, tracker.lease(), 1), null, null, id);
    }

    static PartitionTracker tracker(int partition) {
        return new PartitionTracker(new TopicPartition("orders", partition), new LongAdder(), -1);
    }

    static List<Object> ids(EventImpl<?, ?>[] dst, int n) {
        List<Object> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(dst[i].value());
        }
        return ids;
    }

    /** Drains everything buffered now. */
    static List<Object> drainAll(Subscription s) throws InterruptedException {
        List<Object> out = new ArrayList<>();
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[64];
        int n;
        while ((n = s.drainTo(dst, dst.length, Subscription.NOW)) > 0) {
            out.addAll(ids(dst, n));
        }
        return out;
    }

    static List<Object> range(int from, int to) {
        return new ArrayList<>(IntStream.range(from, to).boxed().toList());
    }

    private <T> Call<T> call(Callable<T> body) {
        Call<T> c = new Call<>(body);
        calls.add(c);
        return c;
    }

    // ---- construction ----

    @Test
    void marksAreEightyAndFortyPercentOfMaxsize() {
        Subscription s = subscription(10);
        assertThat(s.maxsize()).isEqualTo(10);
        assertThat(s.high()).isEqualTo(8);
        assertThat(s.low()).isEqualTo(4);
        assertThat(subscription(1).high()).isEqualTo(1);
        assertThat(subscription(1).low()).isZero();
        assertThat(subscription(1000).high()).isEqualTo(800);
        assertThat(subscription(1000).low()).isEqualTo(400);
        assertThatThrownBy(() -> subscription(0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---- putAll and drainTo ----

    @Test
    void drainsInArrivalOrderUpToMax() throws InterruptedException {
        Subscription s = subscription(100);
        assertThat(s.putAll(evs(0, 3))).isEqualTo(3);
        assertThat(s.putAll(evs(3, 5))).isEqualTo(5);
        assertThat(s.level()).isEqualTo(5);
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[10];
        assertThat(s.drainTo(dst, 2, Subscription.NOW)).isEqualTo(2);
        assertThat(ids(dst, 2)).containsExactly(0, 1);
        assertThat(s.level()).isEqualTo(3);
        assertThat(s.drainTo(dst, 10, Subscription.NO_DEADLINE)).isEqualTo(3);
        assertThat(ids(dst, 3)).containsExactly(2, 3, 4);
        assertThat(s.level()).isZero();
        assertThat(s.drainTo(dst, 10, Subscription.NOW)).isZero();
    }

    @Test
    void putAllNeverBlocksPastMaxsize() {
        Subscription s = subscription(4);
        assertThat(s.putAll(evs(0, 10))).isEqualTo(10);
        assertThat(s.putAll(evs(10, 100))).isEqualTo(100);
        assertThat(s.level()).isEqualTo(100);
    }

    @Test
    void growingKeepsTheOrderWhenTheRingHasWrapped() throws InterruptedException {
        Subscription s = subscription(16); // a ring of 16
        s.putAll(evs(0, 12));
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[16];
        assertThat(s.drainTo(dst, 10, Subscription.NOW)).isEqualTo(10); // head at 10
        s.putAll(evs(12, 24)); // 14 buffered, wrapped around the end
        s.putAll(evs(24, 40)); // grows while wrapped
        assertThat(drainAll(s)).isEqualTo(range(10, 40));
    }

    @Test
    void emptyBatchesChangeNothing() throws InterruptedException {
        Subscription s = subscription(8);
        assertThat(s.putAll(List.of())).isZero();
        s.pushFront(List.of());
        assertThat(s.level()).isZero();
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NOW)).isZero();
    }

    // ---- pushFront ----

    @Test
    void pushFrontPutsEventsBackAheadOfEverythingInTheirOrder() throws InterruptedException {
        Subscription s = subscription(100);
        s.putAll(evs(2, 5));
        s.pushFront(evs(0, 2));
        assertThat(s.level()).isEqualTo(5);
        assertThat(drainAll(s)).isEqualTo(range(0, 5));
    }

    @Test
    void pushFrontWrapsBelowTheStartOfTheRing() throws InterruptedException {
        Subscription s = subscription(16);
        s.putAll(evs(5, 10)); // head at 0: pushing in front wraps to the end of the ring
        s.pushFront(evs(2, 5));
        s.pushFront(evs(0, 2));
        s.putAll(evs(10, 13));
        assertThat(drainAll(s)).isEqualTo(range(0, 13));
    }

    @Test
    void pushFrontGrowsTheRingWhenFullAndWrapped() throws InterruptedException {
        Subscription s = subscription(16);
        s.putAll(evs(100, 110));
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[16];
        s.drainTo(dst, 6, Subscription.NOW); // head at 6
        s.putAll(evs(10, 22)); // 16 buffered: 106..109, 10..21, wrapped and full
        List<Object> expected = new ArrayList<>();
        expected.addAll(range(0, 10));
        expected.addAll(range(106, 110));
        expected.addAll(range(10, 22));
        s.pushFront(evs(0, 10)); // needs 26: grows, then wraps below 0 again
        assertThat(s.level()).isEqualTo(26);
        assertThat(drainAll(s)).isEqualTo(expected);
    }

    @Test
    void pushFrontOfARetriedChunkRestoresTheOriginalOrder() throws InterruptedException {
        Subscription s = subscription(16);
        s.putAll(evs(0, 20));
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[16];
        int n = s.drainTo(dst, 8, Subscription.NOW);
        s.putAll(evs(20, 30));
        s.pushFront(Arrays.asList(dst).subList(3, n)); // processed 0..2, gives 3..7 back
        assertThat(drainAll(s)).isEqualTo(range(3, 30));
    }

    @Test
    void theRingBehavesAsADequeUnderRandomOperations() throws InterruptedException {
        Random random = new Random(11);
        for (int scenario = 0; scenario < 200; scenario++) {
            PartitionTracker revocable = tracker(1);
            Subscription s = subscription(1 + random.nextInt(40));
            ArrayDeque<EventImpl<?, ?>> model = new ArrayDeque<>();
            int next = 0;
            for (int step = 0; step < 60; step++) {
                int op = random.nextInt(10);
                if (op < 4) {
                    List<EventImpl<?, ?>> batch = new ArrayList<>();
                    for (int i = random.nextInt(20); i > 0; i--) {
                        batch.add(random.nextInt(4) == 0 ? ev(revocable, next++) : ev(next++));
                    }
                    s.putAll(batch);
                    model.addAll(batch);
                } else if (op < 6) {
                    List<EventImpl<?, ?>> batch = new ArrayList<>();
                    for (int i = random.nextInt(20); i > 0; i--) {
                        batch.add(ev(next++));
                    }
                    s.pushFront(batch);
                    for (int i = batch.size() - 1; i >= 0; i--) {
                        model.addFirst(batch.get(i));
                    }
                } else if (op < 9) {
                    int max = 1 + random.nextInt(25);
                    EventImpl<?, ?>[] dst = new EventImpl<?, ?>[max];
                    int n = s.drainTo(dst, max, Subscription.NOW);
                    List<EventImpl<?, ?>> expected = new ArrayList<>();
                    for (int i = Math.min(max, model.size()); i > 0; i--) {
                        expected.add(model.pollFirst());
                    }
                    assertThat(Arrays.asList(dst).subList(0, n)).as("scenario %d step %d", scenario, step)
                            .containsExactlyElementsOf(expected);
                } else {
                    if (random.nextBoolean()) {
                        revocable.revoke();
                    }
                    s.dropStale();
                    model.removeIf(EventImpl::stale);
                }
                assertThat(s.level()).as("scenario %d step %d", scenario, step).isEqualTo(model.size());
            }
            assertThat(drainAll(s)).isEqualTo(model.stream().map(EventImpl::value).toList());
        }
    }

    // ---- deadlines ----

    @Test
    void nowDoesNotWait() throws InterruptedException {
        Subscription s = subscription(8);
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NOW)).isZero();
        assertThat(ticker.waits.get()).isZero();
    }

    @Test
    void aDeadlineAlreadyPassedDoesNotWait() throws InterruptedException {
        Subscription s = subscription(8);
        ticker.manual.advance(Duration.ofSeconds(1));
        long now = ticker.nanoTime();
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, now)).isZero();
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, now - 1)).isZero();
        assertThat(ticker.waits.get()).isZero();
    }

    @Test
    void waitsUntilTheTickerPassesTheDeadline() throws Exception {
        Subscription s = subscription(8);
        long deadline = ticker.nanoTime() + Duration.ofMillis(10).toNanos();
        Call<Integer> drain = call(() -> s.drainTo(new EventImpl<?, ?>[1], 1, deadline));
        drain.awaitWaitingOnTicker(1);
        ticker.manual.advance(Duration.ofMillis(5));
        drain.awaitWaitingOnTicker(2); // woke up, saw 5 ms, and went back to waiting
        assertThat(drain.result.isDone()).isFalse();
        ticker.manual.advance(Duration.ofMillis(5));
        assertThat(drain.get()).isZero();
    }

    @Test
    void eventsArrivingBeforeTheDeadlineEndTheWait() throws Exception {
        Subscription s = subscription(8);
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[4];
        long deadline = ticker.nanoTime() + Duration.ofSeconds(10).toNanos();
        Call<Integer> drain = call(() -> s.drainTo(dst, 4, deadline));
        drain.awaitWaitingOnTicker(1);
        s.putAll(evs(0, 2));
        assertThat(drain.get()).isEqualTo(2);
        assertThat(ids(dst, 2)).containsExactly(0, 1);
        assertThat(ticker.nanoTime()).isZero();
    }

    @Test
    void noDeadlineWaitsForEvents() throws Exception {
        Subscription s = subscription(8);
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[4];
        Call<Integer> drain = call(() -> s.drainTo(dst, 4, Subscription.NO_DEADLINE));
        drain.awaitBlocked();
        ticker.manual.advance(Duration.ofDays(365));
        assertThat(drain.result.isDone()).isFalse();
        s.pushFront(evs(0, 1));
        assertThat(drain.get()).isEqualTo(1);
        assertThat(ticker.waits.get()).isZero();
    }

    @Test
    void aWaitingReaderCanBeInterrupted() {
        Subscription s = subscription(8);
        Call<Integer> drain = call(() -> s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NO_DEADLINE));
        drain.awaitBlocked();
        drain.thread.interrupt();
        assertThatThrownBy(drain::get).hasCauseInstanceOf(InterruptedException.class);
    }

    // ---- close ----

    @Test
    void closeDropsBufferedEventsAndDrainsReportClosed() throws InterruptedException {
        PartitionTracker t = tracker(0);
        Subscription s = subscription(8);
        List<EventImpl<?, ?>> batch = List.of(ev(t, 0), ev(t, 1), ev(2));
        s.putAll(batch);
        s.close();
        assertThat(s.isClosed()).isTrue();
        assertThat(s.level()).isZero();
        for (EventImpl<?, ?> e : batch) {
            assertThat(e.isFinished()).isTrue();
            assertThat(e.isAcked()).isFalse();
        }
        assertThat(batch.get(0).message().settled()).isTrue();
        assertThat(batch.get(0).message().done()).isFalse();
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NOW)).isEqualTo(Subscription.CLOSED);
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NO_DEADLINE)).isEqualTo(Subscription.CLOSED);
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, 1_000)).isEqualTo(Subscription.CLOSED);
    }

    @Test
    void eventsArrivingAfterCloseAreDropped() throws InterruptedException {
        PartitionTracker t = tracker(0);
        Subscription s = subscription(8);
        s.close();
        List<EventImpl<?, ?>> late = List.of(ev(t, 0), ev(t, 1));
        assertThat(s.putAll(late)).isZero();
        List<EventImpl<?, ?>> pushed = List.of(ev(t, 2));
        s.pushFront(pushed);
        assertThat(late).allMatch(EventImpl::isFinished).noneMatch(EventImpl::isAcked);
        assertThat(pushed).allMatch(EventImpl::isFinished).noneMatch(EventImpl::isAcked);
        assertThat(s.level()).isZero();
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NOW)).isEqualTo(Subscription.CLOSED);
        assertThatThrownBy(() -> s.put(ev(3))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closeWakesReadersWaitingWithOrWithoutDeadline() throws Exception {
        Subscription s = subscription(8);
        Call<Integer> forever = call(() -> s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NO_DEADLINE));
        Call<Integer> timed = call(() -> s.drainTo(new EventImpl<?, ?>[1], 1, Duration.ofHours(1).toNanos()));
        forever.awaitBlocked();
        timed.awaitWaitingOnTicker(1);
        s.close();
        assertThat(forever.get()).isEqualTo(Subscription.CLOSED);
        assertThat(timed.get()).isEqualTo(Subscription.CLOSED);
    }

    // ---- dropStale ----

    @Test
    void dropStaleDropsRevokedPartitionsEventsAndKeepsTheOrderOfTheRest() throws InterruptedException {
        PartitionTracker kept = tracker(0);
        PartitionTracker revoked = tracker(1);
        Subscription s = subscription(16);
        s.putAll(evs(100, 112));
        s.drainTo(new EventImpl<?, ?>[12], 12, Subscription.NOW); // head at 12: what follows wraps
        List<EventImpl<?, ?>> batch = new ArrayList<>();
        List<EventImpl<?, ?>> stale = new ArrayList<>();
        List<Object> expected = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            EventImpl<?, ?> e = switch (i % 3) {
                case 0 -> ev(revoked, i);
                case 1 -> ev(kept, i);
                default -> ev(i);
            };
            batch.add(e);
            if (i % 3 == 0) {
                stale.add(e);
            } else {
                expected.add(i);
            }
        }
        s.putAll(batch);
        s.dropStale();
        assertThat(s.level()).isEqualTo(14);
        revoked.revoke();
        s.dropStale();
        assertThat(s.level()).isEqualTo(expected.size());
        assertThat(stale).allMatch(EventImpl::isFinished).noneMatch(EventImpl::isAcked);
        assertThat(stale.get(0).message().settled()).isTrue();
        s.putAll(evs(50, 52));
        expected.addAll(List.of(50, 51));
        assertThat(drainAll(s)).isEqualTo(expected);
        assertThat(batch).filteredOn(e -> !stale.contains(e)).noneMatch(EventImpl::isFinished);
    }

    // ---- the low mark ----

    @Test
    void theLowMarkCallBackFiresOnlyWhileWatched() throws InterruptedException {
        Subscription s = subscription(10); // low mark 4
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[10];
        s.putAll(evs(0, 10));
        s.drainTo(dst, 10, Subscription.NOW);
        assertThat(lows.get()).as("not watched").isZero();

        s.putAll(evs(0, 10));
        s.watchLow(true);
        s.drainTo(dst, 5, Subscription.NOW); // 5 left: above the mark
        assertThat(lows.get()).isZero();
        s.drainTo(dst, 1, Subscription.NOW); // 4 left: at the mark
        assertThat(lows.get()).isEqualTo(1);
        assertThat(lowThreads).containsExactly(Thread.currentThread());
        s.drainTo(dst, 1, Subscription.NOW); // still watched: fires again
        assertThat(lows.get()).isEqualTo(2);

        s.watchLow(false);
        s.drainTo(dst, 10, Subscription.NOW);
        assertThat(lows.get()).isEqualTo(2);
        s.putAll(evs(0, 3));
        s.drainTo(dst, 1, Subscription.NOW);
        assertThat(lows.get()).isEqualTo(2);
    }

    @Test
    void theLowMarkCallBackRunsOnTheReadersThreadWithoutTheLock() throws Exception {
        Subscription[] holder = new Subscription[1];
        List<Integer> putFromCallBack = new CopyOnWriteArrayList<>();
        Subscription s = new Subscription(10, ticker, () -> {
            // another thread must be able to use the buffer while the call-back runs
            CompletableFuture<Integer> other = CompletableFuture.supplyAsync(() -> holder[0].putAll(evs(90, 91)));
            putFromCallBack.add(other.orTimeout(5, TimeUnit.SECONDS).join());
            lowThreads.add(Thread.currentThread());
        });
        holder[0] = s;
        s.putAll(evs(0, 5));
        s.watchLow(true);
        Call<Integer> reader = call(() -> s.drainTo(new EventImpl<?, ?>[10], 10, Subscription.NO_DEADLINE));
        assertThat(reader.get()).isEqualTo(5);
        assertThat(lowThreads).containsExactly(reader.thread);
        assertThat(putFromCallBack).containsExactly(1);
    }

    @Test
    void backloggedFromTheLowMark() throws InterruptedException {
        Subscription s = subscription(10);
        assertThat(s.backlogged()).isFalse();
        s.putAll(evs(0, 3));
        assertThat(s.backlogged()).isFalse();
        s.putAll(evs(3, 4));
        assertThat(s.backlogged()).isTrue();
        s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NOW);
        assertThat(s.backlogged()).isFalse();
    }

    // ---- channel puts ----

    @Test
    void putBlocksWhileFullAndADrainReleasesIt() throws Exception {
        Subscription s = subscription(2);
        s.put(ev(0));
        s.put(ev(1));
        assertThat(s.level()).isEqualTo(2);
        Call<Boolean> put = call(() -> {
            s.put(ev(2));
            return true;
        });
        put.awaitBlocked();
        assertThat(s.level()).isEqualTo(2);
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[2];
        assertThat(s.drainTo(dst, 1, Subscription.NOW)).isEqualTo(1);
        assertThat(put.get()).isTrue();
        assertThat(s.level()).isEqualTo(2);
        assertThat(drainAll(s)).containsExactly(1, 2);
    }

    @Test
    void closeReleasesABlockedPut() throws Exception {
        Subscription s = subscription(1);
        s.put(ev(0));
        EventImpl<Object, Object> blocked = ev(1);
        Call<Boolean> put = call(() -> {
            s.put(blocked);
            return true;
        });
        put.awaitBlocked();
        s.close();
        assertThatThrownBy(put::get).hasCauseInstanceOf(IllegalStateException.class);
        assertThat(s.drainTo(new EventImpl<?, ?>[1], 1, Subscription.NOW)).isEqualTo(Subscription.CLOSED);
    }

    @Test
    void dropStaleReleasesABlockedPut() throws Exception {
        PartitionTracker revoked = tracker(1);
        Subscription s = subscription(2);
        s.put(ev(revoked, 0));
        s.put(ev(1));
        Call<Boolean> put = call(() -> {
            s.put(ev(2));
            return true;
        });
        put.awaitBlocked();
        revoked.revoke();
        s.dropStale();
        assertThat(put.get()).isTrue();
        assertThat(drainAll(s)).containsExactly(1, 2);
    }

    @Test
    void aBlockedPutCanBeInterrupted() throws InterruptedException {
        Subscription s = subscription(1);
        s.put(ev(0));
        Call<Boolean> put = call(() -> {
            s.put(ev(1));
            return true;
        });
        put.awaitBlocked();
        put.thread.interrupt();
        assertThatThrownBy(put::get).hasCauseInstanceOf(InterruptedException.class);
        assertThat(drainAll(s)).containsExactly(0);
    }

    @Test
    void putNeverBlocksBelowMaxsizeEvenAfterPushFrontOverfilled() throws Exception {
        Subscription s = subscription(2);
        s.pushFront(evs(0, 3)); // never blocks: 3 > maxsize
        Call<Boolean> put = call(() -> {
            s.put(ev(3));
            return true;
        });
        put.awaitBlocked();
        EventImpl<?, ?>[] dst = new EventImpl<?, ?>[3];
        s.drainTo(dst, 1, Subscription.NOW);
        assertThat(put.result.isDone()).as("2 buffered: still full").isFalse();
        s.drainTo(dst, 1, Subscription.NOW);
        assertThat(put.get()).isTrue();
        assertThat(drainAll(s)).containsExactly(2, 3);
    }

    // ---- signals ----

    @Test
    void everyArrivalAndCloseSignals() throws InterruptedException {
        Subscription s = subscription(8);
        Signal signal = new Signal();
        s.addSignal(signal);
        s.putAll(evs(0, 2));
        assertThat(version(signal)).isEqualTo(1);
        s.put(ev(2));
        assertThat(version(signal)).isEqualTo(2);
        s.pushFront(evs(3, 4));
        assertThat(version(signal)).isEqualTo(3);
        s.drainTo(new EventImpl<?, ?>[8], 8, Subscription.NOW);
        assertThat(version(signal)).isEqualTo(3);
        s.close();
        assertThat(version(signal)).isEqualTo(4);
    }

    private static long version(Signal s) {
        s.lock().lock();
        try {
            return s.version();
        } finally {
            s.lock().unlock();
        }
    }

    // ---- helpers ----

    /** A {@link ManualTicker} that counts the waits on it. */
    static final class CountingTicker implements Ticker {
        final ManualTicker manual = new ManualTicker();
        final AtomicInteger waits = new AtomicInteger();

        @Override
        public long nanoTime() {
            return manual.nanoTime();
        }

        @Override
        public void awaitUntil(Condition condition, long deadlineNanos) throws InterruptedException {
            waits.incrementAndGet();
            manual.awaitUntil(condition, deadlineNanos);
        }
    }

    /** A blocking call on its own thread. */
    final class Call<T> {
        final CompletableFuture<T> result = new CompletableFuture<>();
        final Thread thread;

        Call(Callable<T> body) {
            thread = new Thread(() -> {
                try {
                    result.complete(body.call());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            }, "subscription-test-call");
            thread.setDaemon(true);
            thread.start();
        }

        /** Waits until the call is parked (on the buffer's condition) and has not returned. */
        void awaitBlocked() {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                    .until(() -> thread.getState() == Thread.State.WAITING
                            || thread.getState() == Thread.State.TIMED_WAITING
                            || result.isDone());
            assertThat(result.isDone()).as("returned instead of blocking: %s", result).isFalse();
        }

        /** Waits until the call waits on the ticker for the {@code n}th time (a timed wait inside the ticker). */
        void awaitWaitingOnTicker(int n) {
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(1))
                    .until(() -> (ticker.waits.get() >= n && thread.getState() == Thread.State.TIMED_WAITING)
                            || result.isDone());
            assertThat(result.isDone()).as("returned instead of waiting: %s", result).isFalse();
        }

        T get() throws ExecutionException, InterruptedException, java.util.concurrent.TimeoutException {
            return result.get(5, TimeUnit.SECONDS);
        }
    }
}
