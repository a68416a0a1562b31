package dev.faust4j.internal.failure;

import dev.faust4j.time.ManualTicker;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogBudgetTest {

    @Test
    void eachKindLogsAtMostItsBudgetPerWindowAndTheNextLineSaysHowManyWereLeftOut() {
        ManualTicker ticker = new ManualTicker();
        LogBudget budget = new LogBudget(ticker, 10, Duration.ofMinutes(1));

        long allowed = IntStream.range(0, 25).filter(i -> budget.take("skip") >= 0).count();
        assertThat(allowed).as("lines logged of 25 in one window").isEqualTo(10);
        assertThat(budget.take("dead-letter")).as("another kind has its own budget").isZero();

        ticker.advance(Duration.ofMinutes(1));
        assertThat(budget.take("skip")).as("the first line of the next window reports the 15 left out").isEqualTo(15);
        assertThat(budget.take("skip")).isZero();
        assertThat(LogBudget.leftOut(15)).isEqualTo(" (15 more like it not logged before this one)");
        assertThat(LogBudget.leftOut(0)).isEmpty();
    }

    @Test
    void aBudgetBelowOneIsRefused() {
        assertThatThrownBy(() -> new LogBudget(new ManualTicker(), 0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("perWindow");
    }
}
