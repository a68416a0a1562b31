package dev.faust4j.internal.send;

import dev.faust4j.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The resender after an outage (found by reliability battery test d: once the broker was back and more than 5 s had
 * passed since the outage's last warning, the resend thread spun on a core holding its lock, and a SIGTERMed
 * worker never stopped).
 */
class ResenderTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** A send that succeeds when sent again. */
    private static final class Send implements Resender.Retryable {
        final AtomicInteger sentAgain = new AtomicInteger();
        private long firstFailure = Long.MIN_VALUE;

        @Override
        public String topic() {
            return "out";
        }

        @Override
        public int attempts() {
            return 1 + sentAgain.get();
        }

        @Override
        public long firstFailureNanos() {
            return firstFailure;
        }

        @Override
        public void firstFailureNanos(long nanos) {
            firstFailure = nanos;
        }

        @Override
        public void sendAgain() {
            sentAgain.incrementAndGet();
        }

        @Override
        public void abandon(Throwable reason) {
            throw new AssertionError("abandoned: " + reason);
        }
    }

    @Test
    void onceAnOutageIsOverTheResenderWaitsIdleAndStopReturns() {
        ManualTicker ticker = new ManualTicker();
        Resender resender = new Resender(ticker, Duration.ofMinutes(2), "app");
        Send send = new Send();
        assertThat(resender.retry(send, new IllegalStateException("broker away"))).isTrue();
        assertThat(resender.inOutage()).isTrue();

        ticker.advance(Duration.ofMillis(100)); // the first backoff
        await("the send is made again").atMost(PATIENCE).until(() -> send.sentAgain.get() == 1);
        await("the outage is over").atMost(PATIENCE).until(() -> !resender.inOutage());

        ticker.advance(Duration.ofSeconds(6)); // more than the 5 s warning period after the outage's first warning
        CompletableFuture<Void> stop = CompletableFuture.runAsync(resender::stop);
        await("stop returns").atMost(PATIENCE).until(stop::isDone);
        stop.join();
        assertThat(send.sentAgain).hasValue(1);
    }

    @Test
    void aSecondOutageIsRetriedLikeTheFirst() {
        ManualTicker ticker = new ManualTicker();
        Resender resender = new Resender(ticker, Duration.ofMinutes(2), "app");
        Send first = new Send();
        resender.retry(first, new IllegalStateException("broker away"));
        ticker.advance(Duration.ofMillis(100));
        await().atMost(PATIENCE).until(() -> first.sentAgain.get() == 1 && !resender.inOutage());
        ticker.advance(Duration.ofSeconds(6));

        Send second = new Send();
        assertThat(resender.retry(second, new IllegalStateException("broker away again"))).isTrue();
        ticker.advance(Duration.ofMillis(100));
        await("the second outage's send is made again").atMost(PATIENCE).until(() -> second.sentAgain.get() == 1);
        CompletableFuture<Void> stop = CompletableFuture.runAsync(resender::stop);
        await("stop returns").atMost(PATIENCE).until(stop::isDone);
    }
}
