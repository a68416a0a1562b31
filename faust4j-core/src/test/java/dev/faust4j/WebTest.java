package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker's web server ({@code webEnabled}) on the memory transport, over real HTTP on 127.0.0.1: the health
 * codes across the app's states, {@code /api/status} against what the app did, the refusals, and the status page as
 * a real browser (headless Chromium) shows it.
 */
class WebTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    record Response(int code, String body, Map<String, List<String>> headers) {
    }

    private static Response get(int port, String path) {
        return call(port, path, "GET");
    }

    /** One request with the JDK's HttpURLConnection (java.base: the tests compile inside the module). */
    private static Response call(int port, String path, String method) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL()
                    .openConnection(Proxy.NO_PROXY);
            c.setRequestMethod(method);
            c.setConnectTimeout((int) TIMEOUT.toMillis());
            c.setReadTimeout((int) TIMEOUT.toMillis());
            try {
                int code = c.getResponseCode();
                InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream();
                String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                c.getHeaderFields().forEach((k, v) -> {
                    if (k != null) {
                        headers.put(k, v);
                    }
                });
                return new Response(code, body, headers);
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(Response r) {
        return JSON.readTree(r.body());
    }

    /** An app with two partitions read by agent "count", a table, and the web server on any free port. */
    private record Fixture(App app, Topic<String, String> in, List<String> seen, String id) {
        static Fixture create(String name, Sensor... sensors) {
            String id = Transports.uniqueId(name);
            App app = App.builder(id).broker("memory://" + id).commitInterval(Duration.ofMillis(50))
                    .webEnabled(true).webPort(0).build();
            Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                    .names(id + "-in").partitions(2).build());
            app.table("totals", String.class, Long.class);
            List<String> seen = new CopyOnWriteArrayList<>();
            app.agent(in, stream -> {
                for (String v : stream) {
                    seen.add(v);
                }
            }).name("count");
            for (Sensor s : sensors) {
                app.sensor(s);
            }
            return new Fixture(app, in, seen, id);
        }

        void sendAndAwait(int n) {
            for (int i = 0; i < n; i++) {
                in.send("k" + i, "v" + i).join();
            }
            await().alias("the agent has the " + n + " records").atMost(TIMEOUT).until(() -> seen.size() == n);
        }
    }

    @Test
    void theWebServerIsOffByDefault() {
        Settings defaults = App.builder("web-defaults").build().settings();
        assertThat(defaults.webEnabled()).isFalse();
        assertThat(defaults.webPort()).as("Faust's port").isEqualTo(6066);
        assertThat(defaults.webBind()).isEqualTo("127.0.0.1");
        String id = Transports.uniqueId("web-off");
        try (LogCapture logs = new LogCapture();
             App app = App.builder(id).broker("memory://" + id).build()) {
            app.page("/hello", "text/plain", () -> "hello"); // a page alone does not turn the server on
            app.start();
            await().alias("the worker runs").atMost(TIMEOUT).until(() -> app.state() == AppState.RUNNING);
            assertThat(app.webPort()).as("no server, no port bound").isEmpty();
            if (LogCapture.supported()) {
                assertThat(logs.text()).contains("app " + id + " started").doesNotContain("  web http");
            }
        }
    }

    @Test
    void healthAnswersByStateAndStatusShowsWhatTheWorkerDid() {
        Map<AppState, List<Integer>> probed = new ConcurrentHashMap<>();
        AtomicReference<App> self = new AtomicReference<>();
        Sensor prober = new Sensor() {
            @Override
            public void onStateChange(AppState previous, AppState current) {
                // Told of the change before the server closes (stopped) and while it already answers (started):
                // asks both probes in each state reached with the server up, once.
                App app = self.get();
                if (app != null && app.webPort().isPresent() && current != AppState.RUNNING
                        && !probed.containsKey(current)) {
                    int port = app.webPort().getAsInt();
                    probed.put(current, List.of(get(port, "/health/live").code(), get(port, "/health/ready").code()));
                }
            }
        };
        Fixture f = Fixture.create("web-status", prober);
        App app = f.app();
        self.set(app);
        app.page("/hello", "text/plain; charset=utf-8", () -> "hello");
        int port;
        try (LogCapture logs = new LogCapture()) {
            app.start();
            port = app.webPort().orElseThrow();
            assertThat(port).isPositive();
            if (LogCapture.supported()) {
                assertThat(logs.text()).as("the banner gives the address")
                        .contains("  web http://127.0.0.1:" + port + "/");
            }
            await().alias("the worker runs").atMost(TIMEOUT).until(() -> app.state() == AppState.RUNNING);
            assertThat(probed).as("a state before RUNNING was probed (the consumer group joining)").isNotEmpty();
            probed.forEach((state, codes) -> assertThat(codes).as("live and ready while " + state)
                    .containsExactly(200, 503));

            Response live = get(port, "/health/live");
            assertThat(live.code()).isEqualTo(200);
            assertThat(json(live)).isEqualTo(JSON.readTree("{\"status\":\"UP\",\"state\":\"RUNNING\"}"));
            assertThat(live.headers().get("Content-Type")).containsExactly("application/json");
            Response ready = get(port, "/health/ready");
            assertThat(ready.code()).isEqualTo(200);
            assertThat(json(ready).get("status").asString()).isEqualTo("UP");

            f.sendAndAwait(10);
            await().alias("the status counts the 10 records and the lag of both partitions is 0").atMost(TIMEOUT)
                    .until(() -> {
                        JsonNode s = json(get(port, "/api/status"));
                        return s.get("agents").get(0).get("events").asLong() == 10
                                && s.get("partitions").size() == 2
                                && s.get("partitions").get(0).get("lag").isNumber()
                                && s.get("partitions").get(0).get("lag").asLong() == 0
                                && s.get("partitions").get(1).get("lag").isNumber()
                                && s.get("partitions").get(1).get("lag").asLong() == 0;
                    });
            JsonNode status = json(get(port, "/api/status"));
            assertThat(status.get("app").asString()).isEqualTo(f.id());
            assertThat(status.get("state").asString()).isEqualTo("RUNNING");
            assertThat(status.get("broker").asString()).isEqualTo("memory://" + f.id());
            assertThat(status.get("time").asString()).isNotBlank();
            JsonNode agent = status.get("agents").get(0);
            assertThat(status.get("agents").size()).isEqualTo(1);
            assertThat(agent.get("name").asString()).isEqualTo("count");
            assertThat(agent.get("reads").asString()).isEqualTo(f.id() + "-in");
            assertThat(agent.get("concurrency").asInt()).isEqualTo(1);
            assertThat(agent.get("state").asString()).isEqualTo("RUNNING");
            assertThat(agent.get("events").asLong()).isEqualTo(10);
            assertThat(agent.get("rate").isNumber()).isTrue();
            JsonNode p0 = status.get("partitions").get(0);
            assertThat(p0.get("topic").asString()).isEqualTo(f.id() + "-in");
            assertThat(p0.get("partition").asInt()).isZero();
            assertThat(p0.get("paused").asBoolean()).isFalse();
            JsonNode table = status.get("tables").get(0);
            assertThat(table.get("name").asString()).isEqualTo("totals");
            assertThat(table.get("kind").asString()).isEqualTo("table");
            assertThat(table.get("changelog").asString()).isEqualTo(f.id() + "-totals-changelog");

            Response post = call(port, "/health/live", "POST");
            assertThat(post.code()).isEqualTo(405);
            assertThat(post.headers().get("Allow")).containsExactly("GET, HEAD");
            Response head = call(port, "/health/ready", "HEAD"); // what some probes send
            assertThat(head.code()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(call(port, "/api/status", "DELETE").code()).isEqualTo(405);
            Response unknown = get(port, "/nope");
            assertThat(unknown.code()).isEqualTo(404);
            assertThat(unknown.body()).doesNotContain("nope").contains("/health/ready").contains("/hello");
            Response metrics = get(port, "/metrics");
            assertThat(metrics.code()).isEqualTo(404);
            assertThat(metrics.body()).contains("faust4j-micrometer").contains("FaustMetrics.prometheus(app)");
            Response hello = get(port, "/hello?x=1");
            assertThat(hello.code()).isEqualTo(200);
            assertThat(hello.body()).isEqualTo("hello");
            assertThat(hello.headers().get("Content-Type")).containsExactly("text/plain; charset=utf-8");
            Response page = get(port, "/");
            assertThat(page.code()).isEqualTo(200);
            assertThat(page.headers().get("Content-Type")).containsExactly("text/html; charset=utf-8");
            assertThat(page.headers().get("Content-Security-Policy").getFirst()).contains("default-src 'none'")
                    .contains("connect-src 'self'");
            assertThat(page.body()).contains("api/status").doesNotContain("innerHTML").doesNotContain("http://")
                    .doesNotContain("https://");
            assertThatThrownBy(() -> app.page("/late", "text/plain", () -> "x"))
                    .isInstanceOf(IllegalStateException.class);
        } finally {
            app.stop();
        }
        assertThat(probed.get(AppState.STOPPED)).as("live and ready once stopped, before the port closes")
                .containsExactly(503, 503);
        assertThat(app.webPort()).as("the server stopped with the worker").isEmpty();
        assertThatThrownBy(() -> get(port, "/health/live")).hasCauseInstanceOf(ConnectException.class);
    }

    @Test
    void aPortTakenFailsTheStartNamingIt() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String id = Transports.uniqueId("web-taken");
            App app = App.builder(id).broker("memory://" + id).webEnabled(true).webPort(taken.getLocalPort())
                    .build();
            assertThatThrownBy(app::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("127.0.0.1:" + taken.getLocalPort()).hasMessageContaining("webPort");
            assertThat(app.state()).isEqualTo(AppState.FAILED);
            assertThat(app.webPort()).isEmpty();
            app.close();
        }
    }

    @Test
    void pagesAndWebSettingsAreChecked() {
        App app = App.builder("web-pages").build();
        for (String bad : List.of("", "metrics", "/a b", "/a/../b", "/<script>", "/x?y")) {
            assertThatThrownBy(() -> app.page(bad, "text/plain", () -> "")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page path");
        }
        for (String own : List.of("/", "/health/live", "/health/ready", "/api/status")) {
            assertThatThrownBy(() -> app.page(own, "text/plain", () -> "")).hasMessageContaining("own");
        }
        app.page("/metrics", "text/plain", () -> "");
        assertThatThrownBy(() -> app.page("/metrics", "text/plain", () -> "")).hasMessageContaining("added already");
        assertThatThrownBy(() -> app.page("/x", " ", () -> "")).hasMessageContaining("content type");
        assertThatThrownBy(() -> App.builder("w").webPort(65536)).hasMessageContaining("webPort");
        assertThatThrownBy(() -> App.builder("w").webPort(-1)).hasMessageContaining("webPort");
        assertThatThrownBy(() -> App.builder("w").webBind("not an address")).hasMessageContaining("webBind");
        assertThat(App.builder("w").build().settings().withWeb(0, "localhost").webEnabled()).isTrue();
        app.close();
    }

    @Test
    void workerWebOptionsAreValidatedAndRefusedOnceStarted() {
        String id = Transports.uniqueId("web-cli");
        try (App app = App.builder(id).broker("memory://" + id).build()) {
            assertThat(app.run("worker", "--web-port", "70000")).as("a port out of range").isEqualTo(2);
            assertThat(app.run("worker", "--web-bind", "a b")).as("not an address").isEqualTo(2);
            assertThat(app.state()).isEqualTo(AppState.CREATED);
            app.start();
            assertThat(app.run("worker", "--web-port", "0")).as("refused once started").isEqualTo(1);
            assertThat(app.webPort()).isEmpty();
        }
    }

    @Test
    void theStatusPageShowsTheWorkerInARealBrowser() throws Exception {
        assumeThat(Files.isExecutable(CHROMIUM)).as("headless Chromium at " + CHROMIUM
                + " (Debian package chromium; .ci/run installs it) is needed to test the status page in a browser")
                .isTrue();
        Fixture f = Fixture.create("web-browser");
        try (App app = f.app()) {
            app.start();
            await().alias("the worker runs").atMost(TIMEOUT).until(() -> app.state() == AppState.RUNNING);
            int port = app.webPort().orElseThrow();
            f.sendAndAwait(5);
            await().alias("the lag of both partitions is 0").atMost(TIMEOUT).until(() -> {
                JsonNode p = json(get(port, "/api/status")).get("partitions");
                return p.size() == 2 && p.get(0).get("lag").isNumber() && p.get(0).get("lag").asLong() == 0
                        && p.get(1).get("lag").isNumber() && p.get(1).get("lag").asLong() == 0;
            });
            Path profile = Files.createTempDirectory("faust4j-chromium");
            Path errors = Files.createTempFile("faust4j-chromium", ".log");
            Process chromium = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions",
                    "--user-data-dir=" + profile, "--virtual-time-budget=5000", "--dump-dom",
                    "http://127.0.0.1:" + port + "/")
                    .redirectError(errors.toFile()).start();
            chromium.getOutputStream().close();
            String dom = new String(chromium.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(chromium.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("chromium exits").isTrue();
            assertThat(chromium.exitValue()).as("chromium's exit code; its log: " + Files.readString(errors))
                    .isZero();
            String topic = f.id() + "-in";
            assertThat(dom).as("the page after its script ran")
                    .contains("<span id=\"app\">" + f.id() + "</span>")
                    .contains("<span id=\"state\" class=\"badge RUNNING\">RUNNING</span>")
                    .contains("<td>count</td><td>" + topic + "</td><td class=\"num\">1</td>")
                    .contains("<td class=\"num\">5</td>") // the agent's records
                    .contains("<td>" + topic + "</td><td class=\"num\">0</td><td class=\"num\">0</td>")
                    .contains("<td>" + topic + "</td><td class=\"num\">1</td><td class=\"num\">0</td>")
                    .contains("<td>totals</td><td>table</td><td>" + f.id() + "-totals-changelog</td>")
                    .contains("<p id=\"error\" role=\"alert\" style=\"display: none;\"></p>"); // polls answered
        }
    }
}
