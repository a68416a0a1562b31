package dev.faust4j;

import dev.faust4j.codec.FaustRecord;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

/**
 * The app's command line (issue 11): {@code send} writes a checked record to an existing topic or an agent's, and
 * refuses what would be lost or wrong; {@code agents}, {@code topics}, {@code tables}, {@code models} and
 * {@code model} list what the app declares; {@code --version} and {@code --help} name faust4j and the app;
 * {@code worker} runs until stopped, on another broker with {@code --broker}, at a log level with {@code -l};
 * {@code reset} deletes the local table state; the app's own commands run with their arguments.
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
        // records() lists partition by partition, and the keyless o2 may land before k1's partition
        ConsumedRecord k1 = written.stream()
                .filter(r -> r.key() != null && new String(r.key(), StandardCharsets.UTF_8).equals("k1"))
                .findFirst().orElseThrow();
        assertThat(new String(k1.value(), StandardCharsets.UTF_8)).isEqualTo("{\"id\":\"o1\",\"amount\":3}");
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
                .contains("topics").contains("tables").contains("models").contains("model").contains("reset");
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

    /** A line of a basket. */
    record Line(String sku, int quantity) {
    }

    /** A model with a Faust namespace, holding other models in a list and a map. */
    @FaustRecord(namespace = "shop.models.Basket")
    record Basket(String id, List<Line> lines, Map<String, Line> bySku) {
    }

    /** The value of a channel. */
    record Ping(long at) {
    }

    /** The value of a table. */
    record Total(long cents) {
    }

    @Test
    void modelsListTheRecordTypesOfTopicsChannelsAndTablesAndModelPrintsTheFields() {
        String id = Transports.uniqueId("cli-models");
        java.util.function.Supplier<App> shop = () -> {
            App app = App.builder(id).broker("memory://" + id).build();
            app.topic(id + "-baskets", Basket.class);
            app.channel(Ping.class);
            app.table("totals", String.class, Total.class);
            return app;
        };
        Run models = run(shop.get(), "models");
        assertThat(models.code()).as(models.err()).isZero();
        List<String> lines = models.out().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.getFirst()).containsPattern("MODEL +JAVA CLASS +USED BY");
        assertThat(lines.get(1))
                .containsPattern("Line +dev\\.faust4j\\.CliTest\\.Line +Basket\\.lines, Basket\\.bySku");
        assertThat(lines.get(2)).containsPattern("Ping +dev\\.faust4j\\.CliTest\\.Ping +channel \\(value\\)");
        assertThat(lines.get(3)).containsPattern("Total +dev\\.faust4j\\.CliTest\\.Total +table totals \\(value\\)");
        assertThat(lines.get(4)).containsPattern(
                "shop\\.models\\.Basket +dev\\.faust4j\\.CliTest\\.Basket +topic " + id + "-baskets \\(value\\)");

        Run basket = run(shop.get(), "model", "shop.models.Basket");
        assertThat(basket.code()).as(basket.err()).isZero();
        assertThat(basket.out().lines().toList()).hasSize(4);
        assertThat(basket.out()).containsPattern("FIELD +TYPE").containsPattern("id +String")
                .containsPattern("lines +List<Line>").containsPattern("bySku +Map<String, Line>");
        Run byClass = run(shop.get(), "model", "dev.faust4j.CliTest.Line");
        assertThat(byClass.out()).containsPattern("sku +String").containsPattern("quantity +int");

        Run unknown = run(shop.get(), "model", "Nope");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no model named Nope")
                .contains("(the app's models: Line, Ping, Total, shop.models.Basket)");
        Run none = run(App.builder(id).broker("memory://" + id).build(), "model", "Nope");
        assertThat(none.err()).contains("no model named Nope (the app's models: none)");
    }

    /** A worker whose task sends one record and stops it: {@code worker} returns once the record is durable. */
    private static App sendsOnceAndStops(String id, String broker, String topicName) {
        App app = App.builder(id).broker(broker).build();
        Topic<String, String> topic = app.topic(topicName, String.class);
        app.task(() -> {
            topic.send("k", "hello").join();
            app.stop();
        });
        return app;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void workerBrokerRunsTheAppOnAnotherBroker(TransportFixture transport) {
        String id = Transports.uniqueId("cli-broker");
        String url = transport.brokerUrl(id);
        String built = "memory://" + id + "-built";
        String topic = id + "-greetings";
        App app = sendsOnceAndStops(id, built, topic);
        Run worker = run(app, "worker", "--broker", url);
        assertThat(worker.code()).as(worker.err()).isZero();
        assertThat(app.settings().broker()).isEqualTo(url);
        assertThat(transport.records(url, topic)).hasSize(1);
        assertThat(new String(transport.records(url, topic).getFirst().value(), StandardCharsets.UTF_8))
                .isEqualTo("hello");
        if (url.startsWith("memory")) {
            assertThat(transport.records(built, topic)).as("nothing on the app's own broker").isEmpty();
        }
    }

    @Test
    void workerBrokerIsRefusedOnceTheAppIsConnectedOrWhenItIsNoBrokerUrl() {
        String id = Transports.uniqueId("cli-broker-refused");
        App sent = App.builder(id).broker("memory://" + id).build();
        sent.topic(id + "-t", String.class).send("k", "v").join(); // the transport exists now
        Run connected = run(sent, "worker", "--broker", "memory://" + id + "-other");
        assertThat(connected.code()).isEqualTo(1);
        assertThat(connected.err()).contains("worker: --broker memory://" + id + "-other")
                .contains("already connected to memory://" + id);
        sent.stop();

        App started = App.builder(id + "-2").broker("memory://" + id).build();
        started.start();
        Run running = run(started, "worker", "--broker", "memory://" + id + "-other");
        assertThat(running.code()).isEqualTo(1);
        assertThat(running.err()).contains("cannot change its broker").contains("running");
        started.stop();

        Run invalid = run(App.builder(id + "-3").build(), "worker", "--broker", "localhost:9092");
        assertThat(invalid.code()).isEqualTo(2);
        assertThat(invalid.err()).contains("--broker localhost:9092").contains("broker");
    }

    @Test
    void workerLoglevelSetsTheLevelOfFaust4jLoggersMadeFromNowOnAndSaysWhatItCannotReach() {
        assumeTrue(LogCapture.supported(), "the level is set for slf4j-simple");
        String id = Transports.uniqueId("cli-loglevel");
        Run bogus = run(App.builder(id).build(), "worker", "-l", "loud");
        assertThat(bogus.code()).isEqualTo(2);
        assertThat(bogus.err()).contains("--loglevel").contains("loud").contains("DEBUG");

        org.slf4j.Logger appLogger = org.slf4j.LoggerFactory.getLogger("dev.faust4j.internal.app.AppRuntime");
        String current = appLogger.isDebugEnabled() ? "debug" : appLogger.isInfoEnabled() ? "info" : "warn";
        Run same = run(sendsOnceAndStops(id, "memory://" + id, id + "-t"), "worker", "--loglevel", current);
        assertThat(same.code()).as(same.err()).isZero();
        assertThat(same.err()).as("nothing to change").doesNotContain("--loglevel");

        String before = System.getProperty("org.slf4j.simpleLogger.log.dev.faust4j");
        String level = current.equals("debug") ? "trace" : "debug";
        try {
            Run debug = run(sendsOnceAndStops(id + "-2", "memory://" + id, id + "-t"), "worker", "-l",
                    level.toUpperCase(java.util.Locale.ROOT));
            assertThat(debug.code()).as(debug.err()).isZero();
            assertThat(debug.err()).contains("--loglevel " + level + " applies to the faust4j loggers made from now on")
                    .contains("-Dorg.slf4j.simpleLogger.log.dev.faust4j=" + level);
            assertThat(org.slf4j.LoggerFactory.getLogger("dev.faust4j.probe." + id)
                    .isEnabledForLevel(org.slf4j.event.Level.valueOf(level.toUpperCase(java.util.Locale.ROOT))))
                    .as("a faust4j logger made now").isTrue();
            assertThat(org.slf4j.LoggerFactory.getLogger("probe." + id).isDebugEnabled()).as("another logger")
                    .isFalse();
        } finally {
            if (before == null) {
                System.clearProperty("org.slf4j.simpleLogger.log.dev.faust4j");
            } else {
                System.setProperty("org.slf4j.simpleLogger.log.dev.faust4j", before);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void anAppsOwnCommandsRunWithTheirArgumentsAndAreListedInHelp(TransportFixture transport) {
        String id = Transports.uniqueId("cli-own");
        String url = transport.brokerUrl(id);
        String topicName = id + "-in";
        List<String> seen = new CopyOnWriteArrayList<>();
        java.util.function.Supplier<App> build = () -> {
            App app = App.builder(id).broker(url).build();
            Topic<String, String> topic = app.topic(topicName, String.class);
            app.agent(topic, stream -> {
                for (String s : stream) {
                    seen.add(s);
                }
            }).name("collect");
            app.command("hello", "Says hello to its arguments", args -> {
                System.out.println("hello " + String.join(" ", args));
                return args.size();
            });
            app.command("produce", "Sends N greetings", args -> {
                for (int i = 0; i < Integer.parseInt(args.getFirst()); i++) {
                    topic.send("k", "greeting-" + i).join();
                }
                return 0;
            });
            app.command("process", "Starts the app and waits for the agent", args -> {
                app.start();
                topic.send("k", "processed").join();
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("processed"));
                return 0;
            });
            app.command("fail", "Throws", args -> {
                throw new IllegalStateException("boom");
            });
            return app;
        };
        Run help = run(build.get(), "--help");
        assertThat(help.out()).containsPattern("hello +Says hello to its arguments")
                .containsPattern("produce +Sends N greetings");

        Run hello = run(build.get(), "hello", "a", "--b", "-c");
        assertThat(hello.code()).as(hello.err()).isEqualTo(3);
        assertThat(hello.out()).isEqualTo("hello a --b -c" + System.lineSeparator());

        Run produce = run(build.get(), "produce", "2");
        assertThat(produce.code()).as(produce.err()).isZero();
        assertThat(transport.records(url, topicName)).hasSize(2);

        App processing = build.get();
        Run process = run(processing, "process");
        assertThat(process.code()).as(process.err()).isZero();
        assertThat(seen).contains("processed");
        assertThat(CompletableFuture.supplyAsync(() -> {
            try {
                return processing.awaitTermination();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        })).as("stopped when the command returned").succeedsWithin(Duration.ofSeconds(5)).isEqualTo(0);

        Run fail = run(build.get(), "fail");
        assertThat(fail.code()).isEqualTo(1);
        assertThat(fail.err()).contains("fail: failed: java.lang.IllegalStateException: boom");
    }

    @Test
    void commandNamesAreOneFreeWordAndCommandsAreAddedBeforeStart() {
        App app = App.builder(Transports.uniqueId("cli-names")).build();
        App.Command ok = args -> 0;
        app.command("hello", "Says hello", ok);
        assertThatThrownBy(() -> app.command(" ", "d", ok)).hasMessage("command name must not be blank");
        assertThatThrownBy(() -> app.command("two words", "d", ok))
                .hasMessageContaining("'two words' must be one word");
        assertThatThrownBy(() -> app.command("-x", "d", ok)).hasMessageContaining("'-x' must be one word");
        assertThatThrownBy(() -> app.command("worker", "d", ok)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("worker is a built-in command").hasMessageContaining("models");
        assertThatThrownBy(() -> app.command("hello", "again", ok))
                .hasMessageContaining("a command named hello exists");
        assertThatThrownBy(() -> app.command("bye", " ", ok)).hasMessageContaining("description of command bye");
        assertThatThrownBy(() -> app.command("bye", "d", null)).isInstanceOf(NullPointerException.class)
                .hasMessage("command");
        app.start();
        try {
            assertThatThrownBy(() -> app.command("late", "d", ok)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("cannot add command late");
        } finally {
            app.stop();
        }
    }

    @Test
    void resetDeletesTheLocalTableStateOfAnAppThatDoesNotRun(@TempDir Path dataDir) throws Exception {
        String id = Transports.uniqueId("cli-reset");
        Path store = Files.createDirectories(dataDir.resolve("tables").resolve("counts").resolve("0"));
        Files.writeString(store.resolve("CURRENT"), "x");
        App running = App.builder(id).dataDir(dataDir).build();
        running.start();
        try {
            Run refused = run(running, "reset");
            assertThat(refused.code()).isEqualTo(1);
            assertThat(refused.err()).contains("reset: app " + id).contains("started");
            assertThat(store).isDirectory();
        } finally {
            running.stop();
        }
        Run reset = run(App.builder(id).dataDir(dataDir).build(), "reset");
        assertThat(reset.code()).as(reset.err()).isZero();
        assertThat(reset.out()).contains("deleted the local table state in " + dataDir.resolve("tables"));
        assertThat(dataDir.resolve("tables")).doesNotExist();
        Run again = run(App.builder(id).dataDir(dataDir).build(), "reset");
        assertThat(again.code()).isZero();
        assertThat(again.out()).contains("no local table state in " + dataDir.resolve("tables"));
    }
}
