package dev.faust4j;

import dev.faust4j.testing.Transports;
import dev.faust4j.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@code app.task} runs once at start; {@code app.timer} runs once per interval of the app's ticker. */
class TasksAndTimersTest {

    @Test
    void timerRunsOncePerIntervalOfTheTicker() {
        ManualTicker ticker = new ManualTicker();
        String id = Transports.uniqueId("timer");
        AtomicInteger ticks = new AtomicInteger();
        AtomicInteger taskRuns = new AtomicInteger();
        try (App app = App.builder(id).broker("memory://" + id).ticker(ticker).build()) {
            app.timer(Duration.ofSeconds(10), ticks::incrementAndGet);
            app.task(taskRuns::incrementAndGet);
            app.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> taskRuns.get() == 1);
            assertThat(ticks.get()).isZero();

            ticker.advance(Duration.ofSeconds(10));
            await().atMost(Duration.ofSeconds(30)).until(() -> ticks.get() == 1);
            ticker.advance(Duration.ofSeconds(5));
            ticker.advance(Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(30)).until(() -> ticks.get() == 2);
            assertThat(taskRuns.get()).isEqualTo(1);
        }
    }

    @Test
    void aFailingTimerKeepsRunning() {
        ManualTicker ticker = new ManualTicker();
        String id = Transports.uniqueId("timer");
        AtomicInteger ticks = new AtomicInteger();
        try (App app = App.builder(id).broker("memory://" + id).ticker(ticker).build()) {
            app.timer(Duration.ofSeconds(1), () -> {
                ticks.incrementAndGet();
                throw new IllegalStateException("boom");
            });
            app.start();
            ticker.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> ticks.get() == 1);
            ticker.advance(Duration.ofSeconds(1));
            await().atMost(Duration.ofSeconds(30)).until(() -> ticks.get() == 2);
        }
    }

    @Test
    void addingToARunningAppIsRefusedWithTheReason() {
        String id = Transports.uniqueId("timer");
        try (App app = App.builder(id).broker("memory://" + id).build()) {
            app.start();
            assertThatThrownBy(() -> app.task(() -> {}))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
            assertThatThrownBy(() -> app.timer(Duration.ZERO, () -> {}))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
