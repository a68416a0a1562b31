package dev.faust4j;

import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * The app's command line (issue 11): {@code send} writes a checked record to an existing topic or an agent's, and
 * refuses what would be lost or wrong; {@code agents}, {@code topics} and {@code tables} list what the app
 * declares; {@code --version} and {@code --help} name faust4j and the app; {@code worker} runs until stopped.
 */
class CliTest {

    /** What a command line printed, and its exit code. */
    private record Run(int code, String out, String err) {
    }

    /** Runs one command line, capturing what it prints (picocli writes to System.out and System.err). */
    private static Run run(App app, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = app.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** An app with a JSON topic read by an agent, a counting table and a windowed one. */
    private static App app(String id, String broker) {
        App app = App.builder(id).broker(broker).build();
        Topic<String, Order> orders = app.topic(TopicOptions.builder(dev.faust4j.codec.Codecs.string(),
                dev.faust4j.codec.Codecs.json(Order.class)).names(id + "-orders").build());
        Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
        app.table("per-minute", String.class, Long.class).withDefault(() -> 0L).tumbling(Duration.ofMinutes(1));
        app.agent(orders, stream -> {
            for (KeyValue<String, Order> kv : stream.items()) {
                counts.update(kv.key(), n -> n + 1);
            }
        }).name("count-orders").concurrency(2);
        return app;
    }

    /** A value of the orders topic. */
    record Order(String id, int amount) {
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void sendWritesACheckedValueToAnExistingTopicOrAnAgentsAndRefusesTheRest(TransportFixture transport) {
        String id = Transports.uniqueId("cli-send");
        String url = transport.brokerUrl(id);
        String orders = id + "-orders";
        if (url.startsWith("memory")) {
            Run refused = run(app(id, url), "send", orders, "{\"id\":\"o1\",\"amount\":3}");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("inside this process").contains("vanish").contains(url);
            assertThat(transport.records(url, orders)).isEmpty();
            return;
        }
        Run missing = run(app(id, url), "send", orders, "{\"id\":\"o1\",\"amount\":3}");
        assertThat(missing.code()).as(missing.err()).isEqualTo(1);
        assertThat(missing.err()).contains("topic " + orders + " does not exist").contains("--create");

        Run created = run(app(id, url), "send", orders, "{\"id\":\"o1\",\"amount\":3}", "--key", "k1", "--create");
        assertThat(created.code()).as(created.err()).isZero();
        assertThat(created.out()).contains(orders + "-");

        Run notJson = run(app(id, url), "send", orders, "not json");
        assertThat(notJson.code()).isEqualTo(1);
        assertThat(notJson.err()).contains("value is not a valid json").contains(orders);

        Run toAgent = run(app(id, url), "send", "@count-orders", "{\"id\":\"o2\",\"amount\":5}", "--repeat", "2");
        assertThat(toAgent.code()).as(toAgent.err()).isZero();
        assertThat(toAgent.out().lines()).hasSize(2);

        Run noAgent = run(app(id, url), "send", "@nobody", "{}");
        assertThat(noAgent.code()).isEqualTo(1);
        assertThat(noAgent.err()).contains("no agent named nobody").contains("count-orders");

        List<ConsumedRecord> written = transport.records(url, orders);
        assertThat(written).hasSize(3);
        assertThat(new String(written.getFirst().value(), StandardCharsets.UTF_8))
                .isEqualTo("{\"id\":\"o1\",\"amount\":3}");
    }

    @Test
    void agentsTopicsAndTablesListWhatTheAppDeclares() {
        String id = Transports.uniqueId("cli-list");
        Run agents = run(app(id, "memory://" + id), "agents");
        assertThat(agents.code()).isZero();
        assertThat(agents.out().lines().toList()).hasSize(2).first().asString().contains("AGENT").contains("READS");
        assertThat(agents.out()).containsPattern("count-orders +" + id + "-orders +2");

        Run topics = run(app(id, "memory://" + id), "topics");
        assertThat(topics.out()).containsPattern(id + "-orders +- +string +json\\(.*Order\\) +no");

        Run tables = run(app(id, "memory://" + id), "tables");
        assertThat(tables.out()).containsPattern("counts +table +" + id + "-counts-changelog")
                .containsPattern("per-minute +windowed +" + id + "-per-minute-changelog");
    }

    /** A worker says at start what it runs: broker, guarantee, agents and what they read, other topics, tables. */
    @Test
    void aWorkerStartsWithABannerOfWhatItRuns() {
        assumeTrue(LogCapture.supported(), "the banner is read from slf4j-simple's output");
        String id = Transports.uniqueId("cli-banner");
        try (LogCapture logs = new LogCapture(); App app = app(id, "memory://" + id)) {
            app.topic(id + "-out", String.class);
            app.start();
            assertThat(logs.text()).contains("app " + id + " started on memory://" + id + ": at-least-once,"
                    + " 1 agent(s), 2 table(s) in memory://")
                    .contains("agent count-orders reads " + id + "-orders (concurrency 2)")
                    .contains("topics " + id + "-out")
                    .contains("table counts (table), changelog " + id + "-counts-changelog")
                    .contains("table per-minute (windowed), changelog " + id + "-per-minute-changelog");
        }
    }

    @Test
    void versionAndHelpNameFaust4jAndTheApp() {
        String id = Transports.uniqueId("cli-help");
        Run version = run(App.builder(id).build(), "--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("faust4j ").doesNotContain("unknown").contains("Java ");
        Run help = run(App.builder(id).build(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("Usage: " + id).contains("worker").contains("send").contains("agents")
                .contains("topics").contains("tables").contains("reset");
    }

    @Test
    void workerRunsAgentsUntilTheAppIsStoppedAndExitsZero() {
        String id = Transports.uniqueId("cli");
        App app = App.builder(id).broker("memory://" + id).build();
        Topic<String, String> topic = app.topic(id + "-in", String.class);
        List<String> seen = new CopyOnWriteArrayList<>();
        app.agent(topic, stream -> {
            for (String s : stream) {
                seen.add(s);
            }
        }).name("printer");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> app.run("worker"));
        topic.send("k", "hello").join();
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("hello"));
        app.stop();
        assertThat(exit.join()).isZero();
    }

    @Test
    void unknownCommandFailsWithUsage() {
        App app = App.builder(Transports.uniqueId("cli")).build();
        assertThat(app.run("bogus")).isNotZero();
        app.stop();
    }
}
