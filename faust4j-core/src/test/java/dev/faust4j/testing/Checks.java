package dev.faust4j.testing;

import dev.faust4j.App;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.awaitility.Awaitility.await;

/**
 * The checks the behaviour suites share: committed offsets, waits that fail fast when an invariant breaks,
 * "stays" checks that sample over a window, an app's exit code, headers. Never a sleep: everything waits with
 * Awaitility, against a generous upper bound ({@link #TIMEOUT}) that is a safety net, not a timing assertion.
 * Thread-safe (stateless).
 */
public final class Checks {
    /** The upper bound of every wait. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** How long a "stays" check keeps sampling (about 10 commit intervals of the tests). */
    public static final Duration HOLD_WINDOW = Duration.ofMillis(500);

    private Checks() {
    }

    /** The committed offset of a partition for a group, or -1 when none. */
    public static long committed(TransportFixture transport, String url, String group, TopicPartition tp) {
        Long c = transport.committed(url, group, tp);
        return c == null ? -1 : c;
    }

    /** Waits until the committed offset is {@code expected}, failing at once if it ever goes past it. */
    public static void awaitCommittedExactly(TransportFixture transport, String url, String group, TopicPartition tp,
                                             long expected) {
        await().atMost(TIMEOUT)
                .failFast("committed offset of " + tp + " passed " + expected,
                        () -> committed(transport, url, group, tp) > expected)
                .until(() -> committed(transport, url, group, tp) == expected);
    }

    /** Samples {@code invariant} over {@link #HOLD_WINDOW}; fails at the first sample where it does not hold. */
    public static void assertStays(String what, Callable<Boolean> invariant) {
        assertStays(what, invariant, () -> "");
    }

    /** As {@link #assertStays(String, Callable)}, adding {@code state} to the failure message. */
    public static void assertStays(String what, Callable<Boolean> invariant, Supplier<String> state) {
        try {
            await().atMost(HOLD_WINDOW.plus(TIMEOUT)).pollInterval(Duration.ofMillis(10))
                    .failFast(what, () -> !invariant.call())
                    .during(HOLD_WINDOW).until(invariant);
        } catch (TerminalFailureException | ConditionTimeoutException e) {
            String s = state.get();
            throw new AssertionError(what + (s.isEmpty() ? "" : " (" + s + ")"), e);
        }
    }

    /** The app's exit code, completed when it has stopped. */
    public static CompletableFuture<Integer> exitOf(App app) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                exit.complete(app.awaitTermination());
            } catch (Throwable t) {
                exit.completeExceptionally(t);
            }
        });
        return exit;
    }

    /** The app's exit code, waiting at most {@link #TIMEOUT}. */
    public static int awaitExit(App app) throws Exception {
        return exitOf(app).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** A header's value as UTF-8 text, or null. */
    public static String header(ConsumedRecord r, String key) {
        return r.headers().stream().filter(h -> h.key().equals(key)).findFirst()
                .map(h -> h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)).orElse(null);
    }

    /** The integers {@code from..to-1}. */
    public static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }
}
