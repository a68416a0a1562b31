package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import dev.faust4j.internal.json.FaustFloats;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static java.time.Duration.ofMillis;
import static java.time.Duration.ofSeconds;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WindowTest {

    /** 2026-12-02 the capture's T0 (faust-wire-samples.md), aligned to 100 s. */
    private static final long T0 = 1_796_105_400_000L;

    private static WindowRange w(long startMs, long endMs) {
        return new WindowRange(startMs, endMs);
    }

    @Test
    void tumblingPutsATimestampInExactlyOneWindowWithAnExclusiveEnd() {
        Window tumbling = Window.tumbling(ofSeconds(10));
        assertThat(tumbling.ranges(T0)).containsExactly(w(T0, T0 + 10_000));
        assertThat(tumbling.ranges(T0 + 9_999)).containsExactly(w(T0, T0 + 10_000));
        assertThat(tumbling.ranges(T0 + 9_950)).as("after Faust's nominal end (start + size - 0.1 s)")
                .containsExactly(w(T0, T0 + 10_000));
        assertThat(tumbling.ranges(T0 + 10_000)).as("a timestamp at the end starts the next window")
                .containsExactly(w(T0 + 10_000, T0 + 20_000));
        assertThat(tumbling.ranges(0)).containsExactly(w(0, 10_000));
        assertThat(tumbling.current(T0 + 5)).isEqualTo(tumbling.earliest(T0 + 5)).isEqualTo(w(T0, T0 + 10_000));
    }

    @Test
    void hoppingGivesFaustsWindowsInAscendingOrder() {
        Window hopping = Window.hopping(ofSeconds(10), ofSeconds(5));
        // faust-tables.md §5.1: size=10, step=5, t=12 -> (5.0, 14.9) and (10.0, 19.9)
        assertThat(hopping.ranges(12_000)).containsExactly(w(5_000, 15_000), w(10_000, 20_000));
        assertThat(hopping.ranges(10_000)).as("at a window start")
                .containsExactly(w(5_000, 15_000), w(10_000, 20_000));
        assertThat(hopping.ranges(14_999)).containsExactly(w(5_000, 15_000), w(10_000, 20_000));
        assertThat(hopping.ranges(15_000)).as("at a window end").containsExactly(w(10_000, 20_000), w(15_000, 25_000));
        assertThat(hopping.ranges(0)).containsExactly(w(-5_000, 5_000), w(0, 10_000));
        assertThat(hopping.current(12_000)).isEqualTo(w(10_000, 20_000));
        assertThat(hopping.earliest(12_000)).isEqualTo(w(5_000, 15_000));
    }

    @Test
    void hoppingWithASizeThatIsNotAMultipleOfTheStepAlignsTheEndsAsFaustDoes() {
        Window hopping = Window.hopping(ofSeconds(10), ofSeconds(3));
        // Faust: first = floor(12 / 3) * 3 - 10 + 3 = 5; starts 5, 8, 11
        assertThat(hopping.ranges(12_000)).containsExactly(w(5_000, 15_000), w(8_000, 18_000), w(11_000, 21_000));
    }

    @Test
    void hoppingAndTumblingMatchFaustsFloatArithmeticForWholeSecondWindows() {
        SplittableRandom random = new SplittableRandom(10);
        int[][] sizesAndSteps = {{10, 10}, {10, 5}, {10, 3}, {60, 1}, {7, 2}, {3600, 600}};
        for (int[] sizeAndStep : sizesAndSteps) {
            Window window = Window.hopping(ofSeconds(sizeAndStep[0]), ofSeconds(sizeAndStep[1]));
            for (int i = 0; i < 2_000; i++) {
                long t = random.nextLong(1_900_000_000_000L);
                List<WindowRange> ranges = window.ranges(t);
                assertThat(faustRanges(sizeAndStep[0], sizeAndStep[1], t / 1000.0)).as("size/step %s, t=%s",
                        sizeAndStep[0] + "/" + sizeAndStep[1], t)
                        .containsExactlyElementsOf(wire(ranges));
                assertThat(ranges).allMatch(r -> r.contains(t)).isSortedAccordingTo(
                        (a, b) -> Long.compare(a.startMs(), b.startMs()));
            }
        }
    }

    /** {@code faust/windows.py} {@code _HoppingWindow._ranges}, in Python's float arithmetic. */
    private static List<String> faustRanges(double size, double step, double timestamp) {
        double first = Math.floor(timestamp / step) * step - size + step;
        List<String> ranges = new ArrayList<>();
        for (long start = (long) first; start <= (long) timestamp; start += (long) step) {
            double s = start;
            ranges.add(FaustFloats.repr(s) + "," + FaustFloats.repr(s + size - 0.1));
        }
        return ranges;
    }

    private static List<String> wire(List<WindowRange> ranges) {
        return ranges.stream().map(r -> FaustFloats.repr(WindowedKeyCodec.wireStart(r)) + ","
                + FaustFloats.repr(WindowedKeyCodec.wireEnd(r))).toList();
    }

    @Test
    void windowsMayBeAnyWholeNumberOfMilliseconds() {
        Window hopping = Window.hopping(ofMillis(300), ofMillis(100));
        assertThat(hopping.ranges(1_000)).containsExactly(w(800, 1_100), w(900, 1_200), w(1_000, 1_300));
        Window unaligned = Window.hopping(ofMillis(250), ofMillis(100));
        assertThat(unaligned.ranges(1_000)).as("ends on multiples of the step, as in Faust")
                .containsExactly(w(850, 1_100), w(950, 1_200));
    }

    @Test
    void slidingGivesOneWindowAroundTheTimestampWithBothEndsIncluded() {
        Window sliding = Window.sliding(ofSeconds(5), ofSeconds(2));
        WindowRange range = sliding.current(T0);
        assertThat(sliding.ranges(T0)).containsExactly(w(T0 - 5_000, T0 + 2_001));
        assertThat(range.contains(T0 - 5_000)).isTrue();
        assertThat(range.contains(T0 + 2_000)).isTrue();
        assertThat(range.contains(T0 - 5_001)).isFalse();
        assertThat(range.contains(T0 + 2_001)).isFalse();
        assertThat(Window.sliding(Duration.ZERO, Duration.ZERO).ranges(T0)).containsExactly(w(T0, T0 + 1));
    }

    @Test
    void argumentsAreCheckedWithMessagesNamingTheParameter() {
        assertThatThrownBy(() -> Window.tumbling(Duration.ZERO)).hasMessage("size must be positive, was PT0S");
        assertThatThrownBy(() -> Window.tumbling(ofSeconds(-1))).hasMessage("size must not be negative, was PT-1S");
        assertThatThrownBy(() -> Window.tumbling(Duration.ofNanos(1_500_000)))
                .hasMessage("size must be a whole number of milliseconds, was PT0.0015S");
        assertThatThrownBy(() -> Window.tumbling(Duration.ofDays(365L * 1_000_000)))
                .hasMessageStartingWith("size must be at most 4503599627370495 ms");
        assertThatThrownBy(() -> Window.tumbling(null)).isInstanceOf(NullPointerException.class).hasMessage("size");
        assertThatThrownBy(() -> Window.hopping(ofSeconds(10), Duration.ZERO))
                .hasMessage("step must be positive, was PT0S");
        assertThatThrownBy(() -> Window.hopping(ofSeconds(5), ofSeconds(10)))
                .hasMessageStartingWith("step (10000 ms) must not exceed size (5000 ms)");
        assertThatThrownBy(() -> Window.hopping(ofSeconds(100), ofMillis(1)))
                .hasMessageStartingWith("size / step must be at most 10000");
        assertThatThrownBy(() -> Window.sliding(ofSeconds(-1), ofSeconds(1)))
                .hasMessage("before must not be negative, was PT-1S");
        assertThatThrownBy(() -> Window.sliding(ofSeconds(1), ofSeconds(-1)))
                .hasMessage("after must not be negative, was PT-1S");
        assertThatThrownBy(() -> new Window.Tumbling(0, Expiry.DEFAULT))
                .hasMessageStartingWith("size must be between 1 and");
        assertThatThrownBy(() -> new Window.Hopping(10, -1, Expiry.DEFAULT))
                .hasMessageStartingWith("step must be between 1 and");
        assertThatThrownBy(() -> new WindowRange(10, 10)).hasMessageContaining("endMs must be after startMs");
    }

    @Test
    void timestampsMustBeEpochMilliseconds() {
        Window tumbling = Window.tumbling(ofSeconds(10));
        assertThatThrownBy(() -> tumbling.ranges(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timestampMs").hasMessageContaining("was -1 (Kafka's \"no timestamp\")");
        assertThatThrownBy(() -> Window.hopping(ofSeconds(10), ofSeconds(5)).ranges(Long.MAX_VALUE))
                .hasMessageContaining("timestampMs must be an epoch time between 0 and 4503599627370495 ms");
        assertThat(Window.sliding(ofSeconds(1), ofSeconds(1)).ranges(Millis.MAX)).hasSize(1);
        assertThat(Window.hopping(ofMillis(Millis.MAX), ofMillis(Millis.MAX)).ranges(Millis.MAX)).hasSize(1);
    }

    @Test
    void aWindowClosesAtItsEndPlusGrace() {
        WindowRange window = w(0, 10_000);
        Window noGrace = Window.tumbling(ofSeconds(10));
        assertThat(noGrace.isClosed(window, 9_999)).isFalse();
        assertThat(noGrace.isClosed(window, 10_000)).isTrue();
        Window grace = noGrace.grace(ofSeconds(5));
        assertThat(grace.isClosed(window, 14_999)).isFalse();
        assertThat(grace.isClosed(window, 15_000)).isTrue();
        assertThat(grace).isInstanceOf(Window.Tumbling.class);
        assertThat(grace.expiry()).isEqualTo(new Expiry(5_000, Expiry.NEVER));
    }

    @Test
    void aWindowExpiresAtItsEndPlusExpiresOrNever() {
        WindowRange window = w(0, 10_000);
        Window plain = Window.hopping(ofSeconds(10), ofSeconds(5));
        assertThat(plain.expiry().expires()).isFalse();
        assertThat(plain.isExpired(window, Long.MAX_VALUE)).isFalse();
        Window expiring = plain.expires(Duration.ofHours(1));
        assertThat(expiring).isInstanceOf(Window.Hopping.class);
        assertThat(expiring.expiry().expiresMs()).isEqualTo(3_600_000);
        assertThat(expiring.isExpired(window, 3_609_999)).isFalse();
        assertThat(expiring.isExpired(window, 3_610_000)).isTrue();
        assertThat(expiring.isExpired(window, Long.MAX_VALUE)).isTrue();
        assertThat(expiring.isClosed(window, 10_000)).isTrue();
        Window sliding = Window.sliding(ofSeconds(1), ofSeconds(1)).expires(ofSeconds(30));
        assertThat(sliding.isExpired(sliding.current(0), 30_000)).isFalse();
        assertThat(sliding.isExpired(sliding.current(0), 31_001)).isTrue();
    }

    @Test
    void expiryArgumentsAreChecked() {
        Window window = Window.tumbling(ofSeconds(10));
        assertThatThrownBy(() -> window.expires(Duration.ZERO)).hasMessage("expires must be positive, was PT0S");
        assertThatThrownBy(() -> window.grace(ofSeconds(-1))).hasMessage("grace must not be negative, was PT-1S");
        assertThatThrownBy(() -> window.expires(ofSeconds(10)).grace(ofSeconds(11)))
                .hasMessageStartingWith("expires (10000 ms) must be at least grace (11000 ms)");
        assertThatThrownBy(() -> new Expiry(-1, Expiry.NEVER)).hasMessageStartingWith("grace must be between 0");
        assertThatThrownBy(() -> new Expiry(0, 0)).hasMessageStartingWith("expires must be between 1");
    }
}
