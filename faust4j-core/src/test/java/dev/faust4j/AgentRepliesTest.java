package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.codec.FaustRecord;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Agents that answer (issue 12; faust-semantics.md §4.1–4.2) on every transport: {@code ask}, {@code join},
 * {@code map} and their keyed forms, sinks in order, a reply that never comes, and Faust's RPC wire format byte for
 * byte against the requests and replies a Python Faust worker exchanged (faust-wire-samples.md, topic
 * {@code interop-py-app-interop_app.adder} and its reply topic).
 */
class AgentRepliesTest {
    private static final String ALL = "dev.faust4j.testing.Transports#all";

    /** The captures' record: {@code {"account":"a1","amount":12.5,"__faust":{"ns":"bench.Tx"}}}. */
    @FaustRecord(namespace = "bench.Tx")
    record Tx(String account, double amount) {
    }

    private static App.Builder builder(TransportFixture transport, String id) {
        return App.builder(id).broker(transport.brokerUrl(id)).commitInterval(Duration.ofMillis(50))
                .topicPartitions(4).shutdownGracePeriod(Duration.ofSeconds(10));
    }

    private static Topic<String, Tx> txTopic(App app, String name) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(name).partitions(4)
                .build());
    }

    /** The Python sample's adder: the same record, one more in amount. */
    private static ReplyingAgent<String, Tx, Tx> adder(App app, Topic<String, Tx> topic) {
        return app.agent(topic, Tx.class, (stream, out) -> {
            for (Tx tx : stream) {
                out.emit(new Tx(tx.account(), tx.amount() + 1));
            }
        }).name("adder");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void askJoinAndMapGetTheAgentsReplies(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("ask");
        try (App app = builder(transport, id).build()) {
            ReplyingAgent<String, Tx, Tx> adder = adder(app, txTopic(app, id + "-adds")).concurrency(2);
            app.start();
            assertThat(adder.ask("k1", new Tx("a", 41))).isEqualTo(new Tx("a", 42));
            assertThat(adder.ask(null, new Tx("b", 1.5))).as("no key").isEqualTo(new Tx("b", 2.5));
            assertThat(adder.askAsync("k2", new Tx("c", 0)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
                    .isEqualTo(new Tx("c", 1));
            List<Tx> many = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                many.add(new Tx("j" + i, i));
            }
            assertThat(adder.join(many)).as("in the order asked")
                    .containsExactlyElementsOf(many.stream().map(t -> new Tx(t.account(), t.amount() + 1)).toList());
            Map<String, Tx> keyed = new LinkedHashMap<>();
            keyed.put("x", new Tx("x", 10));
            keyed.put("y", new Tx("y", 20));
            assertThat(adder.kvjoin(keyed)).containsExactly(new Tx("x", 11), new Tx("y", 21));
            List<Tx> mapped = new ArrayList<>();
            adder.map(many).forEach(mapped::add);
            assertThat(mapped).as("every reply, in any order").containsExactlyInAnyOrderElementsOf(
                    many.stream().map(t -> new Tx(t.account(), t.amount() + 1)).toList());
            List<Tx> kvmapped = new ArrayList<>();
            adder.kvmap(keyed).forEach(kvmapped::add);
            assertThat(kvmapped).containsExactlyInAnyOrder(new Tx("x", 11), new Tx("y", 21));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void anAgentAsksAnotherAndAWorkerThatAskedStopsCleanly(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("ask-chain");
        try (App app = builder(transport, id).build()) {
            ReplyingAgent<String, Tx, Tx> adder = adder(app, txTopic(app, id + "-adds"));
            ReplyingAgent<String, Tx, Tx> twice = app.agent(txTopic(app, id + "-twice"), Tx.class, (stream, out) -> {
                for (Tx tx : stream) {
                    out.emit(adder.ask(null, adder.ask(null, tx)));
                }
            }).name("twice");
            app.start();
            assertThat(twice.ask("k", new Tx("t", 1))).isEqualTo(new Tx("t", 3));
            app.stop();
            assertThat(app.awaitTermination()).as("exit code").isZero();
            assertThat(app.state()).isEqualTo(AppState.STOPPED);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void eachResultGoesToTheCallerThenToEverySinkInOrder(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("sinks");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(transport, id).build()) {
            Topic<String, Tx> results = txTopic(app, id + "-results");
            Agent<String, Tx> audit = app.agent(txTopic(app, id + "-audit"), stream -> {
                for (Tx tx : stream) {
                    seen.add("audit " + tx.account());
                }
            }).name("audit");
            ReplyingAgent<String, Tx, Tx> adder = adder(app, txTopic(app, id + "-adds"));
            adder.sink(results).sink(audit).sink(tx -> seen.add("callback " + tx.account()));
            app.start();
            adder.cast("k", new Tx("cast", 1)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(adder.ask("k", new Tx("asked", 2))).isEqualTo(new Tx("asked", 3));
            await().atMost(TIMEOUT).until(() -> seen.size() == 4);
            assertThat(seen).as("the callback runs on the agent's thread, in the order of the results")
                    .containsSubsequence("callback cast", "callback asked")
                    .containsExactlyInAnyOrder("callback cast", "callback asked", "audit cast", "audit asked");
            await().atMost(TIMEOUT)
                    .until(() -> transport.records(transport.brokerUrl(id), id + "-results").size() == 2);
            assertThat(transport.records(transport.brokerUrl(id), id + "-results")).extracting(r -> utf8(r.value()))
                    .containsExactlyInAnyOrder(
                            "{\"account\":\"cast\",\"amount\":2.0,\"__faust\":{\"ns\":\"bench.Tx\"}}",
                            "{\"account\":\"asked\",\"amount\":3.0,\"__faust\":{\"ns\":\"bench.Tx\"}}");
            assertThatThrownBy(() -> adder.sink(results)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("add a sink to agent adder");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aReplyThatNeverComesFailsTheCallerAtItsTimeoutAndALateOneIsDropped(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("ask-timeout");
        CountDownLatch release = new CountDownLatch(1);
        try (App app = builder(transport, id).askTimeout(Duration.ofMillis(300)).build()) {
            ReplyingAgent<String, Tx, Tx> agent = app.agent(txTopic(app, id + "-adds"), Tx.class, (stream, out) -> {
                for (Tx tx : stream) {
                    if (tx.account().equals("late")) {
                        release.await();
                    }
                    if (!tx.account().equals("silent")) {
                        out.emit(tx);
                    }
                }
            }).name("sometimes");
            app.start();
            assertThatThrownBy(() -> agent.ask("k", new Tx("silent", 1))).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("no reply within the ask timeout").hasMessageContaining(id + "-adds");
            CompletableFuture<Tx> late = agent.askAsync("k", new Tx("late", 1));
            await().atMost(TIMEOUT).until(late::isDone);
            assertThat(late).isCompletedExceptionally();
            release.countDown();
            assertThat(agent.ask("k", new Tx("after", 2))).as("the late reply went nowhere; the next is answered")
                    .isEqualTo(new Tx("after", 2));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void askingOutsideARunningAppOrAChannelAgentIsRefused(TransportFixture transport) {
        String id = Transports.uniqueId("ask-misuse");
        try (App app = builder(transport, id).build()) {
            ReplyingAgent<String, Tx, Tx> adder = adder(app, txTopic(app, id + "-adds"));
            ReplyingAgent<Void, Tx, Tx> channelAgent = app.agent(app.channel(Tx.class), Tx.class, (s, out) -> {
                for (Tx tx : s) {
                    out.emit(tx);
                }
            });
            assertThatThrownBy(() -> adder.ask("k", new Tx("a", 1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only possible while the app runs");
            app.start();
            assertThatThrownBy(() -> channelAgent.ask(null, new Tx("a", 1)))
                    .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("reads a channel");
        }
    }

    // ---- Faust's wire format (faust-wire-samples.md §2) ----

    private static final String ASK2_VALUE = "{\"account\":\"ask2\",\"amount\":99.5,\"__faust\":{\"ns\":\"bench.Tx\"}}";
    private static final String ASK2_ID = "9788ff78-9152-4ce9-a276-73230487c403";
    private static final String ASK2_REPLY = "{\"key\":\"b'ask-key'\",\"value\":{\"account\":\"ask2\",\"amount\":100.5,"
            + "\"__faust\":{\"ns\":\"bench.Tx\"}},\"correlation_id\":\"9788ff78-9152-4ce9-a276-73230487c403\","
            + "\"__faust\":{\"ns\":\"faust.agents.models.ModelReqRepResponse\"}}";
    private static final String SAMPLE_REPLY_TOPIC = "f-reply-fd9af60c-eb69-4f2e-a799-c672e44639fb";
    private static final String ASK4_ENVELOPE = "{\"value\":{\"account\":\"ask4\",\"amount\":8.0,\"__faust\":{\"ns\":"
            + "\"bench.Tx\"}},\"reply_to\":\"f-reply-fd9af60c-eb69-4f2e-a799-c672e44639fb\",\"correlation_id\":"
            + "\"e4354cf7-3c16-441c-bdea-b5688a969c58\",\"__faust\":{\"ns\":\"faust.agents.models.ModelReqRepRequest\"}}";
    private static final String ASK4_REPLY = "{\"key\":\"b'ask-key-env'\",\"value\":{\"account\":\"ask4\",\"amount\":9.0,"
            + "\"__faust\":{\"ns\":\"bench.Tx\"}},\"correlation_id\":\"e4354cf7-3c16-441c-bdea-b5688a969c58\","
            + "\"__faust\":{\"ns\":\"faust.agents.models.ModelReqRepResponse\"}}";
    private static final String ASK1_VALUE = "{\"account\":\"ask1\",\"amount\":41.0,\"__faust\":{\"ns\":\"bench.Tx\"}}";
    private static final String ASK1_REPLY = "{\"key\":null,\"value\":{\"account\":\"ask1\",\"amount\":42.0,"
            + "\"__faust\":{\"ns\":\"bench.Tx\"}},\"correlation_id\":\"180e2da8-b2d9-4ba9-8955-ca629169b8eb\","
            + "\"__faust\":{\"ns\":\"faust.agents.models.ModelReqRepResponse\"}}";

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aPythonFaustRequestIsAnsweredWithTheBytesFaustWrites(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("ask-from-python");
        String replyTopic = id + "-python-replies";
        try (App app = builder(transport, id).build()) {
            adder(app, txTopic(app, id + "-adder"));
            app.start();
            try (App python = App.builder(id + "-py").broker(transport.brokerUrl(id)).topicPartitions(4).build()) { // sends the captured bytes, headers and all
                Topic<byte[], byte[]> raw = python.topic(TopicOptions.builder(Codecs.raw(), Codecs.raw())
                        .names(id + "-adder").partitions(4).build());
                python.topic(TopicOptions.builder(Codecs.raw(), Codecs.raw()).names(replyTopic).partitions(1)
                        .build());
                python.start();
                raw.send("ask-key".getBytes(StandardCharsets.UTF_8), ASK2_VALUE.getBytes(StandardCharsets.UTF_8),
                        List.of(new Header("Faust-Ag-ReplyTo", replyTopic.getBytes(StandardCharsets.UTF_8)),
                                new Header("Faust-Ag-CorrelationId", ASK2_ID.getBytes(StandardCharsets.UTF_8))),
                        null).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                // the envelope form (an agent declared with use_reply_headers=False): no headers
                raw.send("ask-key-env".getBytes(StandardCharsets.UTF_8),
                        ASK4_ENVELOPE.replace(SAMPLE_REPLY_TOPIC, replyTopic).getBytes(StandardCharsets.UTF_8),
                        List.of(), null).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            await().atMost(TIMEOUT).until(() -> transport.records(transport.brokerUrl(id), replyTopic).size() == 2);
            List<ConsumedRecord> replies = transport.records(transport.brokerUrl(id), replyTopic);
            assertThat(replies).extracting(r -> utf8(r.value())).as("the bytes the Python worker wrote")
                    .containsExactlyInAnyOrder(ASK2_REPLY, ASK4_REPLY);
            assertThat(replies).allSatisfy(reply -> {
                assertThat(reply.key()).as("Faust's reply has no key").isNull();
                assertThat(reply.headers()).as("nor headers").isEmpty();
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aJavaAskToAPythonAgentSendsFaustsRequestAndReadsItsReply(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("ask-python");
        String replyTo = id + "-replies";
        try (App app = builder(transport, id).replyTo(replyTo).build()) {
            AgentClient<String, Tx, Tx> pythonAdder = app.agentClient(txTopic(app, id + "-py-adder"), Tx.class);
            app.start();
            CompletableFuture<Tx> answer = pythonAdder.askAsync(null, new Tx("ask1", 41));
            await().atMost(TIMEOUT)
                    .until(() -> !transport.records(transport.brokerUrl(id), id + "-py-adder").isEmpty());
            ConsumedRecord request = transport.records(transport.brokerUrl(id), id + "-py-adder").getFirst();
            assertThat(utf8(request.value())).isEqualTo(ASK1_VALUE);
            assertThat(request.key()).isNull();
            assertThat(request.headers()).extracting(Header::key).as("exactly Faust's two headers, in its order")
                    .containsExactly("Faust-Ag-ReplyTo", "Faust-Ag-CorrelationId");
            assertThat(utf8(request.headers().get(0).value())).isEqualTo(replyTo);
            String correlationId = utf8(request.headers().get(1).value());
            assertThat(correlationId).as("a UUID4 string, 36 bytes")
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
            // the Python worker's reply, as captured, with this request's correlation id
            transport.appendRaw(transport.brokerUrl(id), replyTo, 1, 0, null,
                    ASK1_REPLY.replace("180e2da8-b2d9-4ba9-8955-ca629169b8eb", correlationId)
                            .getBytes(StandardCharsets.UTF_8));
            assertThat(answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(new Tx("ask1", 42));
        }
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
