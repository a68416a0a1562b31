package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.Header;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.testing.CountingTransport;
import dev.faust4j.testing.Gate;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import dev.faust4j.time.ManualTicker;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static dev.faust4j.testing.Checks.assertStays;
import static dev.faust4j.testing.Checks.awaitCommittedExactly;
import static dev.faust4j.testing.Checks.awaitExit;
import static dev.faust4j.testing.Checks.committed;
import static dev.faust4j.testing.Checks.header;
import static dev.faust4j.testing.Checks.range;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The message lifecycle rules (faust-semantics.md §3, "Java target"; reliability.md P1-P3, P5-P7), one test per
 * rule, on every transport: an offset is committed only once every delivery of it was processed and never past
 * an unfinished record; failures follow their policy; flow control bounds what is buffered; stops and
 * rebalances lose and duplicate nothing.
 *
 * <p>Slow agents are held with {@link Gate}s, never with sleeps; "stays at" checks sample the committed offset
 * repeatedly over a window (any sample past the bound fails at once).
 */
class LifecycleTest {
    record Item(int id) {}

    private static final String ALL = "dev.faust4j.testing.Transports#all";
    /** Truncated JSON: the poison record of the decode tests. */
    private static final String INVALID_JSON = "{\"id\":5,\"secret\":\"do-not-log\"";

    // ---- (1) two agents on one topic ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anOffsetIsCommittedOnlyAfterEveryAgentOnTheTopicProcessedIt(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("two-agents");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        Set<Integer> fast = ConcurrentHashMap.newKeySet();
        List<Integer> slow = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).build(); Gate gate = new Gate()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    fast.add(i.id());
                }
            }).name("fast");
            app.agent(in, stream -> {
                for (Item i : stream) {
                    if (i.id() == 5) {
                        gate.pass();
                    }
                    slow.add(i.id());
                }
            }).name("slow");
            send(in, 0, 10);
            app.start();

            await().atMost(TIMEOUT).until(() -> fast.size() == 10 && gate.arrivals() == 1);
            awaitCommittedExactly(transport, url, id, tp, 5);
            assertStays("committed offset stays at the record the slow agent holds",
                    () -> committed(transport, url, id, tp) == 5);

            gate.open();
            awaitCommittedExactly(transport, url, id, tp, 10);
        }
        assertThat(slow).containsExactlyElementsOf(range(0, 10));
    }

    // ---- (2) out-of-order acks, concurrency 4, one partition ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void outOfOrderAcksNeverCommitPastTheSlowRecord(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("out-of-order");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        int total = 40;
        long slowOffset = 10;
        Set<Long> processed = ConcurrentHashMap.newKeySet();
        try (App app = builder(id, url).build(); Gate gate = new Gate()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Event<String, Item> e : stream.events()) {
                    if (e.offset() == slowOffset) {
                        gate.pass();
                    }
                    processed.add(e.offset());
                }
            }).concurrency(4);
            send(in, 0, total);
            app.start();

            // P1 at every sample: every offset below the committed one has been processed.
            Callable<Boolean> neverPastUnfinished = () -> {
                long c = committed(transport, url, id, tp);
                return c <= slowOffset && LongStream.range(0, Math.max(c, 0)).allMatch(processed::contains);
            };
            await().atMost(TIMEOUT).failFast("commit passed an unfinished record", () -> !neverPastUnfinished.call())
                    .until(() -> processed.size() == total - 1 && gate.arrivals() == 1);
            awaitCommittedExactly(transport, url, id, tp, slowOffset);
            assertStays("committed offset stays at the slow record while later ones are done", neverPastUnfinished);
            assertThat(processed).doesNotContain(slowOffset);

            gate.open();
            awaitCommittedExactly(transport, url, id, tp, total);
        }
        assertThat(processed).containsExactlyInAnyOrderElementsOf(LongStream.range(0, total).boxed().toList());
    }

    // ---- (3) agent throws, skip policy (default) ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anAgentThatThrowsIsRestartedTheEventSkippedAndTheCommitReachesTheEnd(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("agent-throws");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        AtomicInteger starts = new AtomicInteger();
        AtomicInteger attemptsOnFive = new AtomicInteger();
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture(); App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                starts.incrementAndGet();
                for (Item i : stream) {
                    if (i.id() == 5) {
                        attemptsOnFive.incrementAndGet();
                        throw new IllegalStateException("boom on 5");
                    }
                    processed.add(i.id());
                }
            });
            send(in, 0, 10);
            app.start();

            awaitCommittedExactly(transport, url, id, tp, 10);
            await().atMost(TIMEOUT).until(() -> processed.size() == 9);
            assertThat(starts).hasValue(2);
            if (LogCapture.supported()) {
                assertThat(logs.text().lines()).as("the failure is logged with the record's position")
                        .anyMatch(l -> l.contains(tp + "@5"));
                assertThat(logs.text()).contains("boom on 5");
            }
            // still running: a new record is processed and committed
            send(in, 10, 11);
            awaitCommittedExactly(transport, url, id, tp, 11);
        }
        assertThat(processed).containsExactly(0, 1, 2, 3, 4, 6, 7, 8, 9, 10);
        assertThat(attemptsOnFive).hasValue(1);
    }

    // ---- (4) agent error policy fail ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void failPolicyStopsTheWorkerWithExitCode1AndLeavesTheRecordUncommitted(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("agent-fail");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    if (i.id() == 5) {
                        throw new IllegalStateException("boom on 5");
                    }
                }
            }).onError(ErrorPolicy.fail());
            send(in, 0, 5);
            app.start();
            awaitCommittedExactly(transport, url, id, tp, 5);
            send(in, 5, 10);

            assertThat(awaitExit(app)).isEqualTo(1);
        }
        assertThat(committed(transport, url, id, tp)).isEqualTo(5);

        // after the fix, the failing record is the first one read
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                }
            });
            app.start();
            awaitCommittedExactly(transport, url, id, tp, 10);
        }
        assertThat(seen).containsExactly(5, 6, 7, 8, 9);
    }

    // ---- (5) agent error policy dead-letter ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void deadLetterPolicySendsTheFailingRecordByteForByteWithItsOrigin(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("agent-dlq");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        String dlq = id + "-dlq";
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    if (i.id() == 5) {
                        throw new IllegalStateException("boom on 5");
                    }
                    processed.add(i.id());
                }
            }).onError(ErrorPolicy.deadLetter(dlq));
            send(in, 0, 5);
            in.send("k5", new Item(5), List.of(new Header("trace", "t-5".getBytes(StandardCharsets.UTF_8))), null)
                    .join();
            send(in, 6, 10);
            app.start();

            awaitCommittedExactly(transport, url, id, tp, 10);
            await().atMost(TIMEOUT).until(() -> transport.records(url, dlq).size() == 1);
        }
        assertThat(processed).containsExactly(0, 1, 2, 3, 4, 6, 7, 8, 9);
        ConsumedRecord original = recordAt(transport.records(url, tp.topic()), 0, 5);
        ConsumedRecord dead = transport.records(url, dlq).getFirst();
        assertDeadLetter(dead, original, IllegalStateException.class.getName());
        assertThat(header(dead, "trace")).isEqualTo("t-5");
    }

    // ---- failed commits ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aFailedCommitIsLoggedAndRetriedUntilItSucceeds(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("commit-fails");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture(); App app = builder(id, CountingTransport.url(url)).build()) {
            CountingTransport.Probe probe = CountingTransport.probe(app);
            probe.refuseCommits(true);
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    processed.add(i.id());
                }
            });
            send(in, 0, 10);
            app.start();

            // every record is processed, the commits keep failing, and they are tried again and again
            await().atMost(TIMEOUT).until(() -> processed.size() == 10 && probe.refusedCommits() >= 3);
            assertThat(committed(transport, url, id, tp)).as("nothing committed while commits fail").isEqualTo(-1);
            if (LogCapture.supported()) {
                assertThat(logs.text()).contains("will retry at the next commit");
            }

            probe.refuseCommits(false);
            awaitCommittedExactly(transport, url, id, tp, 10);
        }
        assertThat(processed).containsExactlyElementsOf(IntStream.range(0, 10).boxed().toList());
    }

    // ---- (6) undecodable records ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anUndecodableRecordIsSkippedAndTheWorkerKeepsRunning(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("decode-skip");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture(); App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    processed.add(i.id());
                }
            });
            send(in, 0, 5);
            appendInvalidJson(transport, url, tp);
            send(in, 6, 10);
            app.start();

            await().atMost(TIMEOUT).until(() -> processed.size() == 9);
            awaitCommittedExactly(transport, url, id, tp, transport.endOffset(url, tp));
            assertThat(transport.endOffset(url, tp)).isEqualTo(10);
            if (LogCapture.supported()) {
                assertThat(logs.text().lines()).as("the bad record is logged with topic, partition and offset")
                        .anyMatch(l -> l.contains(tp.topic()) && l.contains("partition=0") && l.contains("offset=5"));
                assertThat(logs.text()).as("the payload is never logged").doesNotContain("do-not-log");
            }

            send(in, 10, 11); // still running
            awaitCommittedExactly(transport, url, id, tp, 11);
        }
        assertThat(processed).containsExactly(0, 1, 2, 3, 4, 6, 7, 8, 9, 10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anUndecodableRecordArrivingWhileTheAgentIsBehindIsSkippedToo(TransportFixture transport) throws Exception {
        // a small buffer and a held agent: the records after the first poll arrive while the agent is behind,
        // when the poll thread decodes them itself; the outcome must be the same as when the agent decodes
        String id = Transports.uniqueId("decode-behind");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).streamBufferMaxsize(10).build(); Gate gate = new Gate()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    if (i.id() == 0) {
                        gate.pass();
                    }
                    processed.add(i.id());
                }
            });
            send(in, 0, 10);
            app.start();
            await().atMost(TIMEOUT).until(() -> gate.arrivals() == 1);
            appendInvalidJson(transport, url, tp);
            send(in, 11, 30);

            gate.open();
            await().atMost(TIMEOUT).until(() -> processed.size() == 29);
            awaitCommittedExactly(transport, url, id, tp, 30);
        }
        assertThat(processed).containsExactlyElementsOf(IntStream.range(0, 30).filter(i -> i != 10).boxed().toList());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void decodePolicyFailStopsTheWorkerAtTheUndecodableRecord(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("decode-fail");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).decodeErrorPolicy(ErrorPolicy.fail()).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    processed.add(i.id());
                }
            });
            send(in, 0, 5);
            app.start();
            awaitCommittedExactly(transport, url, id, tp, 5);
            appendInvalidJson(transport, url, tp);
            send(in, 6, 10);

            assertThat(awaitExit(app)).isEqualTo(1);
        }
        assertThat(committed(transport, url, id, tp)).isEqualTo(5);
        assertThat(processed).startsWith(0, 1, 2, 3, 4).doesNotContain(5);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void decodePolicyDeadLetterSendsTheUndecodableRecordByteForByte(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("decode-dlq");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        String dlq = id + "-dlq";
        List<Integer> processed = new CopyOnWriteArrayList<>();
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Item.class))
                    .names(tp.topic()).partitions(1).decodeErrorPolicy(ErrorPolicy.deadLetter(dlq)).build());
            app.agent(in, stream -> {
                for (Item i : stream) {
                    processed.add(i.id());
                }
            });
            send(in, 0, 5);
            appendInvalidJson(transport, url, tp);
            send(in, 6, 10);
            app.start();

            await().atMost(TIMEOUT).until(() -> processed.size() == 9);
            awaitCommittedExactly(transport, url, id, tp, 10);
            await().atMost(TIMEOUT).until(() -> transport.records(url, dlq).size() == 1);
        }
        assertThat(processed).containsExactly(0, 1, 2, 3, 4, 6, 7, 8, 9);
        ConsumedRecord original = recordAt(transport.records(url, tp.topic()), 0, 5);
        assertDeadLetter(transport.records(url, dlq).getFirst(), original,
                dev.faust4j.codec.DecodeException.class.getName());
    }

    // ---- (7) manual acks ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void noackKeepsTheCommitBelowAnUnackedEvent(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("noack");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        List<Integer> seen = new CopyOnWriteArrayList<>();
        AtomicReference<Event<String, Item>> held = new AtomicReference<>();
        try (App app = builder(id, url).build()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Event<String, Item> e : stream.noack().events()) {
                    if (e.value().id() == 3) {
                        held.set(e);
                    } else {
                        assertThat(e.ack()).isTrue();
                    }
                    seen.add(e.value().id());
                }
            });
            send(in, 0, 10);
            app.start();

            await().atMost(TIMEOUT).until(() -> seen.size() == 10);
            awaitCommittedExactly(transport, url, id, tp, 3);
            assertStays("committed offset stays at the unacked event", () -> committed(transport, url, id, tp) == 3);
            assertThat(held.get().isAcked()).isFalse();

            assertThat(held.get().ack()).isTrue(); // from another thread than the agent's
            assertThat(held.get().ack()).isFalse();
            awaitCommittedExactly(transport, url, id, tp, 10);
        }
    }

    // ---- (8) flow control ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aSlowAgentBoundsWhatIsBufferedByConfiguration(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("flow");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        int buffer = 10;
        int maxPoll = 5;
        int total = 1000;
        long bound = buffer + maxPoll;
        AtomicLong processed = new AtomicLong();
        AtomicLong maxUnprocessed = new AtomicLong();
        List<Integer> ids = new CopyOnWriteArrayList<>();
        Semaphore done = new Semaphore(0);
        App app = builder(id, CountingTransport.url(url)).streamBufferMaxsize(buffer).maxPollRecords(maxPoll).build();
        try (app; Gate gate = new Gate()) {
            CountingTransport.Probe probe = CountingTransport.probe(app);
            // every poll: what the Conductor has been handed minus what the agent has finished
            probe.onPoll(delivered -> maxUnprocessed.accumulateAndGet(delivered - processed.get(), Math::max));
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    gate.pass();
                    ids.add(i.id());
                    processed.incrementAndGet();
                    done.release();
                }
            });
            send(in, 0, total);
            app.start();

            int released = 0;
            while (released < total) {
                int step = Math.min(released < 100 ? 1 : 25, total - released);
                gate.allow(step);
                released += step;
                assertThat(done.tryAcquire(step, TIMEOUT.toSeconds(), TimeUnit.SECONDS))
                        .as("the agent processed %d records", released).isTrue();
                assertThat(probe.delivered() - processed.get())
                        .as("records delivered but not processed after %d", released).isLessThanOrEqualTo(bound);
            }
            awaitCommittedExactly(transport, url, id, tp, total);
            assertThat(maxUnprocessed.get()).as("records delivered but not processed, at any poll")
                    .isLessThanOrEqualTo(bound);
            assertThat(probe.delivered()).isEqualTo(total);
        }
        assertThat(ids).containsExactlyElementsOf(range(0, total));
    }

    // ---- (9) clean stop and restart ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aCleanStopCommitsWhatWasProcessedAndTheRestIsProcessedOnceAfterRestart(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("clean-stop");
        String url = transport.brokerUrl(id);
        String topicName = id + "-in";
        int partitions = 2;
        int total = 1000; // more than an agent reads ahead: at the stop, records wait both in its hands and in the buffer
        int allowed = 20;
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        List<Event<String, Item>> firstRun = new CopyOnWriteArrayList<>();
        App first = builder(id, CountingTransport.url(url)).build();
        try (first; Gate gate = new Gate()) {
            Topic<String, Item> in = topic(first, topicName, partitions);
            first.agent(in, stream -> {
                for (Event<String, Item> e : stream.events()) {
                    gate.pass();
                    counts.computeIfAbsent(e.value().id(), k -> new AtomicInteger()).incrementAndGet();
                    firstRun.add(e);
                }
            });
            CountDownLatch subscriptionsClosed = stopSignal(first);
            send(in, 0, total);
            first.start();

            gate.allow(allowed);
            CountingTransport.Probe probe = CountingTransport.probe(first);
            await().atMost(TIMEOUT).until(() -> firstRun.size() == allowed && gate.arrivals() == allowed + 1
                    && probe.delivered() > allowed + 1); // one event in hand, more buffered
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(first::stop);
            assertThat(subscriptionsClosed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            gate.open(); // the event in hand finishes; the buffered ones are dropped
            stopping.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(awaitExit(first)).isZero();
        }
        assertThat(firstRun).hasSize(allowed + 1);
        // records acked before the stop are committed, exactly up to what was processed
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            List<Long> offsets = firstRun.stream().filter(e -> e.partition() == partition).map(Event::offset).sorted()
                    .toList();
            assertThat(offsets).containsExactlyElementsOf(LongStream.range(0, offsets.size()).boxed().toList());
            Long c = transport.committed(url, id, new TopicPartition(topicName, p));
            assertThat(c == null ? 0L : c).as("committed offset of partition %d", p).isEqualTo(offsets.size());
        }

        List<Integer> secondRun = new CopyOnWriteArrayList<>();
        try (App second = builder(id, url).build()) {
            Topic<String, Item> in = topic(second, topicName, partitions);
            second.agent(in, stream -> {
                for (Item i : stream) {
                    counts.computeIfAbsent(i.id(), k -> new AtomicInteger()).incrementAndGet();
                    secondRun.add(i.id());
                }
            });
            second.start();
            await().atMost(TIMEOUT).until(() -> counts.size() == total);
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(topicName, p);
                awaitCommittedExactly(transport, url, id, tp, transport.endOffset(url, tp));
            }
        }
        assertThat(secondRun).hasSize(total - allowed - 1);
        assertThat(duplicates(counts)).as("records processed more than once").isEmpty();
    }

    // ---- (10) restart limit ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anAgentFailingTooOftenInARowStopsAloneAndTheWorkerGoesOn(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("restart-limit");
        String url = transport.brokerUrl(id);
        int maxRestarts = 3;
        AtomicInteger starts = new AtomicInteger();
        List<Integer> healthy = new CopyOnWriteArrayList<>();
        ManualTicker ticker = new ManualTicker(); // restart backoffs pass only when the test advances it
        TopicPartition failingTp = new TopicPartition(id + "-in", 0);
        TopicPartition healthyTp = new TopicPartition(id + "-other", 0);
        try (App app = builder(id, url).ticker(ticker).agentMaxRestarts(maxRestarts).build()) {
            Topic<String, Item> in = topic(app, failingTp.topic(), 1);
            Topic<String, Item> other = topic(app, healthyTp.topic(), 1);
            Agent<String, Item> failing = app.agent(in, stream -> {
                starts.incrementAndGet();
                for (Item i : stream) {
                    throw new IllegalStateException("always fails, here on " + i.id());
                }
            }).name("failing");
            app.agent(other, stream -> {
                for (Item i : stream) {
                    healthy.add(i.id());
                }
            }).name("healthy");
            send(in, 0, 20);
            app.start();

            await().atMost(TIMEOUT).until(() -> {
                ticker.advance(Duration.ofSeconds(10));
                return failing.state() == Agent.State.FAILED;
            });
            assertThat(starts).as("the first run and " + maxRestarts + " restarts").hasValue(maxRestarts + 1);
            // each failure skipped (acked) the record in hand; the rest stays uncommitted
            awaitCommittedExactly(transport, url, id, failingTp, maxRestarts + 1);

            // the worker goes on: the healthy agent processes and commits what is sent now
            send(other, 0, 5);
            await().atMost(TIMEOUT).until(() -> {
                ticker.advance(Duration.ofSeconds(3)); // the commit interval, by the manual clock
                return committed(transport, url, id, healthyTp) == 5;
            });
            assertThat(healthy).containsExactly(0, 1, 2, 3, 4);
            assertThat(starts).hasValue(maxRestarts + 1);
            app.stop();
            assertThat(awaitExit(app)).as("a clean stop of a worker whose agent failed").isEqualTo(0);
        }
        assertThat(committed(transport, url, id, failingTp)).isEqualTo(maxRestarts + 1);
    }

    // ---- (11) sends made while processing are durable before the commit ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void everyCommittedInputHasItsOutput(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("durable-sends");
        String url = transport.brokerUrl(id);
        TopicPartition tp = new TopicPartition(id + "-in", 0);
        String outName = id + "-out";
        int total = 200;
        AtomicInteger processed = new AtomicInteger();
        try (App app = builder(id, url).build(); Gate gate = new Gate()) {
            Topic<String, Item> in = topic(app, tp.topic(), 1);
            Topic<String, Item> out = topic(app, outName, 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    gate.pass();
                    out.send("k" + i.id(), i); // not awaited: the commit must wait for it
                    processed.incrementAndGet();
                }
            });
            send(in, 0, total);
            app.start();

            Map<Long, Integer> inputIds = new HashMap<>();
            for (ConsumedRecord r : transport.records(url, tp.topic())) {
                inputIds.put(r.offset(), Codecs.json(Item.class).decode(r.value()).id());
            }
            Callable<Boolean> committedInputsHaveOutputs = () -> {
                long c = committed(transport, url, id, tp);
                Set<Integer> outputs = transport.records(url, outName).stream()
                        .map(r -> Codecs.json(Item.class).decode(r.value()).id()).collect(Collectors.toSet());
                return LongStream.range(0, Math.max(c, 0)).allMatch(o -> outputs.contains(inputIds.get(o)));
            };
            for (int released = 0; released < total;) {
                gate.allow(25);
                released += 25;
                int target = released;
                await().atMost(TIMEOUT).failFast("an input was committed before its output was durable",
                        () -> !committedInputsHaveOutputs.call())
                        .until(() -> processed.get() == target && committed(transport, url, id, tp) == target);
            }
            assertThat(committedInputsHaveOutputs.call()).isTrue();
        }
        assertThat(transport.records(url, outName)).hasSize(total);
    }

    // ---- (12) several workers share the partitions ----

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void twoWorkersShareThePartitionsAndProcessEveryRecordOnce(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("two-workers");
        String url = transport.brokerUrl(id);
        String topicName = id + "-in";
        int partitions = 4;
        int total = 400;
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        Set<Integer> partitionsOf1 = ConcurrentHashMap.newKeySet();
        Set<Integer> partitionsOf2 = ConcurrentHashMap.newKeySet();
        App w1 = builder(id, CountingTransport.url(url)).build();
        App w2 = builder(id, CountingTransport.url(url)).build();
        try (w1; w2) {
            Topic<String, Item> in1 = worker(w1, topicName, partitions, counts, partitionsOf1, null);
            worker(w2, topicName, partitions, counts, partitionsOf2, null);
            w1.start();
            w2.start();
            CountingTransport.Probe p1 = CountingTransport.probe(w1);
            CountingTransport.Probe p2 = CountingTransport.probe(w2);
            awaitSplit(p1, p2, topicName, partitions);

            send(in1, 0, total);
            await().atMost(TIMEOUT).until(() -> counts.size() == total);
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(topicName, p);
                awaitCommittedExactly(transport, url, id, tp, transport.endOffset(url, tp));
            }
            assertThat(partitionsOf1).allMatch(p -> p1.assignment().contains(new TopicPartition(topicName, p)));
            assertThat(partitionsOf2).allMatch(p -> p2.assignment().contains(new TopicPartition(topicName, p)));
        }
        assertThat(partitionsOf1).isNotEmpty();
        assertThat(partitionsOf2).isNotEmpty();
        assertThat(duplicates(counts)).as("records processed more than once").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void whenOneWorkerStopsMidStreamTheOtherTakesOverItsPartitionsLosingAndDuplicatingNothing(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("handover");
        String url = transport.brokerUrl(id);
        String topicName = id + "-in";
        int partitions = 4;
        int total = 2000; // more than an agent reads ahead: at the stop, records wait both in its hands and in the buffer
        int allowed = 10;
        Map<Integer, AtomicInteger> counts = new ConcurrentHashMap<>();
        Set<Integer> partitionsOf1 = ConcurrentHashMap.newKeySet();
        Set<Integer> partitionsOf2 = ConcurrentHashMap.newKeySet();
        List<Integer> processedBy2 = new CopyOnWriteArrayList<>();
        App w1 = builder(id, CountingTransport.url(url)).build();
        App w2 = builder(id, CountingTransport.url(url)).build();
        try (w1; w2; Gate gate2 = new Gate()) {
            Topic<String, Item> in1 = worker(w1, topicName, partitions, counts, partitionsOf1, null);
            worker(w2, topicName, partitions, counts, partitionsOf2, i -> {
                gate2.pass();
                processedBy2.add(i);
            });
            CountDownLatch w2Closed = stopSignal(w2);
            w1.start();
            w2.start();
            CountingTransport.Probe p1 = CountingTransport.probe(w1);
            CountingTransport.Probe p2 = CountingTransport.probe(w2);
            awaitSplit(p1, p2, topicName, partitions);
            Set<TopicPartition> ownedBy2 = p2.assignment();

            send(in1, 0, total);
            gate2.allow(allowed);
            long ofW2 = countOn(transport, url, ownedBy2);
            await().atMost(TIMEOUT).until(() -> processedBy2.size() == allowed && gate2.arrivals() == allowed + 1
                    && p2.delivered() > allowed + 1);
            assertThat(ofW2).isGreaterThan(allowed + 1);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(w2::stop);
            assertThat(w2Closed.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            gate2.open();
            stopping.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(awaitExit(w2)).isZero();

            await().atMost(TIMEOUT).until(() -> p1.assignment().size() == partitions);
            await().atMost(TIMEOUT).until(() -> counts.size() == total);
            for (int p = 0; p < partitions; p++) {
                TopicPartition tp = new TopicPartition(topicName, p);
                awaitCommittedExactly(transport, url, id, tp, transport.endOffset(url, tp));
            }
            // w1 processed records of the partitions it took over
            assertThat(partitionsOf1).containsAll(ownedBy2.stream().map(TopicPartition::partition).toList());
        }
        assertThat(processedBy2).hasSize(allowed + 1);
        assertThat(duplicates(counts)).as("records processed more than once").isEmpty();
    }

    // ---- helpers ----

    private static App.Builder builder(String id, String url) {
        return App.builder(id).broker(url).commitInterval(Duration.ofMillis(50));
    }

    private static Topic<String, Item> topic(App app, String name, int partitions) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Item.class)).names(name)
                .partitions(partitions).build());
    }

    /** Sends items {@code from..to-1} with keys {@code k<i>} and waits until all are accepted. */
    private static void send(Topic<String, Item> topic, int from, int to) {
        List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
        for (int i = from; i < to; i++) {
            sends.add(topic.send("k" + i, new Item(i)));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
    }

    private interface Step {
        void accept(int id) throws Exception;
    }

    /** A worker whose agent counts each id and notes the partitions it processed. */
    private static Topic<String, Item> worker(App app, String topicName, int partitions,
                                              Map<Integer, AtomicInteger> counts,
                                              Set<Integer> seenPartitions, Step step) {
        Topic<String, Item> in = topic(app, topicName, partitions);
        app.agent(in, stream -> {
            for (Event<String, Item> e : stream.events()) {
                if (step != null) {
                    step.accept(e.value().id());
                }
                seenPartitions.add(e.partition());
                counts.computeIfAbsent(e.value().id(), k -> new AtomicInteger()).incrementAndGet();
            }
        });
        return in;
    }

    /** Waits until the two workers own disjoint, non-empty parts that together cover the topic. */
    private static void awaitSplit(CountingTransport.Probe p1, CountingTransport.Probe p2, String topicName,
                                   int partitions) {
        Set<TopicPartition> all = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topicName, p))
                .collect(Collectors.toSet());
        await().atMost(TIMEOUT).until(() -> {
            Set<TopicPartition> a = p1.assignment();
            Set<TopicPartition> b = p2.assignment();
            Set<TopicPartition> union = new HashSet<>(a);
            union.addAll(b);
            return !a.isEmpty() && !b.isEmpty() && a.size() + b.size() == partitions && union.equals(all);
        });
    }

    /**
     * A latch released once the app's subscriptions are closed on stop: a channel agent registered after the
     * app's other agents sees its stream end then (subscriptions are closed in creation order).
     */
    private static CountDownLatch stopSignal(App app) {
        CountDownLatch closed = new CountDownLatch(1);
        app.agent(app.channel(String.class), stream -> {
            for (String ignored : stream) {
                // nothing is ever sent
            }
            closed.countDown();
        }).name("stop-signal");
        return closed;
    }

    private static long countOn(TransportFixture transport, String url, Set<TopicPartition> tps) {
        long n = 0;
        for (TopicPartition tp : tps) {
            n += transport.endOffset(url, tp);
        }
        return n;
    }

    private static void appendInvalidJson(TransportFixture transport, String url, TopicPartition tp) {
        transport.appendRaw(url, tp.topic(), 1, tp.partition(), "k5".getBytes(StandardCharsets.UTF_8),
                INVALID_JSON.getBytes(StandardCharsets.UTF_8));
    }

    private static ConsumedRecord recordAt(List<ConsumedRecord> records, int partition, long offset) {
        return records.stream().filter(r -> r.partition() == partition && r.offset() == offset).findFirst()
                .orElseThrow();
    }

    private static void assertDeadLetter(ConsumedRecord dead, ConsumedRecord original, String errorClass) {
        assertThat(dead.key()).isEqualTo(original.key());
        assertThat(dead.value()).isEqualTo(original.value());
        assertThat(header(dead, "faust4j.dlq.topic")).isEqualTo(original.topic());
        assertThat(header(dead, "faust4j.dlq.partition")).isEqualTo(Integer.toString(original.partition()));
        assertThat(header(dead, "faust4j.dlq.offset")).isEqualTo(Long.toString(original.offset()));
        assertThat(header(dead, "faust4j.dlq.error.class")).isEqualTo(errorClass);
    }

    private static Set<Integer> duplicates(Map<Integer, AtomicInteger> counts) {
        return counts.entrySet().stream().filter(e -> e.getValue().get() != 1).map(Map.Entry::getKey)
                .collect(Collectors.toCollection(TreeSet::new));
    }

}
