package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import dev.faust4j.time.ManualTicker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static dev.faust4j.testing.Checks.assertStays;
import static dev.faust4j.testing.Checks.awaitCommittedExactly;
import static dev.faust4j.testing.Checks.awaitExit;
import static dev.faust4j.testing.Checks.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * How a failing agent is supervised (issue 8, §2 items 7 and 8), on every transport: the retry policy processes a
 * failed record again in place, by the app's clock, then applies its final policy (a dead letter carries the attempt
 * count); restarts back off exponentially while the agent keeps failing without getting past an event; an agent can
 * be asked to stop the worker when it gives up; a decode error never waits for a retry. Time is a
 * {@link ManualTicker} wherever a wait matters, so nothing here sleeps.
 */
class AgentSupervisionTest {
    record Item(int id) {}

    private static final String ALL = "dev.faust4j.testing.Transports#all";

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void retryProcessesTheFailedRecordAgainInPlaceThenGoesOn(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("retry-in-place");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicInteger failuresOnFive = new AtomicInteger();
        try (App app = App.builder(id).broker(url).build()) {
            Topic<String, Item> in = topic(app, tp.topic());
            Agent<String, Item> agent = app.agent(in, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                    if (i.id() == 5 && failuresOnFive.incrementAndGet() <= 2) {
                        throw new IllegalStateException("transient failure on 5");
                    }
                }
            }).onError(ErrorPolicy.retry(3, Duration.ofMillis(5), ErrorPolicy.fail()));
            send(in, 0, 10);
            app.start();

            awaitCommittedExactly(transport, url, id, tp, 10);
            assertThat(agent.state()).isEqualTo(Agent.State.RUNNING);
        }
        assertThat(seen).as("5 is processed three times, in place: nothing after it before it succeeds")
                .containsExactly(0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aRecordThatKeepsFailingIsRetriedThenDeadLetteredWithItsAttemptCount(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("retry-then-dlq");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        String dlq = id + "-dlq";
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (App app = App.builder(id).broker(url).build()) {
            Topic<String, Item> in = topic(app, tp.topic());
            app.agent(in, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                    if (i.id() == 5) {
                        throw new IllegalStateException("always fails on 5");
                    }
                }
            }).onError(ErrorPolicy.retry(3, Duration.ofMillis(1), ErrorPolicy.deadLetter(dlq)));
            send(in, 0, 10);
            app.start();

            awaitCommittedExactly(transport, url, id, tp, 10);
            await().atMost(TIMEOUT).until(() -> transport.records(url, dlq).size() == 1);
        }
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 5, 5, 6, 7, 8, 9);
        ConsumedRecord dead = transport.records(url, dlq).getFirst();
        assertThat(header(dead, "faust4j.dlq.attempts")).isEqualTo("3");
        assertThat(header(dead, "faust4j.dlq.offset")).isEqualTo("5");
        assertThat(header(dead, "faust4j.dlq.error.class")).isEqualTo(IllegalStateException.class.getName());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aRetryWaitsItsBackoffByTheAppsClock(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("retry-backoff");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        ManualTicker ticker = new ManualTicker();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicInteger failuresOnFive = new AtomicInteger();
        try (App app = App.builder(id).broker(url).ticker(ticker).commitEvery(1).build()) {
            Topic<String, Item> in = topic(app, tp.topic());
            Agent<String, Item> agent = app.agent(in, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                    if (i.id() == 5 && failuresOnFive.incrementAndGet() == 1) {
                        throw new IllegalStateException("transient failure on 5");
                    }
                }
            }).onError(ErrorPolicy.retry(2, Duration.ofSeconds(10), ErrorPolicy.skip()));
            send(in, 0, 10);
            app.start();

            await().atMost(TIMEOUT).until(() -> agent.state() == Agent.State.RESTARTING);
            ticker.advance(Duration.ofSeconds(9));
            assertStays("5 waits for its 10 s backoff",
                    () -> seen.size() == 6 && agent.state() == Agent.State.RESTARTING);
            ticker.advance(Duration.ofSeconds(1));
            awaitCommittedExactly(transport, url, id, tp, 10);
        }
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void restartsBackOffExponentiallyWhileTheAgentKeepsFailing(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("backoff");
        String url = transport.brokerUrl(id);
        ManualTicker ticker = new ManualTicker();
        AtomicInteger starts = new AtomicInteger();
        try (App app = App.builder(id).broker(url).ticker(ticker).agentRestartBackoff(Duration.ofSeconds(1))
                .agentRestartBackoffMax(Duration.ofSeconds(4)).build()) {
            Topic<String, Item> in = topic(app, id + "-in");
            Agent<String, Item> agent = app.agent(in, stream -> {
                starts.incrementAndGet();
                for (Item i : stream) {
                    throw new IllegalStateException("fails on " + i.id());
                }
            });
            send(in, 0, 10);
            app.start();

            // the n-th failure in a row waits between half and all of 1 s x 2^(n-1), at most 4 s (jitter)
            long[] fullBackoffMillis = {1000, 2000, 4000, 4000};
            for (int n = 1; n <= fullBackoffMillis.length; n++) {
                int expected = n;
                await().atMost(TIMEOUT)
                        .until(() -> starts.get() == expected && agent.state() == Agent.State.RESTARTING);
                long half = fullBackoffMillis[n - 1] / 2;
                ticker.advance(Duration.ofMillis(half - 1));
                assertStays("failure " + n + " is not restarted before half its backoff",
                        () -> starts.get() == expected);
                ticker.advance(Duration.ofMillis(half + 1));
                await().atMost(TIMEOUT).until(() -> starts.get() == expected + 1);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anAgentThatGivesUpStopsTheWorkerWhenTheAppAsksForIt(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("stops-worker");
        String url = transport.brokerUrl(id);
        AtomicInteger starts = new AtomicInteger();
        try (App app = App.builder(id).broker(url).agentFailureStopsWorker(true).build()) {
            Topic<String, Item> in = topic(app, id + "-in");
            Agent<String, Item> agent = app.agent(in, stream -> {
                starts.incrementAndGet();
                for (List<Item> batch : stream.take(0, Duration.ofSeconds(1))) {
                    batch.clear();
                }
            });
            assertThat(agent.state()).isEqualTo(Agent.State.CREATED);
            send(in, 0, 3);
            app.start();

            assertThat(awaitExit(app)).isEqualTo(1);
            assertThat(agent.state()).isEqualTo(Agent.State.FAILED);
        }
        assertThat(starts).as("a misuse is not retried").hasValue(1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aDecodeErrorNeverWaitsForARetryItGoesStraightToTheFinalPolicy(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("decode-retry");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        ManualTicker ticker = new ManualTicker(); // never advanced: a retry backoff would never pass
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (App app = App.builder(id).broker(url).ticker(ticker).commitEvery(1)
                .decodeErrorPolicy(ErrorPolicy.retry(5, Duration.ofHours(1), ErrorPolicy.skip())).build()) {
            Topic<String, Item> in = topic(app, tp.topic());
            app.agent(in, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                }
            });
            send(in, 0, 2);
            transport.appendRaw(url, tp.topic(), 1, 0, null, "not json".getBytes(StandardCharsets.UTF_8));
            send(in, 3, 5);
            app.start();

            awaitCommittedExactly(transport, url, id, tp, 5);
        }
        assertThat(seen).containsExactly(0, 1, 3, 4);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anAgentIsStoppedWithTheApp(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("agent-state");
        String url = transport.brokerUrl(id);
        Agent<String, Item> agent;
        try (App app = App.builder(id).broker(url).build()) {
            agent = app.agent(topic(app, id + "-in"), stream -> {
                for (Item ignored : stream) {
                    // nothing
                }
            });
            assertThat(agent.state()).isEqualTo(Agent.State.CREATED);
            app.start();
            assertThat(agent.state()).isEqualTo(Agent.State.RUNNING);
        }
        assertThat(agent.state()).isEqualTo(Agent.State.STOPPED);
    }

    // ---- helpers ----

    private static Topic<String, Item> topic(App app, String name) {
        return app.topic(
                TopicOptions.builder(Codecs.string(), Codecs.json(Item.class)).names(name).partitions(1).build());
    }

    private static void send(Topic<String, Item> topic, int from, int to) {
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
        for (int i = from; i < to; i++) {
            sends.add(topic.send("k" + i, new Item(i)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }

}
