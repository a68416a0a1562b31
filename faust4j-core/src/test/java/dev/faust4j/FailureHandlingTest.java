package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.testing.CountingTransport;
import dev.faust4j.testing.Gate;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static dev.faust4j.testing.Checks.assertStays;
import static dev.faust4j.testing.Checks.awaitCommittedExactly;
import static dev.faust4j.testing.Checks.awaitExit;
import static dev.faust4j.testing.Checks.committed;
import static dev.faust4j.testing.Checks.exitOf;
import static dev.faust4j.testing.Checks.header;
import static dev.faust4j.testing.Checks.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What a user relies on when something goes wrong, on every transport: a failing record stops delivery at once
 * under the fail policy and leaves exactly it (and what follows) uncommitted; an event the user owns
 * ({@code noack}) is never acked behind their back; dead-lettering never loops; one failed send fails that send
 * (or the record that caused it), not the worker; a broker outage is ridden out; misusing the stream API fails
 * that agent once, without a restart storm; and a stop is quiet about partitions nobody is processing.
 *
 * <p>Written failing-first: each test states the expected behaviour, so it fails until the product does it.
 * No sleeps: {@link #assertStays} samples an invariant over a window and fails at the first sample that breaks
 * it; a worker that stops is noticed through {@link #exitOf} and fails the waits at once.
 */
class FailureHandlingTest {
    record Item(int id) {}

    record N(int n) {}

    private static final String ALL = "dev.faust4j.testing.Transports#all";
    /** Bigger than Kafka's default max.request.size (1 MB): Kafka refuses to send it. */
    private static final int TOO_LARGE = 2 * 1024 * 1024 + 100;

    // ---- 1. agent error policy fail: delivery stops at once, everything below is committed ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void failPolicyStopsDeliveryAtTheFailedRecordAndCommitsEverythingBelowIt(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("fail-at-once");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                    if (i.id() == 5) {
                        throw new IllegalStateException("boom on 5");
                    }
                }
            }).onError(ErrorPolicy.fail());
            send(in, 0, 10); // all of them before the start: 6..9 are already buffered when 5 fails
            app.start();

            assertThat(awaitExit(app)).as("exit code").isEqualTo(1);
        }
        assertThat(seen).as("records the agent saw (none after the failed one)").containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(committed(transport, url, id, tp)).as("committed offset after the failure").isEqualTo(5);

        List<Integer> again = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    again.add(i.id());
                }
            });
            app.start();
            awaitCommittedExactly(transport, url, id, tp, 10);
        }
        assertThat(again).as("records read after the restart").containsExactly(5, 6, 7, 8, 9);
    }

    // ---- 2. decode error policy fail ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void decodePolicyFailStopsDeliveryAtTheUndecodableRecordAndCommitsEverythingBelowIt(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("decode-fail-at-once");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        List<String> values = List.of("{\"n\":0}", "{\"n\":1}", "garbage", "{\"n\":3}");
        for (int i = 0; i < values.size(); i++) {
            transport.appendRaw(url, tp.topic(), 1, 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    values.get(i).getBytes(StandardCharsets.UTF_8));
        }
        try (App app = builder(id, url).decodeErrorPolicy(ErrorPolicy.fail()).build()) {
            Topic<String, N> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(N.class))
                    .names(tp.topic()).partitions(1).build());
            app.agent(in, stream -> {
                for (N n : stream) {
                    seen.add(n.n());
                }
            });
            app.start();

            assertThat(awaitExit(app)).as("exit code").isEqualTo(1);
        }
        assertThat(seen).as("values the agent saw (none after the undecodable one)").containsExactly(0, 1);
        assertThat(committed(transport, url, id, tp)).as("committed offset after the failure").isEqualTo(2);
    }

    /**
     * Found by reliability battery test e: with a backlog, the poll thread decodes records itself; an undecodable
     * record it met there stopped the worker at once, ahead of the reader, dropping the buffered records before it
     * (nothing committed past it, but the log named a later record and earlier ones were left unprocessed).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void decodePolicyFailStopsAtTheUndecodableRecordAlsoWhenThePollThreadMeetsItFirst(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("decode-fail-backlog");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        // a 1,000-event buffer (low mark 400) and polls of at most 100 records: while the reader holds the first
        // record, the poll thread decodes from offset 400 on itself (backlogged), so it meets offset 600 first
        int good = 600;
        List<TransportFixture.Raw> input = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            input.add(i == good
                    ? new TransportFixture.Raw(0, "bad".getBytes(StandardCharsets.UTF_8),
                            "garbage".getBytes(StandardCharsets.UTF_8))
                    : new TransportFixture.Raw(0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8)));
        }
        transport.appendRaw(url, tp.topic(), 1, input);
        AtomicInteger seen = new AtomicInteger();
        try (App app = builder(id, CountingTransport.url(url)).decodeErrorPolicy(ErrorPolicy.fail())
                .streamBufferMaxsize(1_000).maxPollRecords(100).build();
             Gate gate = new Gate()) {
            CountingTransport.Probe probe = CountingTransport.probe(app);
            Topic<String, N> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(N.class))
                    .names(tp.topic()).partitions(1).build());
            app.agent(in, stream -> {
                for (N n : stream) {
                    if (n.n() == 0) {
                        gate.pass();
                    }
                    seen.incrementAndGet();
                }
            });
            CompletableFuture<Integer> exit = exitOf(app);
            app.start();
            // a poll returned records 700 to 799: the one before it (600 to 699) has been delivered
            await("the poll thread delivered past the undecodable record while the reader holds the first one")
                    .atMost(TIMEOUT).until(() -> gate.arrivals() == 1 && probe.delivered() >= 800);
            gate.open();
            assertThat(exit.get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).as("exit code")
                    .isEqualTo(1);
        }
        assertThat(seen).as("values the agent saw: every one before the undecodable record").hasValue(good);
        assertThat(committed(transport, url, id, tp)).as("committed offset after the failure").isEqualTo(good);
    }

    /** A topic full of undecodable records under skip: ten lines a minute, then one that says how many were left out. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void skippedUndecodableRecordsDoNotFloodTheLog(TransportFixture transport) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LogCapture.supported(), "slf4j-simple is the logging backend");
        String id = Transports.uniqueId("decode-skip-budget");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        for (int i = 0; i < 30; i++) {
            transport.appendRaw(url, tp.topic(), 1, 0, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    "garbage".getBytes(StandardCharsets.UTF_8));
        }
        transport.appendRaw(url, tp.topic(), 1, 0, "ok".getBytes(StandardCharsets.UTF_8),
                "{\"n\":1}".getBytes(StandardCharsets.UTF_8));
        dev.faust4j.time.ManualTicker ticker = new dev.faust4j.time.ManualTicker();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture();
             App app = builder(id, url).ticker(ticker).decodeErrorPolicy(ErrorPolicy.skip()).build()) {
            Topic<String, N> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(N.class))
                    .names(tp.topic()).partitions(1).build());
            app.agent(in, stream -> {
                for (N n : stream) {
                    seen.add(n.n());
                }
            });
            app.start();
            await().atMost(TIMEOUT).until(() -> seen.size() == 1);
            assertThat(count(logs.text(), "Skipping a record that cannot be decoded")).as("lines for 30 records")
                    .isEqualTo(10);

            ticker.advance(Duration.ofMinutes(1));
            transport.appendRaw(url, tp.topic(), 1, 0, "late".getBytes(StandardCharsets.UTF_8),
                    "garbage".getBytes(StandardCharsets.UTF_8));
            await().atMost(TIMEOUT).until(() -> logs.text().contains("offset=31"));
            assertThat(logs.text()).contains("offset=31): ").contains("(20 more like it not logged before this one)");
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    // ---- 3. noack: an event the user owns is never acked for them ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anUnackedNoackEventWhoseAgentThrowsIsProcessedAgainNeverSilentlyAcked(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("noack-throws");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Long> seen = new CopyOnWriteArrayList<>();
        AtomicInteger attemptsOnTwo = new AtomicInteger();
        AtomicBoolean twoAcked = new AtomicBoolean();
        AgentFunction<String, Item> acksItself = stream -> {
            for (Event<String, Item> e : stream.noack().events()) {
                seen.add(e.offset());
                if (e.offset() == 2 && attemptsOnTwo.incrementAndGet() == 1) {
                    throw new IllegalStateException("boom on 2, before its ack");
                }
                e.ack();
                if (e.offset() == 2) {
                    twoAcked.set(true);
                }
            }
        };
        Callable<Boolean> passedTwoBeforeItsAck = () -> committed(transport, url, id, tp) > 2 && !twoAcked.get();
        String passed = "the committed offset passed the unacked event at offset 2 before it was processed again";
        boolean processedAgainInPlace;
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, acksItself);
            send(in, 0, 10);
            CompletableFuture<Integer> exit = exitOf(app);
            app.start();

            await().atMost(TIMEOUT).failFast(passed, passedTwoBeforeItsAck)
                    .until(() -> attemptsOnTwo.get() >= 2 || exit.isDone());
            processedAgainInPlace = attemptsOnTwo.get() >= 2;
            if (processedAgainInPlace) {
                await().atMost(TIMEOUT).failFast(passed, passedTwoBeforeItsAck)
                        .until(() -> committed(transport, url, id, tp) == 10);
            }
        }
        if (!processedAgainInPlace) {
            // the worker stopped instead of processing it again in place: a restart must process it
            assertThat(committed(transport, url, id, tp)).as(passed).isLessThanOrEqualTo(2);
            try (App app = builder(id, url).build()) {
                app.agent(topic(app, tp.topic(), 1), acksItself);
                app.start();
                await().atMost(TIMEOUT).failFast(passed, passedTwoBeforeItsAck)
                        .until(() -> committed(transport, url, id, tp) == 10);
            }
        }
        assertThat(committed(transport, url, id, tp)).isEqualTo(10);
        assertThat(twoAcked).isTrue();
        assertThat(Set.copyOf(seen)).containsExactlyInAnyOrderElementsOf(LongStream.range(0, 10).boxed().toList());
    }

    // ---- 4. dead-letter loops ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anAgentReadingTheTopicItsDecodeErrorsAreDeadLetteredToIsRefusedAtStart(TransportFixture transport) {
        String id = Transports.uniqueId("dlq-loop-declared");
        String url = transport.brokerUrl(id);
        String dlq = id + "-dlq";
        try (App app = builder(id, url).decodeErrorPolicy(ErrorPolicy.deadLetter(dlq)).build()) {
            Topic<String, Item> in = topic(app, id + "-in", 1);
            Topic<String, Item> dead = topic(app, dlq, 1);
            app.agent(in, stream -> {
                for (Item ignored : stream) {
                    // reads the main topic
                }
            }).name("main");
            assertThatThrownBy(() -> {
                app.agent(dead, stream -> {
                    for (Item ignored : stream) {
                        // reads the dead-letter topic: an undecodable record there would be dead-lettered into it again
                    }
                }).name("dead-letters");
                app.start();
            }).as("registering or starting an agent whose topic dead-letters into itself")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dlq);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aRecordIsNeverDeadLetteredBackToATopicItCameFrom(TransportFixture transport) throws Exception {
        // a loop no single app can see at declaration: A dead-letters "a" into "b", B dead-letters "b" into "a"
        String id = Transports.uniqueId("dlq-ping-pong");
        String url = transport.brokerUrl(id);
        TopicPartition a = new TopicPartition(id + "-a", 0);
        TopicPartition b = new TopicPartition(id + "-b", 0);
        String idA = id + "-app-a";
        String idB = id + "-app-b";
        App appA = builder(idA, url).topicPartitions(1).decodeErrorPolicy(ErrorPolicy.deadLetter(b.topic())).build();
        App appB = builder(idB, url).topicPartitions(1).decodeErrorPolicy(ErrorPolicy.deadLetter(a.topic())).build();
        try (appA; appB) {
            readAll(appA, topic(appA, a.topic(), 1));
            readAll(appB, topic(appB, b.topic(), 1));
            appB.start();
            appA.start();
            transport.appendRaw(url, a.topic(), 1, 0, "k".getBytes(StandardCharsets.UTF_8), null); // a tombstone

            Callable<Boolean> grew = () -> transport.endOffset(url, a) > 1 || transport.endOffset(url, b) > 1;
            await().atMost(TIMEOUT).failFast("the dead-lettered record was dead-lettered again", grew)
                    .until(() -> transport.endOffset(url, b) == 1 && committed(transport, url, idA, a) == 1);
            assertStays(
                    "both topics stop growing: a=" + transport.endOffset(url, a) + " b=" + transport.endOffset(url, b),
                    () -> transport.endOffset(url, a) == 1 && transport.endOffset(url, b) == 1);
            awaitCommittedExactly(transport, url, idA, a, 1);
            awaitCommittedExactly(transport, url, idB, b, 1);
        }
        ConsumedRecord dead = transport.records(url, b.topic()).getFirst();
        assertThat(dead.value()).isNull();
        assertThat(header(dead, "faust4j.dlq.topic")).isEqualTo(a.topic());
    }

    // ---- 5. one failed send ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aFailedSendOutsideAnyAgentFailsOnlyItsFuture(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("send-fails");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            Topic<String, String> big = stringTopic(app, id + "-big");
            app.agent(in, stream -> {
                for (Item i : stream) {
                    processed.add(i.id());
                }
            });
            CompletableFuture<Integer> exit = exitOf(app);
            app.start();
            send(in, 0, 5);
            awaitCommittedWhileRunning(transport, url, id, tp, 5, exit);

            CompletableFuture<RecordMetadata> tooLarge = big.send("big", "x".repeat(TOO_LARGE));
            await().atMost(TIMEOUT).until(tooLarge::isDone);
            send(in, 5, 10);
            awaitCommittedWhileRunning(transport, url, id, tp, 10, exit);
            assertStays("the worker keeps running after a failed send", () -> !exit.isDone());

            assertThat(tooLarge).as("the send of a %d-byte value", TOO_LARGE).isCompletedExceptionally();
        }
        assertThat(processed).containsExactlyElementsOf(range(0, 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aRecordTooLargeForKafkaIsRefusedByEveryTransport(TransportFixture transport) {
        String id = Transports.uniqueId("size-limit");
        String url = transport.brokerUrl(id);
        try (App app = builder(id, url).build()) {
            Topic<String, String> big = stringTopic(app, id + "-big");
            CompletableFuture<RecordMetadata> twoMb = big.send("two", "x".repeat(TOO_LARGE));
            assertThat(twoMb).as("the send of a 2 MB value").failsWithin(TIMEOUT);
            CompletableFuture<RecordMetadata> twentyMb = big.send("twenty", "x".repeat(20 * 1024 * 1024));
            assertThat(twentyMb).as("the send of a 20 MB value").failsWithin(TIMEOUT);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aFailedSendCausedByARecordFollowsTheAgentsFailPolicy(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("caused-send-fail");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            forwardWithATooLargeOutputFor3(app, in, stringTopic(app, id + "-out")).onError(ErrorPolicy.fail());
            send(in, 0, 10);
            CompletableFuture<Integer> exit = exitOf(app);
            app.start();

            await().atMost(TIMEOUT).failFast("the committed offset passed the record whose send failed",
                    () -> committed(transport, url, id, tp) > 3).until(exit::isDone);
            assertThat(exit.get()).as("exit code").isEqualTo(1);
        }
        assertThat(committed(transport, url, id, tp)).as("committed offset after the failure").isEqualTo(3);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aFailedSendCausedByARecordIsSkippedAndLoggedWithTheInputsPositionUnderTheSkipPolicy(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("caused-send-skip");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        try (LogCapture logs = new LogCapture(); App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            forwardWithATooLargeOutputFor3(app, in, stringTopic(app, id + "-out"));
            send(in, 0, 10);
            CompletableFuture<Integer> exit = exitOf(app);
            app.start();

            awaitCommittedWhileRunning(transport, url, id, tp, 10, exit);
            if (LogCapture.supported()) {
                assertThat(logs.text().lines())
                        .as("the failed send is logged with the position of the input that caused it")
                        .anyMatch(l -> l.contains(tp + "@3"));
            }
            send(in, 10, 11); // still running
            awaitCommittedWhileRunning(transport, url, id, tp, 11, exit);
        }
    }

    // ---- 6. a broker outage (simulated) is ridden out ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aBrokerOutageIsRiddenOutLosingNoInputAndNeverCommittingAnInputWithoutItsOutput(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("outage");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        String outName = id + "-out";
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture(); App app = builder(id, CountingTransport.url(url)).build()) {
            CountingTransport.Probe probe = CountingTransport.probe(app);
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            Topic<String, Item> out = topic(app, outName, 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    out.send("k" + i.id(), i); // not awaited: the commit must wait for it
                    processed.add(i.id());
                }
            });
            CompletableFuture<Integer> exit = exitOf(app);
            app.start();
            // inputs are written by the fixture, outside the app: only the app's own sends see the outage
            appendItems(transport, url, tp, 0, 5);
            awaitCommittedWhileRunning(transport, url, id, tp, 5, exit);

            // input at offset o has id o: every committed input must have its output in "out"
            Callable<Boolean> committedInputsHaveOutputs = () -> {
                long c = committed(transport, url, id, tp);
                Set<Integer> outputs = outputIds(transport, url, outName);
                return LongStream.range(0, Math.max(c, 0)).allMatch(o -> outputs.contains((int) o));
            };
            probe.failSends(true);
            appendItems(transport, url, tp, 5, 15);
            awaitUntil(() -> probe.failedSends() >= 1,
                    new Failure("an input was committed although its output send failed",
                            () -> !committedInputsHaveOutputs.call()),
                    new Failure("the worker stopped during the outage", exit::isDone));
            assertStays("during the outage the worker keeps running and commits no input without its output",
                    () -> !exit.isDone() && committedInputsHaveOutputs.call());
            if (LogCapture.supported()) {
                await().atMost(TIMEOUT).failFast("the worker stopped during the outage", exit::isDone)
                        .until(() -> logs.text().lines().anyMatch(l -> l.contains(" WARN ") && l.contains(outName)));
            }

            probe.failSends(false);
            awaitUntil(() -> outputIds(transport, url, outName).containsAll(range(0, 15)),
                    new Failure("an input was committed although its output send failed",
                            () -> !committedInputsHaveOutputs.call()),
                    new Failure("the worker stopped after the outage", exit::isDone));
            awaitCommittedWhileRunning(transport, url, id, tp, 15, exit);
            assertThat(committedInputsHaveOutputs.call()).isTrue();
            assertThat(exit).as("the worker's exit").isNotDone();
        }
        assertThat(processed).containsAll(range(0, 15));
    }

    // ---- 7. misusing the stream API: one failure, no restart storm ----

    enum Misuse {
        TAKE_ZERO("needs max >= 1, got 0", 1), GROUP_BY_MISSING_FIELD("groupBy field 'nope'",
                1), THROUGH_WITH_CONCURRENCY_2("cannot use stream.through", 2);

        /** A part of the exception message that names the reason. */
        final String reason;
        final int concurrency;

        Misuse(String reason, int concurrency) {
            this.reason = reason;
            this.concurrency = concurrency;
        }
    }

    static Stream<Arguments> misuses() {
        return Transports.all().stream().flatMap(t -> Stream.of(Misuse.values()).map(m -> Arguments.of(t, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("misuses")
    void anAgentMisusingTheStreamApiFailsOnceWithoutRestartsAndTheWorkerKeepsRunning(TransportFixture transport,
                                                                                     Misuse misuse)
            throws Exception {
        String id = Transports.uniqueId("misuse");
        String url = transport.brokerUrl(id);
        TopicPartition healthyTp = new TopicPartition(id + "-healthy", 0);
        AtomicInteger calls = new AtomicInteger();
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture(); App app = builder(id, url).build()) {
            Topic<String, Item> misused = topic(app, id + "-misused", 1);
            Topic<String, Item> healthy = topic(app, healthyTp.topic(), 1);
            app.agent(misused, stream -> {
                calls.incrementAndGet();
                switch (misuse) {
                    case TAKE_ZERO -> {
                        for (List<Item> ignored : stream.take(0, Duration.ofSeconds(1))) {
                            // never reached
                        }
                    }
                    case GROUP_BY_MISSING_FIELD -> {
                        for (Item ignored : stream.groupBy("nope")) {
                            // never reached
                        }
                    }
                    case THROUGH_WITH_CONCURRENCY_2 -> {
                        for (Item ignored : stream.through(id + "-through")) {
                            // never reached
                        }
                    }
                }
            }).name("misuser").concurrency(misuse.concurrency);
            app.agent(healthy, stream -> {
                for (Item i : stream) {
                    processed.add(i.id());
                }
            }).name("healthy");
            CompletableFuture<Integer> exit = exitOf(app);
            app.start();

            await().atMost(TIMEOUT).until(() -> calls.get() >= 1);
            assertStays("the misusing agent is not restarted and the worker keeps running",
                    () -> calls.get() <= misuse.concurrency && !exit.isDone(),
                    () -> "calls of the misusing agent's function: " + calls.get() + ", worker stopped: "
                            + exit.isDone());
            send(healthy, 0, 5);
            awaitCommittedWhileRunning(transport, url, id, healthyTp, 5, exit);
            assertThat(calls.get()).as("calls of the misusing agent's function").isBetween(1, misuse.concurrency);

            if (LogCapture.supported()) {
                String text = logs.text();
                List<String> withReason = text.lines().filter(l -> l.contains(misuse.reason)).toList();
                assertThat(withReason).as("log lines giving the reason (%s)", misuse.reason)
                        .hasSizeBetween(1, calls.get())
                        .allMatch(l -> l.contains("misuser"), "names the agent");
                assertThat(text).as("the log of a failure that had no event").doesNotContain("acked");
            }
        }
        assertThat(processed).containsExactlyElementsOf(range(0, 5));
    }

    // ---- 9. a clean stop of an idle app is quiet ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aCleanStopOfAnIdleAppDoesNotGiveUpWaitingWithTheDefaultGracePeriod(TransportFixture transport)
            throws Exception {
        cleanStopOfAnIdleApp(transport, null);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aCleanStopOfAnIdleAppDoesNotGiveUpWaitingWithAShortGracePeriod(TransportFixture transport) throws Exception {
        cleanStopOfAnIdleApp(transport, Duration.ofMillis(200));
    }

    /**
     * Where "Gave up waiting" is logged today although nothing of the partition is being processed: events an
     * agent has read ahead (taken from its buffer, not yet handed to the function) count as in flight, so a stop
     * (or a revoke) while the agent is busy with one event of partition A waits the grace period for the events
     * of partition B it holds unread, and warns about B.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aStopWhileAnAgentIsBusyDoesNotGiveUpWaitingForAPartitionItIsNotProcessing(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("busy-stop");
        String url = transport.brokerUrl(id);
        String topicName = id + "-in";
        AtomicInteger busyPartition = new AtomicInteger(-1);
        try (LogCapture logs = new LogCapture()) {
            App app = builder(id, url).shutdownGracePeriod(Duration.ofMillis(200)).build();
            try (app; Gate gate = new Gate()) {
                Topic<String, Item> in = topic(app, topicName, 2);
                app.agent(in, stream -> {
                    for (Event<String, Item> e : stream.events()) {
                        if (busyPartition.compareAndSet(-1, e.partition())) {
                            gate.pass(); // busy with its first event until the stop interrupts it
                        }
                    }
                });
                for (int p = 0; p < 2; p++) {
                    for (int i = 0; i < 10; i++) {
                        in.send("k" + i, new Item(p * 100 + i), List.of(), p).join();
                    }
                }
                app.start();
                await().atMost(TIMEOUT).until(() -> gate.arrivals() == 1);
                app.stop();
            }
            assertThat(awaitExit(app)).as("exit code").isZero();
            TopicPartition notBusy = new TopicPartition(topicName, 1 - busyPartition.get());
            if (LogCapture.supported()) {
                assertThat(logs.text().lines()).as("log lines about %s, whose events nobody was processing", notBusy)
                        .noneMatch(l -> l.contains("Gave up waiting") && l.contains(notBusy + " "));
            }
        }
    }

    private static void cleanStopOfAnIdleApp(TransportFixture transport, Duration grace) throws Exception {
        String id = Transports.uniqueId("idle-stop");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        App.Builder builder = builder(id, url);
        if (grace != null) {
            builder.shutdownGracePeriod(grace);
        }
        try (LogCapture logs = new LogCapture()) {
            App app = builder.build();
            try (app) {
                Topic<String, Item> in = topic(app, tp.topic(), 1);
                app.agent(in, stream -> {
                    for (Item i : stream) {
                        processed.add(i.id());
                    }
                });
                send(in, 0, 10);
                app.start();
                await().atMost(TIMEOUT).until(() -> processed.size() == 10);
                awaitCommittedExactly(transport, url, id, tp, 10);
            }
            assertThat(awaitExit(app)).as("exit code").isZero();
            if (LogCapture.supported()) {
                assertThat(logs.text()).as("the log of the stop of an app with nothing in flight")
                        .doesNotContain("Gave up waiting");
            }
        }
        assertThat(processed).containsExactlyElementsOf(range(0, 10));
    }

    // ---- helpers ----

    private static App.Builder builder(String id, String url) {
        return App.builder(id).broker(url).commitInterval(Duration.ofMillis(50));
    }

    private static Topic<String, Item> topic(App app, String name, int partitions) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Item.class)).names(name)
                .partitions(partitions).build());
    }

    private static Topic<String, String> stringTopic(App app, String name) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.string()).names(name).partitions(1).build());
    }

    /** An agent reading everything of a topic and doing nothing with it. */
    private static void readAll(App app, Topic<String, Item> topic) {
        app.agent(topic, stream -> {
            for (Item ignored : stream) {
                // nothing
            }
        });
    }

    /** An agent forwarding each input to {@code out} (not awaited); the output of id 3 is too large to send. */
    private static Agent<String, Item> forwardWithATooLargeOutputFor3(App app, Topic<String, Item> in,
                                                                      Topic<String, String> out) {
        String tooLarge = "x".repeat(TOO_LARGE);
        return app.agent(in, stream -> {
            for (Item i : stream) {
                out.send("k" + i.id(), i.id() == 3 ? tooLarge : "v" + i.id());
            }
        });
    }

    /** Sends items {@code from..to-1} with keys {@code k<i>} and waits until all are accepted. */
    private static void send(Topic<String, Item> topic, int from, int to) {
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
        for (int i = from; i < to; i++) {
            sends.add(topic.send("k" + i, new Item(i)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }

    /** Writes items {@code from..to-1} with the fixture's own client (not through any app). */
    private static void appendItems(TransportFixture transport, String url, TopicPartition tp, int from, int to) {
        List<TransportFixture.Raw> items = new ArrayList<>();
        for (int i = from; i < to; i++) {
            items.add(new TransportFixture.Raw(tp.partition(), ("k" + i).getBytes(StandardCharsets.UTF_8),
                    Codecs.json(Item.class).encode(new Item(i))));
        }
        transport.appendRaw(url, tp.topic(), 1, items);
    }

    private static Set<Integer> outputIds(TransportFixture transport, String url, String topic) {
        return transport.records(url, topic).stream().map(r -> Codecs.json(Item.class).decode(r.value()).id())
                .collect(Collectors.toSet());
    }

    /** {@link #awaitCommittedExactly}, failing at once if the worker stops meanwhile. */
    private static void awaitCommittedWhileRunning(TransportFixture transport, String url, String group,
                                                   TopicPartition tp,
                                                   long expected, CompletableFuture<Integer> exit) {
        awaitUntil(() -> committed(transport, url, group, tp) == expected,
                new Failure("committed offset of " + tp + " passed " + expected,
                        () -> committed(transport, url, group, tp) > expected),
                new Failure("the worker stopped before committing " + tp + " up to " + expected, exit::isDone));
    }

    /** A condition that, as soon as it holds, fails a wait with its reason. */
    private record Failure(String reason, Callable<Boolean> holds) {}

    /**
     * Waits until {@code done}, failing at once with the reason of the first of {@code failures} that holds.
     * (Awaitility keeps only the last {@code failFast} of a chain, hence one combined check.)
     */
    private static void awaitUntil(Callable<Boolean> done, Failure... failures) {
        AtomicReference<String> reason = new AtomicReference<>();
        try {
            await().atMost(TIMEOUT).failFast("a fail-fast condition held", () -> {
                for (Failure f : failures) {
                    if (f.holds().call()) {
                        reason.set(f.reason());
                        return true;
                    }
                }
                return false;
            }).until(done);
        } catch (TerminalFailureException e) {
            throw new AssertionError(reason.get(), e);
        }
    }

}
