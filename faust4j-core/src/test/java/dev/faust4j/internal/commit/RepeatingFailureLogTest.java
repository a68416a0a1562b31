package dev.faust4j.internal.commit;

import dev.faust4j.testing.LogCapture;
import dev.faust4j.time.ManualTicker;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A commit that fails every commit interval through a broker outage must not flood the log (found by battery test d:
 * one WARN per failed commit, five a second, for the whole outage).
 */
class RepeatingFailureLogTest {

    @Test
    void aRunOfFailuresLogsOnceThenEveryPeriodThenOnceWhenItEnds() {
        Assumptions.assumeTrue(LogCapture.supported(), "slf4j-simple is the logging backend");
        ManualTicker ticker = new ManualTicker();
        try (LogCapture logs = new LogCapture()) {
            RepeatingFailureLog failures = new RepeatingFailureLog(LoggerFactory.getLogger("commit-test"), ticker,
                    Duration.ofSeconds(30), "Commits");
            // 45 s of an outage with a commit every 200 ms: 225 failures
            for (int i = 0; i < 225; i++) {
                failures.failed("commit of 1 partitions: broker unreachable #" + i);
                ticker.advance(Duration.ofMillis(200));
            }
            failures.succeeded();
            failures.succeeded(); // a success after a success logs nothing

            String text = logs.text();
            assertThat(count(text, "Commits failed, will retry at the next commit: commit of 1 partitions: "
                    + "broker unreachable #0")).isEqualTo(1);
            assertThat(count(text, "Commits still failing after 30 s (151 attempts)")).isEqualTo(1);
            assertThat(count(text, "commit-test")).as("lines logged for 225 failures and their end").isEqualTo(3);
            assertThat(text).contains("Commits go through again after 45 s (225 failed attempts)");
        }
    }

    @Test
    void aNewRunAfterASuccessStartsOver() {
        Assumptions.assumeTrue(LogCapture.supported(), "slf4j-simple is the logging backend");
        ManualTicker ticker = new ManualTicker();
        try (LogCapture logs = new LogCapture()) {
            RepeatingFailureLog failures = new RepeatingFailureLog(LoggerFactory.getLogger("commit-test-2"), ticker,
                    Duration.ofSeconds(30), "Commits");
            failures.failed("first");
            failures.succeeded();
            ticker.advance(Duration.ofSeconds(1));
            failures.failed("second");
            assertThat(logs.text()).contains("Commits failed, will retry at the next commit: first")
                    .contains("Commits go through again after 0 s (1 failed attempts)")
                    .contains("Commits failed, will retry at the next commit: second");
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
