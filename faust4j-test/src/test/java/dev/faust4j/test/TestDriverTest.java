package dev.faust4j.test;

import dev.faust4j.Agent;
import dev.faust4j.App;
import dev.faust4j.AppState;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.KeyValue;
import dev.faust4j.Table;
import dev.faust4j.Topic;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The test kit on itself: every promise of {@link TestDriver}, with no sleep and no timing threshold. */
class TestDriverTest {

    @Test
    void routesByKeyOverSeveralPartitionsAndReadsOutputs() {
        App app = TestApp.builder("routing").build();
        Topic<String, String> words = app.topic("words", String.class);
        Topic<String, String> upper = app.topic("upper", String.class);
        app.agent(words, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                upper.send(kv.key(), kv.value().toUpperCase()).join();
            }
        }).name("shout");

        try (TestDriver driver = TestDriver.start(app)) {
            for (int i = 0; i < 20; i++) {
                driver.send(words, "key-" + (i % 5), "w" + i);
            }
            driver.send(words, "key-0", "pinned", 3);
            driver.runUntilIdle();

            List<TestRecord<String, String>> out = driver.read(upper);
            assertThat(out).hasSize(21);
            Map<String, List<Integer>> partitionsByKey = out.stream().filter(r -> !"PINNED".equals(r.value()))
                    .collect(Collectors.groupingBy(TestRecord::key,
                            Collectors.mapping(TestRecord::partition, Collectors.toList())));
            assertThat(partitionsByKey).hasSize(5);
            partitionsByKey.values().forEach(ps -> assertThat(ps).containsOnly(ps.getFirst()));
            assertThat(out.stream().map(TestRecord::partition).distinct().count()).isGreaterThan(1);
            // each key's records keep their order in their partition
            assertThat(out.stream().filter(r -> "key-1".equals(r.key())).map(TestRecord::value))
                    .containsExactly("W1", "W6", "W11", "W16");
            assertThat(driver.read(words, 3)).extracting(TestRecord::value).contains("pinned");
            assertThat(driver.assignment()).hasSize(4); // what the app reads: the 4 partitions of words
        }
    }

    @Test
    void runsAGroupByAndThroughPipelineUntilIdleAndShowsTheTable() {
        App app = TestApp.builder("pipeline").build();
        Topic<String, String> clicks = app.topic("clicks", String.class); // value: "user:page"
        Topic<String, String> pages = app.topic("pages", String.class);
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        app.agent(clicks, stream -> {
            for (KeyValue<String, String> kv : stream.through("clicks-copy")
                    .groupBy(v -> v.substring(v.indexOf(':') + 1), "page").items()) {
                long n = counts.update(kv.key(), c -> c + 1);
                pages.send(kv.key(), kv.key() + "=" + n).join();
            }
        }).name("count-pages");

        try (TestDriver driver = TestDriver.start(app)) {
            driver.send(clicks, "alice", "alice:home");
            driver.send(clicks, "bob", "bob:home");
            driver.send(clicks, "carol", "carol:about");
            driver.runUntilIdle();

            assertThat(driver.table(counts)).containsExactlyInAnyOrderEntriesOf(Map.of("home", 2L, "about", 1L));
            assertThat(driver.readValues(pages)).containsExactlyInAnyOrder("home=1", "home=2", "about=1");

            driver.send(clicks, "dave", "dave:about");
            driver.runUntilIdle();
            assertThat(driver.table(counts)).containsEntry("about", 2L);
            assertThat(driver.read(pages)).hasSize(4);
        }
    }

    @Test
    void commitsOnlyWhenTheCommitIntervalPassesOnTheClock() {
        App app = TestApp.builder("commits").build();
        Topic<String, String> in = app.topic("in", String.class);
        app.agent(in, stream -> {
            for (String ignored : stream) {
                // consume
            }
        }).name("sink");

        try (TestDriver driver = TestDriver.start(app)) {
            driver.send(in, "k", "a", 0);
            driver.send(in, "k", "b", 0);
            driver.send(in, "k", "c", 2);
            driver.runUntilIdle();
            assertThat(driver.committed(in, 0)).isEmpty();

            driver.advance(app.settings().commitInterval());
            assertThat(driver.committed(in, 0)).hasValue(2);
            assertThat(driver.committed(in, 2)).hasValue(1);

            driver.send(in, "k", "d", 0);
            driver.runUntilIdle();
            assertThat(driver.committed(in, 0)).hasValue(2);
            driver.advance(app.settings().commitInterval());
            assertThat(driver.committed(in, 0)).hasValue(3);
        }
    }

    @Test
    void aTimerFiresOnlyWhenTheClockIsAdvanced() {
        App app = TestApp.builder("timer").build();
        Topic<String, String> ticks = app.topic("ticks", String.class);
        AtomicInteger runs = new AtomicInteger();
        app.timer(Duration.ofMinutes(1), () -> ticks.send("t", "tick-" + runs.incrementAndGet()).join());

        try (TestDriver driver = TestDriver.start(app)) {
            driver.runUntilIdle();
            assertThat(runs).hasValue(0);

            driver.advance(Duration.ofSeconds(59));
            assertThat(runs).hasValue(0);
            driver.advance(Duration.ofSeconds(1));
            assertThat(runs).hasValue(1);
            assertThat(driver.readValues(ticks)).containsExactly("tick-1");
            driver.advance(Duration.ofMinutes(1));
            assertThat(driver.readValues(ticks)).containsExactly("tick-1", "tick-2");
        }
    }

    @Test
    void takeWithinFlushesAPartialBatchOnlyWhenTheClockIsAdvanced() {
        App app = TestApp.builder("take").build();
        Topic<String, String> in = app.topic("in", String.class);
        Topic<String, String> batches = app.topic("batches", String.class);
        app.agent(in, stream -> {
            for (List<String> batch : stream.take(3, Duration.ofSeconds(10))) {
                batches.send("b", String.join(",", batch)).join();
            }
        }).name("batcher");

        try (TestDriver driver = TestDriver.start(app)) {
            driver.send(in, "k", "1", 0);
            driver.send(in, "k", "2", 0);
            driver.send(in, "k", "3", 0);
            driver.send(in, "k", "4", 0);
            driver.runUntilIdle();
            assertThat(driver.readValues(batches)).containsExactly("1,2,3");

            driver.advance(Duration.ofSeconds(9));
            assertThat(driver.readValues(batches)).containsExactly("1,2,3");
            driver.advance(Duration.ofSeconds(1));
            assertThat(driver.readValues(batches)).containsExactly("1,2,3", "4");
        }
    }

    @Test
    void askReturnsWhatTheAgentSentForTheValueOrWhatItThrew() {
        App app = TestApp.builder("ask").build();
        Topic<String, String> orders = app.topic("orders", String.class);
        Topic<String, String> receipts = app.topic("receipts", String.class);
        Agent<String, String> agent = app.agent(orders, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                int amount = Integer.parseInt(kv.value());
                if (amount < 0) {
                    throw new IllegalArgumentException("negative amount " + amount);
                }
                receipts.send(kv.key(), kv.key() + " paid " + amount).join();
            }
        }).name("pay");

        try (TestDriver driver = TestDriver.start(app)) {
            Answer paid = driver.ask(agent, "alice", "30");
            assertThat(paid.error()).isEmpty();
            assertThat(paid.value(receipts)).isEqualTo("alice paid 30");
            assertThat(paid.records(receipts)).singleElement().satisfies(r -> assertThat(r.key()).isEqualTo("alice"));

            Answer refused = driver.ask(agent, "bob", "-5");
            assertThat(refused.error().orElseThrow()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("negative amount -5");
            assertThat(refused.records(receipts)).isEmpty();
            assertThatThrownBy(() -> refused.value(receipts)).isInstanceOf(AssertionError.class)
                    .hasCauseInstanceOf(IllegalArgumentException.class);

            // the agent restarts after its backoff, on the test clock
            driver.advance(app.settings().agentRestartBackoff());
            assertThat(driver.ask(agent, "carol", "7").value(receipts)).isEqualTo("carol paid 7");
        }
    }

    @Test
    void anAppThatNeverGoesIdleFailsNamingWhatIsPending() {
        App app = TestApp.builder("stuck").build();
        Topic<String, String> in = app.topic("in", String.class);
        CountDownLatch never = new CountDownLatch(1); // released at the end, so that the app stops at once
        app.agent(in, stream -> {
            for (String ignored : stream) {
                never.await();
            }
        }).name("stuck-agent").onError(ErrorPolicy.skip());

        try (TestDriver driver = TestDriver.start(app).timeout(Duration.ofMillis(300))) {
            driver.send(in, "k", "v", 1);
            driver.send(in, "k", "w", 1);
            assertThatThrownBy(driver::runUntilIdle).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("did not go idle within PT0.3S")
                    .hasMessageContaining("in-1: 2 record(s) fetched and not done yet (oldest offset 0)")
                    .hasMessageContaining("agent stuck-agent holds 1 event(s)");
            never.countDown();
        }
        assertThat(app.state()).isIn(AppState.STOPPED, AppState.STOPPING);
    }

    @Test
    void recordsFilteredOutOrSkippedAsUndecodableAreDoneToo() {
        App app = TestApp.builder("skips").decodeErrorPolicy(ErrorPolicy.skip()).build();
        Topic<String, Integer> numbers = app.topic("numbers", Integer.class);
        Topic<String, String> asText = app.topic("numbers", String.class); // the same topic, to send bad bytes
        Topic<String, Integer> evens = app.topic("evens", Integer.class);
        app.agent(numbers, stream -> {
            for (KeyValue<String, Integer> kv : stream.filter(n -> n % 2 == 0).items()) {
                evens.send(kv.key(), kv.value()).join();
            }
        }).name("evens");

        try (TestDriver driver = TestDriver.start(app)) {
            driver.send(numbers, "a", 1, 0);
            driver.send(asText, "a", "not a number", 0);
            driver.send(numbers, "a", 2, 0);
            driver.runUntilIdle();
            assertThat(driver.readValues(evens)).containsExactly(2);
            driver.advance(app.settings().commitInterval());
            assertThat(driver.committed(numbers, 0)).hasValue(3);
        }
    }

    /** The README's "Testing an agent" example, as written there. */
    @Test
    void theReadmeExample() {
        App app = TestApp.builder("orders").build();
        Topic<String, String> orders = app.topic("orders", String.class),
                receipts = app.topic("receipts", String.class);
        Agent<String, String> pay = app.agent(orders, s -> {
            for (var kv : s.items())
                receipts.send(kv.key(), "paid " + kv.value()).join();
        });
        try (TestDriver driver = TestDriver.start(app)) {
            assertThat(driver.ask(pay, "alice", "30").value(receipts)).isEqualTo("paid 30");
        }
    }

    /** The package tutorial's first example, as written there. */
    @Test
    void theTutorialsFirstExample() {
        App app = TestApp.builder("payments").build();
        Topic<String, String> orders = app.topic("orders", String.class);
        Topic<String, String> receipts = app.topic("receipts", String.class);
        Agent<String, String> pay = app.agent(orders, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                if (kv.value().startsWith("-"))
                    throw new IllegalArgumentException("negative " + kv.value());
                receipts.send(kv.key(), kv.key() + " paid " + kv.value()).join();
            }
        }).name("pay");

        try (TestDriver driver = TestDriver.start(app)) {
            assertThat(driver.ask(pay, "alice", "30").value(receipts)).isEqualTo("alice paid 30");
            assertThat(driver.ask(pay, "bob", "-5").error()).containsInstanceOf(IllegalArgumentException.class);
        }
    }
}
