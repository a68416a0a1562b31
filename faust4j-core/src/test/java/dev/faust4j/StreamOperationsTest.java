package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.Header;
import dev.faust4j.spi.TopicPartition;
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
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * User-visible behaviour of every stream operation (faust-semantics.md section 2, "Java target"), on every
 * transport of the test classpath.
 */
class StreamOperationsTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    record Order(String id, String account, int amount) {}

    // ---- helpers ----

    private static App.Builder builder(TransportFixture transport, String id) {
        return App.builder(id)
                .broker(transport.brokerUrl(id))
                .commitInterval(Duration.ofMillis(50))
                .topicPartitions(2)
                .shutdownGracePeriod(Duration.ofSeconds(10));
    }

    private static Topic<String, String> stringTopic(App app, String name, int partitions) {
        return app.topic(
                TopicOptions.builder(Codecs.string(), Codecs.string()).names(name).partitions(partitions).build());
    }

    private static Topic<String, Order> orderTopic(App app, String name, int partitions) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Order.class)).names(name)
                .partitions(partitions).build());
    }

    private static long committed(TransportFixture transport, String id, String topic, int partition) {
        Long c = transport.committed(transport.brokerUrl(id), id, new TopicPartition(topic, partition));
        return c == null ? 0 : c;
    }

    private static void awaitCommitted(TransportFixture transport, String id, String topic, int partition,
                                       long offset) {
        await().atMost(WAIT).untilAsserted(() -> assertThat(committed(transport, id, topic, partition))
                .as("committed offset of %s-%d", topic, partition).isEqualTo(offset));
    }

    /** Every partition of the topic gets committed up to its log end. */
    private static void awaitAllCommitted(TransportFixture transport, String id, String topic, int partitions) {
        for (int p = 0; p < partitions; p++) {
            long end = transport.endOffset(transport.brokerUrl(id), new TopicPartition(topic, p));
            awaitCommitted(transport, id, topic, p, end);
        }
    }

    private static void sendValues(Topic<String, String> topic, String... values) {
        for (String v : values) {
            topic.send("key-" + v, v).join();
        }
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static String header(List<Header> headers, String key) {
        for (Header h : headers) {
            if (h.key().equals(key)) {
                return utf8(h.value());
            }
        }
        return null;
    }

    private static List<ConsumedRecord> records(TransportFixture transport, String id, String topic) {
        return transport.records(transport.brokerUrl(id), topic);
    }

    private static List<String> values(List<ConsumedRecord> records) {
        return records.stream().map(r -> utf8(r.value())).toList();
    }

    // ---- processors and filter ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void processorsSyncAndAsyncRunInRegistrationOrder(TransportFixture transport) {
        String id = Transports.uniqueId("processors");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            app.agent(in, stream -> {
                stream.processor(v -> v + "-a")
                        .asyncProcessor(v -> CompletableFuture.supplyAsync(() -> v + "-b",
                                CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)))
                        .processor(v -> v + "-c");
                for (String v : stream) {
                    seen.add(v);
                }
            }).name("processors");
            app.start();
            sendValues(in, "v0", "v1", "v2", "v3", "v4");
            await().atMost(WAIT).until(() -> seen.size() == 5);
            assertThat(seen).containsExactly("v0-a-b-c", "v1-a-b-c", "v2-a-b-c", "v3-a-b-c", "v4-a-b-c");
            awaitCommitted(transport, id, id + "-in", 0, 5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void filterDropsValuesAndStillCommitsTheirOffsets(TransportFixture transport) {
        String id = Transports.uniqueId("filter");
        List<String> seen = new CopyOnWriteArrayList<>();
        List<String> tested = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (String v : stream.filter(v -> {
                    tested.add(v);
                    return Integer.parseInt(v) % 2 == 0 && Integer.parseInt(v) < 6;
                })) {
                    seen.add(v);
                }
            }).name("filter");
            app.start();
            // the last four records are all filtered out: only acks of dropped values can commit them
            sendValues(in, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            await().atMost(WAIT).until(() -> tested.size() == 10);
            awaitCommitted(transport, id, id + "-in", 0, 10);
            assertThat(seen).containsExactly("0", "2", "4");
        }
    }

    // ---- items, events, enumerate ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void itemsYieldsKeysWithValues(TransportFixture transport) {
        String id = Transports.uniqueId("items");
        List<KeyValue<String, String>> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (KeyValue<String, String> kv : stream.items()) {
                    seen.add(kv);
                }
            }).name("items");
            app.start();
            in.send("k0", "v0").join();
            in.send("k1", "v1").join();
            in.send(null, "v2").join();
            await().atMost(WAIT).until(() -> seen.size() == 3);
            assertThat(seen).containsExactly(new KeyValue<>("k0", "v0"), new KeyValue<>("k1", "v1"),
                    new KeyValue<>(null, "v2"));
            awaitCommitted(transport, id, id + "-in", 0, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void eventsCarryTopicPartitionOffsetHeadersAndRawBytes(TransportFixture transport) {
        String id = Transports.uniqueId("events");
        String topicName = id + "-in";
        List<Event<String, String>> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, topicName, 2);
            app.agent(in, stream -> {
                for (Event<String, String> e : stream.events()) {
                    seen.add(e);
                }
            }).name("events");
            app.start();
            Map<String, RecordMetadata> sent = new HashMap<>();
            for (int i = 0; i < 6; i++) {
                List<Header> headers = List.of(new Header("trace", ("t" + i).getBytes(StandardCharsets.UTF_8)));
                sent.put("v" + i, in.send("k" + i, "v" + i, headers, i % 2).join());
            }
            await().atMost(WAIT).until(() -> seen.size() == 6);
            for (Event<String, String> e : seen) {
                String n = e.value().substring(1);
                RecordMetadata md = sent.get(e.value());
                assertThat(e.topic()).isEqualTo(topicName);
                assertThat(e.partition()).isEqualTo(md.partition()).isEqualTo(Integer.parseInt(n) % 2);
                assertThat(e.offset()).isEqualTo(md.offset());
                assertThat(e.key()).isEqualTo("k" + n);
                assertThat(e.rawKey()).isEqualTo(("k" + n).getBytes(StandardCharsets.UTF_8));
                assertThat(e.rawValue()).isEqualTo(("v" + n).getBytes(StandardCharsets.UTF_8));
                assertThat(header(e.headers(), "trace")).isEqualTo("t" + n);
                assertThat(e.timestamp()).isPositive();
            }
            // per partition, offsets come in order starting at 0
            for (int p = 0; p < 2; p++) {
                int partition = p;
                assertThat(seen.stream().filter(e -> e.partition() == partition).map(Event::offset).toList())
                        .containsExactly(0L, 1L, 2L);
            }
            awaitAllCommitted(transport, id, topicName, 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void enumerateNumbersYieldedValuesFromStart(TransportFixture transport) {
        String id = Transports.uniqueId("enumerate");
        List<Indexed<String>> fromTen = new CopyOnWriteArrayList<>();
        List<Indexed<String>> fromZero = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (Indexed<String> x : stream.filter(v -> !v.startsWith("skip")).enumerate(10)) {
                    fromTen.add(x);
                }
            }).name("enumerate-from-ten");
            app.agent(in, stream -> {
                for (Indexed<String> x : stream.enumerate()) {
                    fromZero.add(x);
                }
            }).name("enumerate-from-zero");
            app.start();
            sendValues(in, "a", "skip1", "b", "c", "skip2", "d");
            await().atMost(WAIT).until(() -> fromTen.size() == 4 && fromZero.size() == 6);
            // filtered values are not counted
            assertThat(fromTen).containsExactly(new Indexed<>(10, "a"), new Indexed<>(11, "b"),
                    new Indexed<>(12, "c"), new Indexed<>(13, "d"));
            assertThat(fromZero).extracting(Indexed::index).containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
            assertThat(fromZero).extracting(Indexed::value).containsExactly("a", "skip1", "b", "c", "skip2", "d");
            awaitCommitted(transport, id, id + "-in", 0, 6);
        }
    }

    // ---- take ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void takeYieldsFullBatchesOfMaxAndNeverMore(TransportFixture transport) {
        String id = Transports.uniqueId("take");
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (List<String> batch : stream.take(5)) {
                    batches.add(List.copyOf(batch));
                }
            }).name("take");
            app.start();
            for (int i = 0; i < 12; i++) {
                in.send("k", Integer.toString(i)).join();
            }
            await().atMost(WAIT).until(() -> batches.size() == 2);
            assertThat(batches).containsExactly(List.of("0", "1", "2", "3", "4"), List.of("5", "6", "7", "8", "9"));
            // the agent asked for a third batch, which acked the first two; the last two values wait for three more
            awaitCommitted(transport, id, id + "-in", 0, 10);
            for (int i = 12; i < 15; i++) {
                in.send("k", Integer.toString(i)).join();
            }
            await().atMost(WAIT).until(() -> batches.size() == 3);
            assertThat(batches.get(2)).containsExactly("10", "11", "12", "13", "14");
            assertThat(batches).allSatisfy(b -> assertThat(b).hasSize(5));
            awaitCommitted(transport, id, id + "-in", 0, 15);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void takeWithinYieldsFullBatchesAtOnceAndTheRestWhenWithinPasses(TransportFixture transport) {
        String id = Transports.uniqueId("take-full");
        ManualTicker ticker = new ManualTicker();
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).ticker(ticker).commitEvery(1).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            app.agent(in, stream -> {
                stream.processor(v -> {
                    seen.add(v);
                    return v;
                });
                for (List<String> batch : stream.take(4, Duration.ofSeconds(10))) {
                    batches.add(List.copyOf(batch));
                }
            }).name("take-full");
            app.start();
            sendValues(in, "0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
            // full batches go out without the ticker moving
            // (the state is in the message, so that a failure on a loaded machine says what was seen)
            await().atMost(WAIT).untilAsserted(() -> assertThat(seen.size() == 10 && batches.size() == 2)
                    .as("seen %s, batches %s", seen, batches).isTrue());
            assertThat(batches).containsExactly(List.of("0", "1", "2", "3"), List.of("4", "5", "6", "7"));
            // the last two wait for `within`: the ticker has not moved, so they cannot have been flushed
            assertThat(batches).hasSize(2);
            ticker.advance(Duration.ofSeconds(10));
            await().atMost(WAIT).untilAsserted(
                    () -> assertThat(batches).as("seen %s, batches %s", seen, batches).hasSize(3));
            assertThat(batches.get(2)).containsExactly("8", "9");
            awaitCommitted(transport, id, id + "-in", 0, 10);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void takeWithinFlushesSlowStreamOnlyWhenWithinPassesAndAcksOnNextRequest(TransportFixture transport) {
        String id = Transports.uniqueId("take-within");
        String topicName = id + "-in";
        ManualTicker ticker = new ManualTicker();
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<String> seen = new CopyOnWriteArrayList<>();
        List<Event<String, String>> events = new CopyOnWriteArrayList<>();
        Semaphore gate = new Semaphore(0);
        try (App app = builder(transport, id).ticker(ticker).commitEvery(1).commitInterval(Duration.ofSeconds(1))
                .build()) {
            Topic<String, String> in = stringTopic(app, topicName, 1);
            app.agent(in, stream -> {
                stream.processor(v -> {
                    events.add(stream.currentEvent());
                    seen.add(v);
                    return v;
                });
                for (List<String> batch : stream.take(10, Duration.ofSeconds(10))) {
                    batches.add(List.copyOf(batch));
                    gate.acquire(); // the test decides when the next batch is requested
                }
            }).name("take-within");
            try {
                app.start();
                sendValues(in, "v0", "v1", "v2");
                await().atMost(WAIT).until(() -> seen.size() == 3);
                // fewer than max, and `within` has not passed on the app's ticker: nothing is flushed
                assertThat(batches).isEmpty();

                ticker.advance(Duration.ofSeconds(10));
                await().atMost(WAIT).until(() -> batches.size() == 1);
                assertThat(batches.getFirst()).containsExactly("v0", "v1", "v2");
                // the batch is being processed (the next one is not requested yet): not acked, not committed
                assertThat(events).hasSize(3).noneMatch(Event::isAcked);
                await().during(Duration.ofMillis(500)).atMost(WAIT)
                        .until(() -> committed(transport, id, topicName, 0) == 0);

                gate.release(); // request the next batch: the first one is acked and committed
                awaitCommitted(transport, id, topicName, 0, 3);
                assertThat(events).allMatch(Event::isAcked);

                // nothing arrives for two periods: no empty batch
                ticker.advance(Duration.ofSeconds(10));
                ticker.advance(Duration.ofSeconds(10));
                sendValues(in, "v3");
                await().atMost(WAIT).until(() -> seen.size() == 4);
                ticker.advance(Duration.ofSeconds(10));
                await().atMost(WAIT).until(() -> batches.size() == 2);
                assertThat(batches.get(1)).containsExactly("v3");
                assertThat(batches).noneMatch(List::isEmpty);
                assertThat(committed(transport, id, topicName, 0)).isEqualTo(3);

                gate.release();
                awaitCommitted(transport, id, topicName, 0, 4);
                assertThat(batches).hasSize(2);
            } finally {
                gate.release(1000);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void takeEventsYieldsBatchesOfEventsAckedWhenTheNextIsRequested(TransportFixture transport) {
        String id = Transports.uniqueId("take-events");
        String inName = id + "-in";
        List<List<Event<String, String>>> batches = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            app.agent(in, stream -> {
                for (List<Event<String, String>> batch : stream.takeEvents(3, Duration.ofHours(1))) {
                    batches.add(List.copyOf(batch));
                }
            }).name("take-events");
            app.start();
            for (int i = 0; i < 7; i++) {
                in.send("k" + i, "v" + i).join();
            }
            await().atMost(WAIT).until(() -> batches.size() == 2);
            assertThat(batches.get(0)).extracting(Event::key).containsExactly("k0", "k1", "k2");
            assertThat(batches.get(1)).extracting(Event::value).containsExactly("v3", "v4", "v5");
            assertThat(batches.get(1)).extracting(Event::offset).containsExactly(3L, 4L, 5L);
            assertThat(batches.get(1)).extracting(Event::topic).containsOnly(inName);
            // the agent asked for a third batch: the first two are acked, the seventh value waits for two more
            awaitCommitted(transport, id, inName, 0, 6);
            assertThat(batches).allSatisfy(b -> assertThat(b).allMatch(Event::isAcked));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void noackTakeEventsLeavesEveryAckToTheAgent(TransportFixture transport) {
        String id = Transports.uniqueId("noack-take");
        String inName = id + "-in";
        List<Event<String, String>> held = new CopyOnWriteArrayList<>();
        AtomicInteger batches = new AtomicInteger();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            app.agent(in, stream -> {
                for (List<Event<String, String>> batch : stream.noack().takeEvents(3, Duration.ofHours(1))) {
                    for (Event<String, String> e : batch) {
                        if (e.value().equals("hold")) {
                            held.add(e); // acked later, by the test
                        } else {
                            e.ack();
                        }
                    }
                    batches.incrementAndGet();
                }
            }).name("noack-take");
            app.start();
            sendValues(in, "v0", "hold", "v2", "v3", "v4", "v5");
            await().atMost(WAIT).until(() -> batches.get() == 2);
            // asking for the next batch acked nothing: offset 1 is still in hand, so the commit stays there
            awaitCommitted(transport, id, inName, 0, 1);
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> committed(transport, id, inName, 0) == 1);
            assertThat(held).singleElement().satisfies(e -> assertThat(e.isAcked()).isFalse());

            assertThat(held.getFirst().ack()).isTrue();
            awaitCommitted(transport, id, inName, 0, 6);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void takeNeverBuffersFilteredValuesAndAcksThem(TransportFixture transport) {
        String id = Transports.uniqueId("take-filter");
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        List<String> tested = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, id + "-in", 1);
            app.agent(in, stream -> {
                stream.filter(v -> {
                    tested.add(v);
                    return Integer.parseInt(v) % 2 == 0;
                });
                for (List<String> batch : stream.take(2)) {
                    batches.add(List.copyOf(batch));
                }
            }).name("take-filter");
            app.start();
            sendValues(in, "0", "1", "2", "3", "4", "5", "6", "7");
            await().atMost(WAIT).until(() -> batches.size() == 2 && tested.size() == 8);
            assertThat(batches).containsExactly(List.of("0", "2"), List.of("4", "6"));
            // both batches acked (a third was requested) and the trailing filtered value 7 acked at once
            awaitCommitted(transport, id, id + "-in", 0, 8);
        }
    }

    // ---- through ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void throughTopicForwardsWithKeyAndHeadersAndDownstreamSeesEveryValue(TransportFixture transport) {
        String id = Transports.uniqueId("through");
        String inName = id + "-in";
        String outName = id + "-out";
        List<Event<String, String>> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 2);
            Topic<String, String> out = stringTopic(app, outName, 2);
            app.agent(in, stream -> {
                for (Event<String, String> e : stream.through(out).events()) {
                    seen.add(e);
                }
            }).name("through");
            app.start();
            for (int i = 0; i < 6; i++) {
                in.send("k" + i, "v" + i, List.of(new Header("trace", ("t" + i).getBytes(StandardCharsets.UTF_8))),
                        null).join();
            }
            await().atMost(WAIT).until(() -> seen.size() == 6);
            for (Event<String, String> e : seen) {
                String n = e.value().substring(1);
                assertThat(e.topic()).isEqualTo(outName);
                assertThat(e.key()).isEqualTo("k" + n);
                assertThat(header(e.headers(), "trace")).isEqualTo("t" + n);
            }
            assertThat(seen).extracting(Event::value).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5");
            List<ConsumedRecord> forwarded = records(transport, id, outName);
            assertThat(forwarded).hasSize(6);
            for (ConsumedRecord r : forwarded) {
                String n = utf8(r.value()).substring(1);
                assertThat(utf8(r.key())).isEqualTo("k" + n);
                assertThat(header(r.headers(), "trace")).isEqualTo("t" + n);
            }
            awaitAllCommitted(transport, id, inName, 2);
            awaitAllCommitted(transport, id, outName, 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void throughTopicNameForwardsToATopicOfThatName(TransportFixture transport) {
        String id = Transports.uniqueId("through-name");
        String inName = id + "-in";
        String outName = id + "-named";
        List<KeyValue<String, String>> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            app.agent(in, stream -> {
                for (KeyValue<String, String> kv : stream.through(outName).items()) {
                    seen.add(kv);
                }
            }).name("through-name");
            app.start();
            sendValues(in, "a", "b", "c");
            await().atMost(WAIT).until(() -> seen.size() == 3);
            assertThat(seen).containsExactlyInAnyOrder(new KeyValue<>("key-a", "a"), new KeyValue<>("key-b", "b"),
                    new KeyValue<>("key-c", "c"));
            List<ConsumedRecord> forwarded = records(transport, id, outName);
            assertThat(values(forwarded)).containsExactlyInAnyOrder("a", "b", "c");
            assertThat(forwarded).allSatisfy(r -> assertThat(utf8(r.key())).isEqualTo("key-" + utf8(r.value())));
            awaitCommitted(transport, id, inName, 0, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void processorsRegisteredBeforeThroughRunBeforeForwarding(TransportFixture transport) {
        String id = Transports.uniqueId("through-proc");
        String inName = id + "-in";
        String outName = id + "-out";
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            Topic<String, String> out = stringTopic(app, outName, 1);
            app.agent(in, stream -> {
                EventStream<String, String> downstream = stream
                        .filter(v -> !v.startsWith("drop"))
                        .processor(v -> v.toUpperCase(Locale.ROOT))
                        .through(out)
                        .processor(v -> v + "!");
                for (String v : downstream) {
                    seen.add(v);
                }
            }).name("through-proc");
            app.start();
            sendValues(in, "a", "drop1", "b", "c", "drop2");
            await().atMost(WAIT).until(() -> seen.size() == 3);
            assertThat(seen).containsExactly("A!", "B!", "C!");
            // filtered source records are acked too
            awaitCommitted(transport, id, inName, 0, 5);
            // filtered values never reach the through topic; processors after through run after the hop
            assertThat(values(records(transport, id, outName))).containsExactly("A", "B", "C");
            awaitCommitted(transport, id, outName, 0, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void throughForwardsTheOriginalBytesUnlessAProcessorChangedTheValue(TransportFixture transport) {
        String id = Transports.uniqueId("through-bytes");
        String inName = id + "-in";
        String keptName = id + "-kept";
        String changedName = id + "-changed";
        // not how the json codec would write it: spaces, another member order, no __faust
        String original = "{ \"amount\": 7, \"account\": \"acct1\", \"id\": \"o1\" }";
        List<Order> kept = new CopyOnWriteArrayList<>();
        List<Order> changed = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, Order> in = orderTopic(app, inName, 1);
            Topic<String, Order> keptTopic = orderTopic(app, keptName, 1);
            Topic<String, Order> changedTopic = orderTopic(app, changedName, 1);
            app.agent(in, stream -> {
                for (Order o : stream.processor(v -> v).through(keptTopic)) {
                    kept.add(o);
                }
            }).name("keeps-bytes");
            app.agent(in, stream -> {
                for (Order o : stream.processor(v -> new Order(v.id(), v.account(), v.amount() * 2))
                        .through(changedTopic)) {
                    changed.add(o);
                }
            }).name("changes-value");
            transport.appendRaw(transport.brokerUrl(id), inName, 1, 0,
                    "o1".getBytes(StandardCharsets.UTF_8), original.getBytes(StandardCharsets.UTF_8));
            app.start();
            await().atMost(WAIT).until(() -> kept.size() == 1 && changed.size() == 1);
            assertThat(kept).containsExactly(new Order("o1", "acct1", 7));
            assertThat(changed).containsExactly(new Order("o1", "acct1", 14));
            List<ConsumedRecord> keptRecords = records(transport, id, keptName);
            assertThat(keptRecords).hasSize(1);
            assertThat(utf8(keptRecords.getFirst().value())).isEqualTo(original);
            assertThat(utf8(keptRecords.getFirst().key())).isEqualTo("o1");
            List<ConsumedRecord> changedRecords = records(transport, id, changedName);
            assertThat(changedRecords).hasSize(1);
            assertThat(changedRecords.getFirst().value())
                    .isEqualTo(Codecs.json(Order.class).encode(new Order("o1", "acct1", 14)));
            assertThat(utf8(changedRecords.getFirst().key())).isEqualTo("o1");
            awaitCommitted(transport, id, inName, 0, 1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void throughAndGroupByKeepTheirChainWhenTheAgentRestarts(TransportFixture transport) {
        String id = Transports.uniqueId("through-restart");
        String inName = id + "-in";
        String outName = id + "-out";
        List<String> throughSeen = new CopyOnWriteArrayList<>();
        List<String> groupBySeen = new CopyOnWriteArrayList<>();
        List<String> calls = new CopyOnWriteArrayList<>();
        AtomicBoolean throughFailed = new AtomicBoolean();
        AtomicBoolean groupByFailed = new AtomicBoolean();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            Topic<String, String> out = stringTopic(app, outName, 1);
            app.agent(in, stream -> {
                calls.add("through");
                for (String v : stream.through(out)) {
                    if (v.equals("boom") && throughFailed.compareAndSet(false, true)) {
                        throw new IllegalStateException("boom in through agent");
                    }
                    throughSeen.add(v);
                }
            }).name("through-restart");
            app.agent(in, stream -> {
                calls.add("groupBy");
                for (String v : stream.groupBy(v -> v.toUpperCase(Locale.ROOT), "upper", 1)) {
                    if (v.equals("boom") && groupByFailed.compareAndSet(false, true)) {
                        throw new IllegalStateException("boom in groupBy agent");
                    }
                    groupBySeen.add(v);
                }
            }).name("groupby-restart");
            app.start();
            sendValues(in, "a", "boom", "b", "c");
            await().atMost(WAIT).until(() -> throughSeen.size() == 3 && groupBySeen.size() == 3);
            assertThat(throughSeen).containsExactly("a", "b", "c");
            assertThat(groupBySeen).containsExactly("a", "b", "c");
            assertThat(calls).containsExactlyInAnyOrder("through", "through", "groupBy", "groupBy");
            // the restart did not forward anything twice
            assertThat(values(records(transport, id, outName))).containsExactly("a", "boom", "b", "c");
            assertThat(values(records(transport, id, "groupby-restart-" + inName + "-upper-repartition")))
                    .containsExactly("a", "boom", "b", "c");
            awaitCommitted(transport, id, inName, 0, 4);
            awaitCommitted(transport, id, outName, 0, 4);
        }
    }

    // ---- echo ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void echoSendsEveryRecordToEveryTopicWithItsKey(TransportFixture transport) {
        String id = Transports.uniqueId("echo");
        String inName = id + "-in";
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 2);
            Topic<String, String> e1 = stringTopic(app, id + "-echo1", 2);
            Topic<String, String> e2 = stringTopic(app, id + "-echo2", 3);
            app.agent(in, stream -> {
                for (String v : stream.echo(List.of(e1, e2))) {
                    seen.add(v);
                }
            }).name("echo");
            app.start();
            sendValues(in, "a", "b", "c", "d", "e", "f");
            await().atMost(WAIT).until(() -> seen.size() == 6);
            assertThat(seen).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
            for (String echo : List.of(id + "-echo1", id + "-echo2")) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(records(transport, id, echo)).hasSize(6));
                List<ConsumedRecord> rs = records(transport, id, echo);
                assertThat(values(rs)).as(echo).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
                assertThat(rs).allSatisfy(r -> assertThat(utf8(r.key())).isEqualTo("key-" + utf8(r.value())));
            }
            awaitAllCommitted(transport, id, inName, 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void echoByTopicNames(TransportFixture transport) {
        String id = Transports.uniqueId("echo-names");
        String inName = id + "-in";
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            app.agent(in, stream -> {
                for (String v : stream.echo(id + "-copy1", id + "-copy2")) {
                    seen.add(v);
                }
            }).name("echo-names");
            app.start();
            sendValues(in, "x", "y", "z");
            await().atMost(WAIT).until(() -> seen.size() == 3);
            for (String copy : List.of(id + "-copy1", id + "-copy2")) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(records(transport, id, copy)).hasSize(3));
                List<ConsumedRecord> rs = records(transport, id, copy);
                assertThat(values(rs)).containsExactlyInAnyOrder("x", "y", "z");
                assertThat(rs).allSatisfy(r -> assertThat(utf8(r.key())).isEqualTo("key-" + utf8(r.value())));
            }
            awaitCommitted(transport, id, inName, 0, 3);
        }
    }

    // ---- groupBy ----

    private static void assertRepartitioned(List<ConsumedRecord> repartitioned,
                                            Map<String, byte[]> originalBytesByOrderId,
                                            Function<Order, String> expectedKey) {
        Map<String, Set<Integer>> partitionsByKey = new HashMap<>();
        for (ConsumedRecord r : repartitioned) {
            Order o = Codecs.json(Order.class).decode(r.value());
            assertThat(utf8(r.key())).as("key of %s", o.id()).isEqualTo(expectedKey.apply(o));
            // the original value bytes are forwarded untouched
            assertThat(r.value()).isEqualTo(originalBytesByOrderId.get(o.id()));
            partitionsByKey.computeIfAbsent(utf8(r.key()), k -> new HashSet<>()).add(r.partition());
        }
        assertThat(partitionsByKey)
                .allSatisfy((key, partitions) -> assertThat(partitions).as("partitions of key %s", key).hasSize(1));
    }

    private static Map<String, byte[]> rawById(List<ConsumedRecord> records) {
        Map<String, byte[]> out = new HashMap<>();
        for (ConsumedRecord r : records) {
            out.put(Codecs.json(Order.class).decode(r.value()).id(), r.value());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void groupByFieldRepartitionsByThatField(TransportFixture transport) {
        String id = Transports.uniqueId("groupby");
        String ordersName = id + "-orders";
        String repartition = "by-account-" + ordersName + "-Order.account-repartition";
        List<Event<String, Order>> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).topicPartitions(3).build()) {
            Topic<String, Order> orders = orderTopic(app, ordersName, 4);
            app.agent(orders, stream -> {
                for (Event<String, Order> e : stream.groupBy("account").events()) {
                    seen.add(e);
                }
            }).name("by-account");
            app.start();
            for (int i = 0; i < 20; i++) {
                // random keys: the records of one account are spread over the 4 input partitions
                Order o = new Order("o" + i, "acct" + (i % 5), i);
                orders.send(UUID.randomUUID().toString(), o).join();
            }
            await().atMost(WAIT).until(() -> seen.size() == 20);
            assertThat(seen).allSatisfy(e -> {
                assertThat(e.topic()).isEqualTo(repartition);
                assertThat(e.key()).isEqualTo(e.value().account());
            });
            assertThat(seen).extracting(e -> e.value().id()).containsExactlyInAnyOrderElementsOf(
                    IntStream.range(0, 20).mapToObj(i -> "o" + i).toList());
            List<ConsumedRecord> repartitioned = records(transport, id, repartition);
            assertThat(repartitioned).hasSize(20);
            assertRepartitioned(repartitioned, rawById(records(transport, id, ordersName)), Order::account);
            assertThat(repartitioned).allSatisfy(r -> assertThat(r.partition()).isBetween(0, 2));
            awaitAllCommitted(transport, id, ordersName, 4);
            awaitAllCommitted(transport, id, repartition, 3);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void groupByKeyFunctionWithName(TransportFixture transport) {
        String id = Transports.uniqueId("groupby-fn");
        String ordersName = id + "-orders";
        String repartition = "by-upper-" + ordersName + "-account-upper-repartition";
        List<KeyValue<String, Order>> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, Order> orders = orderTopic(app, ordersName, 2);
            app.agent(orders, stream -> {
                for (KeyValue<String, Order> kv : stream
                        .groupBy(o -> o.account().toUpperCase(Locale.ROOT), "account-upper").items()) {
                    seen.add(kv);
                }
            }).name("by-upper");
            app.start();
            for (int i = 0; i < 12; i++) {
                Order o = new Order("o" + i, "acct" + (i % 4), i);
                orders.send(o.id(), o).join();
            }
            await().atMost(WAIT).until(() -> seen.size() == 12);
            assertThat(seen)
                    .allSatisfy(kv -> assertThat(kv.key()).isEqualTo(kv.value().account().toUpperCase(Locale.ROOT)));
            List<ConsumedRecord> repartitioned = records(transport, id, repartition);
            assertThat(repartitioned).hasSize(12);
            assertRepartitioned(repartitioned, rawById(records(transport, id, ordersName)),
                    o -> o.account().toUpperCase(Locale.ROOT));
            awaitAllCommitted(transport, id, ordersName, 2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void groupByKeyFunctionThatThrowsSkipsAndAcksTheEvent(TransportFixture transport) {
        String id = Transports.uniqueId("groupby-fail");
        String ordersName = id + "-orders";
        String repartition = "key-fails-" + ordersName + "-acct-repartition";
        List<Order> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, Order> orders = orderTopic(app, ordersName, 1);
            app.agent(orders, stream -> {
                EventStream<String, Order> grouped = stream.groupBy(o -> {
                    if (o.account().equals("bad")) {
                        throw new IllegalArgumentException("no key for " + o.id());
                    }
                    return o.account();
                }, "acct");
                for (Order o : grouped) {
                    seen.add(o);
                }
            }).name("key-fails");
            app.start();
            for (Order o : List.of(new Order("o0", "a", 1), new Order("o1", "bad", 2), new Order("o2", "b", 3),
                    new Order("o3", "bad", 4))) {
                orders.send(o.id(), o).join();
            }
            // the events whose key failed are dropped but acked: the last one too
            awaitCommitted(transport, id, ordersName, 0, 4);
            await().atMost(WAIT).until(() -> seen.size() == 2);
            assertThat(seen).extracting(Order::id).containsExactly("o0", "o2");
            assertThat(records(transport, id, repartition)).extracting(r -> utf8(r.key()))
                    .containsExactlyInAnyOrder("a", "b");
        }
    }

    // ---- misuse ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void groupByKeyFunctionWithoutNameIsRejected(TransportFixture transport) {
        String id = Transports.uniqueId("misuse-groupby");
        try (App app = builder(transport, id).build()) {
            Topic<String, Order> orders = orderTopic(app, id + "-orders", 1);
            assertThatThrownBy(() -> orders.stream().groupBy(Order::account, null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
            assertThatThrownBy(() -> orders.stream().groupBy(Order::account, " "))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void secondThroughOrGroupByIsRejected(TransportFixture transport) {
        String id = Transports.uniqueId("misuse-through");
        try (App app = builder(transport, id).build()) {
            Topic<String, Order> orders = orderTopic(app, id + "-orders", 1);
            Topic<String, Order> out1 = orderTopic(app, id + "-out1", 1);
            Topic<String, Order> out2 = orderTopic(app, id + "-out2", 1);
            EventStream<String, Order> stream = orders.stream();
            stream.through(out1);
            assertThatThrownBy(() -> stream.through(out2))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("through");
            assertThatThrownBy(() -> stream.groupBy(Order::account, "account"))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("groupBy");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void throughAndGroupByAreRejectedInAnAgentWithConcurrency(TransportFixture transport) {
        String id = Transports.uniqueId("misuse-concurrency");
        List<RuntimeException> throughErrors = new CopyOnWriteArrayList<>();
        List<RuntimeException> groupByErrors = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, Order> orders = orderTopic(app, id + "-orders", 2);
            Topic<String, Order> out = orderTopic(app, id + "-out", 2);
            app.agent(orders, stream -> {
                try {
                    stream.through(out);
                } catch (RuntimeException e) {
                    throughErrors.add(e);
                }
                try {
                    stream.groupBy("account");
                } catch (RuntimeException e) {
                    groupByErrors.add(e);
                }
            }).name("concurrent").concurrency(2);
            app.start();
            await().atMost(WAIT).until(() -> throughErrors.size() == 2 && groupByErrors.size() == 2);
            assertThat(throughErrors).allSatisfy(e -> assertThat(e)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("concurrency")
                    .hasMessageContaining("through"));
            assertThat(groupByErrors).allSatisfy(e -> assertThat(e)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("concurrency")
                    .hasMessageContaining("groupBy"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void takeNeedsAPositiveMaxAndWithin(TransportFixture transport) {
        String id = Transports.uniqueId("misuse-take");
        try (App app = builder(transport, id).build()) {
            EventStream<String, String> stream = stringTopic(app, id + "-in", 1).stream();
            assertThatThrownBy(() -> stream.take(0, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
            assertThatThrownBy(() -> stream.take(-1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
            assertThatThrownBy(() -> stream.take(10, Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within");
            assertThatThrownBy(() -> stream.takeEvents(0, Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takeEvents")
                    .hasMessageContaining("max");
            assertThatThrownBy(() -> stream.takeEvents(10, Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("within");
            assertThatThrownBy(() -> stream.takeEvents(10, null))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("within");
        }
    }

    // ---- combine ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void combineInATaskSeesEveryValueOfBothTopicsAndCommitsBoth(TransportFixture transport) {
        String id = Transports.uniqueId("combine-task");
        String aName = id + "-a";
        String bName = id + "-b";
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> a = stringTopic(app, aName, 2);
            Topic<String, String> b = stringTopic(app, bName, 1);
            app.task(() -> {
                for (String v : a.stream().combine(b.stream())) {
                    seen.add(v);
                }
            });
            app.start();
            sendValues(a, "a0", "a1", "a2", "a3", "a4");
            sendValues(b, "b0", "b1", "b2", "b3", "b4");
            await().atMost(WAIT).until(() -> seen.size() == 10);
            assertThat(seen).containsExactlyInAnyOrder("a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2", "b3", "b4");
            // one partition of b: its values keep their order in the merged stream
            assertThat(seen.stream().filter(v -> v.startsWith("b")).toList()).containsExactly("b0", "b1", "b2", "b3",
                    "b4");
            awaitAllCommitted(transport, id, aName, 2);
            awaitCommitted(transport, id, bName, 0, 5);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void combineInAnAgentRunsEachInputsProcessorsOnItsOwnValues(TransportFixture transport) {
        String id = Transports.uniqueId("combine-agent");
        String aName = id + "-a";
        String bName = id + "-b";
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> a = stringTopic(app, aName, 1);
            Topic<String, String> b = stringTopic(app, bName, 1);
            app.agent(a, stream -> {
                EventStream<String, String> merged = stream.processor(v -> "A:" + v)
                        .combine(b.stream().processor(v -> "B:" + v));
                for (String v : merged) {
                    seen.add(v);
                }
            }).name("combine-agent");
            app.start();
            sendValues(b, "x", "y");
            sendValues(a, "1", "2", "3");
            sendValues(b, "z");
            await().atMost(WAIT).until(() -> seen.size() == 6);
            assertThat(seen).containsExactlyInAnyOrder("A:1", "A:2", "A:3", "B:x", "B:y", "B:z");
            assertThat(seen.stream().filter(v -> v.startsWith("A:")).toList()).containsExactly("A:1", "A:2", "A:3");
            assertThat(seen.stream().filter(v -> v.startsWith("B:")).toList()).containsExactly("B:x", "B:y", "B:z");
            awaitCommitted(transport, id, aName, 0, 3);
            awaitCommitted(transport, id, bName, 0, 3);
        }
    }

    // ---- noack and manual acks ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void noackWithManualAckAnEventNeverAckedHoldsTheCommit(TransportFixture transport) {
        String id = Transports.uniqueId("noack");
        String inName = id + "-in";
        List<String> processed = new CopyOnWriteArrayList<>();
        AtomicReference<Event<String, String>> held = new AtomicReference<>();
        List<Boolean> firstAcks = new CopyOnWriteArrayList<>();
        List<Boolean> secondAcks = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            app.agent(in, stream -> {
                for (Event<String, String> e : stream.noack().events()) {
                    if (e.value().equals("hold")) {
                        held.set(e);
                    } else {
                        firstAcks.add(e.ack());
                        secondAcks.add(e.ack()); // at most once: false
                    }
                    processed.add(e.value());
                }
            }).name("noack");
            app.start();
            sendValues(in, "v0", "v1", "hold", "v3", "v4");
            await().atMost(WAIT).until(() -> processed.size() == 5);
            // offsets 0 and 1 are acked; offset 2 never is, so the commit stops there although 3 and 4 are acked
            assertThat(firstAcks).hasSize(4).containsOnly(true);
            assertThat(secondAcks).hasSize(4).containsOnly(false);
            awaitCommitted(transport, id, inName, 0, 2);
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> committed(transport, id, inName, 0) == 2);
            assertThat(held.get().isAcked()).isFalse();

            assertThat(held.get().ack()).isTrue();
            awaitCommitted(transport, id, inName, 0, 5);
            assertThat(held.get().ack()).isFalse();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void noackWithTryWithResourcesAcksWhenTheBlockExits(TransportFixture transport) {
        String id = Transports.uniqueId("noack-twr");
        String inName = id + "-in";
        List<Event<String, String>> processed = new CopyOnWriteArrayList<>();
        List<Boolean> ackedInside = new CopyOnWriteArrayList<>();
        List<Event<String, String>> failed = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            app.agent(in, stream -> {
                for (Event<String, String> e : stream.noack().events()) {
                    try (e) {
                        ackedInside.add(e.isAcked());
                        if (e.value().equals("bad")) {
                            throw new IllegalStateException("bad value");
                        }
                        processed.add(e);
                    } catch (IllegalStateException ex) {
                        failed.add(e);
                    }
                }
            }).name("noack-twr");
            app.start();
            sendValues(in, "v0", "bad", "v2", "v3");
            await().atMost(WAIT).until(() -> processed.size() == 3 && failed.size() == 1);
            assertThat(ackedInside).containsOnly(false);
            assertThat(processed).extracting(Event::value).containsExactly("v0", "v2", "v3");
            assertThat(processed).allMatch(Event::isAcked);
            assertThat(failed.getFirst().isAcked()).isTrue(); // leaving the block by an exception acks too
            awaitCommitted(transport, id, inName, 0, 4);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void noackWithoutAcksNeverCommits(TransportFixture transport) {
        String id = Transports.uniqueId("noack-none");
        String inName = id + "-in";
        String otherName = id + "-other";
        List<String> processed = new CopyOnWriteArrayList<>();
        List<String> other = new CopyOnWriteArrayList<>();
        // events never acked keep the stop waiting for them: a short grace period keeps the test quick
        try (App app = builder(transport, id).shutdownGracePeriod(Duration.ofSeconds(2)).build()) {
            Topic<String, String> in = stringTopic(app, inName, 1);
            Topic<String, String> probe = stringTopic(app, otherName, 1);
            app.agent(in, stream -> {
                for (String v : stream.noack()) {
                    processed.add(v);
                }
            }).name("noack-none");
            app.agent(probe, stream -> {
                for (String v : stream) {
                    other.add(v);
                }
            }).name("probe");
            app.start();
            sendValues(in, "v0", "v1", "v2");
            sendValues(probe, "p0");
            await().atMost(WAIT).until(() -> processed.size() == 3 && other.size() == 1);
            // commits do happen (the acking agent's partition is committed) but not for the never-acked records
            awaitCommitted(transport, id, otherName, 0, 1);
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> committed(transport, id, inName, 0) == 0);
        }
    }

    // ---- channels ----

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void channelFansOutEveryValueToEveryAgent(TransportFixture transport) throws InterruptedException {
        String id = Transports.uniqueId("channel");
        List<String> first = new CopyOnWriteArrayList<>();
        List<String> second = new CopyOnWriteArrayList<>();
        List<Event<Void, String>> secondEvents = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Channel<String> channel = app.channel(String.class);
            app.agent(channel, stream -> {
                for (String v : stream) {
                    first.add(v);
                }
            }).name("first");
            app.agent(channel, stream -> {
                for (Event<Void, String> e : stream.events()) {
                    secondEvents.add(e);
                    second.add(e.value());
                }
            }).name("second");
            app.start();
            List<String> sent = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                channel.send("c" + i);
                sent.add("c" + i);
            }
            await().atMost(WAIT).until(() -> first.size() == 10 && second.size() == 10);
            assertThat(first).containsExactlyElementsOf(sent);
            assertThat(second).containsExactlyElementsOf(sent);
            assertThat(secondEvents).allSatisfy(e -> {
                assertThat(e.topic()).isNull();
                assertThat(e.partition()).isEqualTo(-1);
                assertThat(e.offset()).isEqualTo(-1);
            });
        }
    }
}
