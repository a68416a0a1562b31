package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import dev.faust4j.time.ManualTicker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.faust4j.testing.Checks.exitOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Exactly-once (Faust's {@code processing_guarantee="exactly_once"}), as a user relies on it, on every transport: an
 * agent's outputs and its input offsets become visible together at a commit, never before, and a worker replaced by
 * a newer one with the same worker id (a zombie) can no longer write: every input's output is read exactly once.
 */
class ExactlyOnceTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    record Order(String id, String account, int amount) {}

    private static App.Builder builder(TransportFixture transport, String id) {
        return App.builder(id)
                .broker(transport.brokerUrl(id))
                .processingGuarantee(ProcessingGuarantee.EXACTLY_ONCE)
                .shutdownGracePeriod(Duration.ofSeconds(10));
    }

    private static Topic<String, String> stringTopic(App app, String name, int partitions) {
        return app.topic(
                TopicOptions.builder(Codecs.string(), Codecs.string()).names(name).partitions(partitions).build());
    }

    private static List<String> values(List<ConsumedRecord> records) {
        List<String> out = new ArrayList<>();
        for (ConsumedRecord r : records) {
            out.add(new String(r.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    /**
     * Writes an input record from outside the app (a send from the app's own {@code main} under exactly-once would
     * complete only at the app's next commit).
     */
    private static void input(TransportFixture transport, String id, String topic, int partitions, int partition,
                              String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        transport.appendRaw(transport.brokerUrl(id), topic, partitions, partition, bytes, bytes);
    }

    private static Long committed(TransportFixture transport, String id, String topic, int partition) {
        return transport.committed(transport.brokerUrl(id), id, new TopicPartition(topic, partition));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void outputsAndOffsetsBecomeVisibleTogetherAtTheCommit(TransportFixture transport) {
        String id = Transports.uniqueId("eos-commit");
        ManualTicker ticker = new ManualTicker();
        List<String> processed = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).ticker(ticker).commitInterval(Duration.ofHours(1))
                .commitEvery(1_000_000).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            Topic<String, String> out = stringTopic(app, id + "-out", 1);
            app.agent(in, stream -> {
                for (String v : stream) {
                    out.send(v, v + "!").join();
                    processed.add(v);
                }
            }).name("forward");
            app.start();
            for (int i = 0; i < 5; i++) {
                input(transport, id, id + "-in", 1, 0, "v" + i);
            }
            await().atMost(WAIT).until(() -> processed.size() == 5);
            // every output is written, but in an open transaction: a read_committed reader sees none of them, and
            // the input offsets are not committed either
            assertThat(values(transport.records(transport.brokerUrl(id), id + "-out"))).hasSize(5);
            assertThat(transport.committedRecords(transport.brokerUrl(id), id + "-out")).isEmpty();
            assertThat(committed(transport, id, id + "-in", 0)).isIn(null, 0L);
            // a send tied to no record (from here, main) joins the open transaction: done only once it commits
            CompletableFuture<RecordMetadata> untied = out.send("main", "from-main");
            assertThat(untied).isNotDone();

            ticker.advance(Duration.ofHours(1));
            await().atMost(WAIT).untilAsserted(() -> assertThat(committed(transport, id, id + "-in", 0))
                    .isEqualTo(5L));
            assertThat(values(transport.committedRecords(transport.brokerUrl(id), id + "-out")))
                    .containsExactlyInAnyOrder("v0!", "v1!", "v2!", "v3!", "v4!", "from-main");
            await().atMost(WAIT).until(untied::isDone);
            assertThat(untied).isCompleted();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void anOutputThatCanNeverBeSentStopsTheWorkerInsteadOfLooping(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("eos-poison");
        try (LogCapture logs = new LogCapture(); App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            Topic<String, String> out = stringTopic(app, id + "-out", 1);
            app.agent(in, stream -> {
                for (String v : stream) {
                    // larger than max.request.size (1 MiB): no transaction holding it can commit
                    String value = v.equals("big") ? "x".repeat(2 * 1024 * 1024) : v + "!";
                    out.send(v, value);
                }
            }).name("forward");
            app.start();
            input(transport, id, id + "-in", 1, 0, "a");
            input(transport, id, id + "-in", 1, 0, "big");
            assertThat(exitOf(app).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotZero();
            if (LogCapture.supported()) {
                assertThat(logs.text()).contains("transactions in a row were aborted");
            }
            // nothing of the aborted transactions is readable, and the input was not committed past "big"
            assertThat(values(transport.committedRecords(transport.brokerUrl(id), id + "-out"))).doesNotContain(
                    "big!").allMatch(v -> v.equals("a!"));
            assertThat(committed(transport, id, id + "-in", 0)).isIn(null, 0L, 1L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void groupByThenCountWritesEveryRecordOnceThroughTheRepartitionTopic(TransportFixture transport) {
        String id = Transports.uniqueId("eos-groupby");
        String ordersName = id + "-orders";
        String repartition = "by-account-" + ordersName + "-Order.account-repartition";
        try (App app = builder(transport, id).topicPartitions(3).build()) {
            Topic<String, Order> orders = app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Order.class))
                    .names(ordersName).partitions(4).build());
            Topic<String, String> counts = stringTopic(app, id + "-counts", 3);
            app.agent(orders, stream -> {
                java.util.Map<String, Integer> byAccount = new java.util.HashMap<>();
                for (Order o : stream.groupBy("account")) {
                    int n = byAccount.merge(o.account(), 1, Integer::sum);
                    counts.send(o.account(), o.account() + "=" + n);
                }
            }).name("by-account");
            app.start();
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                // sent from main: each future completes when the app's transaction holding it commits
                sent.add(orders.send("k" + i, new Order("o" + i, "acct" + (i % 5), i)));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            List<String> expected = new ArrayList<>();
            for (int a = 0; a < 5; a++) {
                for (int n = 1; n <= 4; n++) {
                    expected.add("acct" + a + "=" + n);
                }
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    values(transport.committedRecords(transport.brokerUrl(id), id + "-counts")))
                    .containsExactlyInAnyOrderElementsOf(expected));
            assertThat(transport.committedRecords(transport.brokerUrl(id), repartition)).hasSize(20);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void anAgentFailingAfterASendUnderTheFailPolicyCommitsNeitherTheSendNorItsInput(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("eos-fail");
        try (App app = builder(transport, id).agentErrorPolicy(ErrorPolicy.fail()).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            Topic<String, String> out = stringTopic(app, id + "-out", 1);
            app.agent(in, stream -> {
                for (String v : stream) {
                    out.send(v, v + "!").join();
                    if (v.equals("bad")) {
                        throw new IllegalStateException("after its output was sent");
                    }
                }
            }).name("forward");
            app.start();
            input(transport, id, id + "-in", 1, 0, "a");
            input(transport, id, id + "-in", 1, 0, "bad");
            assertThat(exitOf(app).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotZero();
            // "bad" is processed again after a restart: its first output must not have been committed
            assertThat(values(transport.committedRecords(transport.brokerUrl(id), id + "-out")))
                    .doesNotContain("bad!");
            assertThat(committed(transport, id, id + "-in", 0)).isIn(null, 0L, 1L);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void anAgentRetriedAfterASendWritesThatOutputOnce(TransportFixture transport) {
        String id = Transports.uniqueId("eos-retry");
        java.util.concurrent.atomic.AtomicInteger badSeen = new java.util.concurrent.atomic.AtomicInteger();
        try (App app = builder(transport, id).agentErrorPolicy(ErrorPolicy.retry(3, Duration.ofMillis(10),
                ErrorPolicy.fail())).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            Topic<String, String> out = stringTopic(app, id + "-out", 1);
            app.agent(in, stream -> {
                for (String v : stream) {
                    out.send(v, v + "!").join();
                    if (v.equals("bad") && badSeen.incrementAndGet() == 1) {
                        throw new IllegalStateException("once, after its output was sent");
                    }
                }
            }).name("forward");
            app.start();
            input(transport, id, id + "-in", 1, 0, "a");
            input(transport, id, id + "-in", 1, 0, "bad");
            input(transport, id, id + "-in", 1, 0, "c");
            await().atMost(WAIT).untilAsserted(() -> assertThat(committed(transport, id, id + "-in", 0)).isEqualTo(3L));
            // the first attempt's output went with its aborted transaction: each output is read once
            assertThat(values(transport.committedRecords(transport.brokerUrl(id), id + "-out")))
                    .containsExactlyInAnyOrder("a!", "bad!", "c!");
        }
    }

    @Test
    void takeWithoutWithinIsRefusedBecauseAPartialBatchWouldHoldBackEveryCommit() {
        String id = Transports.uniqueId("eos-take");
        try (App app = App.builder(id).broker("memory://" + id).processingGuarantee(ProcessingGuarantee.EXACTLY_ONCE)
                .build()) {
            EventStream<String, String> stream = app.stream(stringTopic(app, id + "-in", 1));
            assertThatThrownBy(() -> stream.take(4)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("exactly_once")
                    .hasMessageContaining("take(4, Duration.ofSeconds(1))");
            assertThat(stream.take(4, Duration.ofSeconds(1))).isNotNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void aStopCommitsWhatWasProcessed(TransportFixture transport) {
        String id = Transports.uniqueId("eos-stop");
        List<String> processed = new CopyOnWriteArrayList<>();
        App app = builder(transport, id).commitInterval(Duration.ofHours(1)).build();
        Topic<String, String> in = stringTopic(app, id + "-in", 2);
        Topic<String, String> out = stringTopic(app, id + "-out", 2);
        app.agent(in, stream -> {
            for (String v : stream) {
                out.send(v, v + "!").join();
                processed.add(v);
            }
        }).name("forward");
        app.start();
        for (int i = 0; i < 10; i++) {
            input(transport, id, id + "-in", 2, i % 2, "v" + i);
        }
        await().atMost(WAIT).until(() -> processed.size() == 10);
        app.close();
        assertThat(values(transport.committedRecords(transport.brokerUrl(id), id + "-out")))
                .containsExactlyInAnyOrderElementsOf(IntStream.range(0, 10).mapToObj(i -> "v" + i + "!").toList());
        long committedInputs = committed(transport, id, id + "-in", 0) + committed(transport, id, id + "-in", 1);
        assertThat(committedInputs).isEqualTo(10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void aZombieIsFencedAndEveryInputIsWrittenExactlyOnce(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("eos-zombie");
        String inName = id + "-in";
        String outName = id + "-out";
        App first = builder(transport, id).workerId("w1").build();
        Topic<String, String> in = stringTopic(first, inName, 2);
        Topic<String, String> out = stringTopic(first, outName, 2);
        first.agent(in, stream -> {
            for (String v : stream) {
                out.send(v, v + "!").join();
            }
        }).name("forward");
        first.start();
        for (int i = 0; i < 10; i++) {
            input(transport, id, inName, 2, i % 2, "a" + i);
        }
        await().atMost(WAIT).untilAsserted(
                () -> assertThat(transport.committedRecords(transport.brokerUrl(id), outName)).hasSize(10));

        // the same worker id starts again (say, the old process hung and was replaced): the old one is fenced
        App second = builder(transport, id).workerId("w1").build();
        Topic<String, String> in2 = stringTopic(second, inName, 2);
        Topic<String, String> out2 = stringTopic(second, outName, 2);
        second.agent(in2, stream -> {
            for (String v : stream) {
                out2.send(v, v + "!").join();
            }
        }).name("forward");
        try {
            second.start();
            for (int i = 0; i < 10; i++) {
                input(transport, id, inName, 2, i % 2, "b" + i);
            }
            // the fenced worker cannot commit any more: it stops with a failure exit code
            assertThat(exitOf(first).get(WAIT.toSeconds(), TimeUnit.SECONDS)).isNotZero();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add("a" + i + "!");
                expected.add("b" + i + "!");
            }
            await().atMost(WAIT).untilAsserted(() -> assertThat(
                    values(transport.committedRecords(transport.brokerUrl(id), outName)))
                    .containsExactlyInAnyOrderElementsOf(expected));
        } finally {
            first.close();
            second.close();
        }
    }
}
