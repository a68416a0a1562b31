package dev.faust4j.micrometer;

import dev.faust4j.App;
import dev.faust4j.AppState;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.Table;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.RequiredSearch;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** {@link FaustMetrics} on the memory transport: each meter against what the app really did. */
class FaustMetricsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aBoundAppCountsItsRecordsSendsAndCommitsAndReportsLagAndState() {
        String id = uniqueId("metrics");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        List<String> seen = new CopyOnWriteArrayList<>();
        App app = builder(id).build();
        Topic<String, String> in = topic(app, id + "-in", 2);
        Topic<String, String> out = topic(app, id + "-out", 1);
        app.agent(in, stream -> {
            for (String v : stream) {
                out.send("k", v).join();
                seen.add(v);
            }
        }).name("copy");
        FaustMetrics.bind(app, registry, Duration.ZERO);
        assertThat(state(registry, id, AppState.CREATED)).isEqualTo(1);
        try (app) {
            app.start();
            await().alias("the worker runs").atMost(TIMEOUT).until(() -> app.state() == AppState.RUNNING);
            assertThat(state(registry, id, AppState.RUNNING)).isEqualTo(1);
            assertThat(state(registry, id, AppState.CREATED)).isZero();
            for (int i = 0; i < 10; i++) {
                in.send("k" + i, "v" + i).join();
            }
            await().alias("all processed").atMost(TIMEOUT).until(() -> seen.size() == 10);
            await().alias("every record reported out of the agent").atMost(TIMEOUT)
                    .until(() -> counter(registry, MetricsSensor.AGENT_EVENTS, id, "agent", "copy", "topic",
                            id + "-in") == 10);
            RequiredSearch copyIn = meter(registry, MetricsSensor.AGENT_PROCESSING, id, "agent", "copy", "topic",
                    id + "-in");
            assertThat(copyIn.timer().count()).isEqualTo(10);
            assertThat(meter(registry, MetricsSensor.AGENT_E2E, id, "agent", "copy", "topic", id + "-in").timer()
                    .count()).isEqualTo(10);
            assertThat(counter(registry, MetricsSensor.MESSAGES_IN, id, "topic", id + "-in")).isEqualTo(10);
            assertThat(counter(registry, MetricsSensor.SENDS, id, "topic", id + "-in")).isEqualTo(10);
            assertThat(counter(registry, MetricsSensor.SENDS, id, "topic", id + "-out")).isEqualTo(10);
            await().alias("the sends to out acknowledged").atMost(TIMEOUT).until(() -> meter(registry,
                    MetricsSensor.SEND_LATENCY, id, "topic", id + "-out").timer().count() == 10);
            assertThat(counter(registry, MetricsSensor.SEND_FAILURES, id, "topic", id + "-out")).isZero();
            await().alias("the lag of both partitions down to 0").atMost(TIMEOUT)
                    .until(() -> lag(registry, id, id + "-in", 0) == 0 && lag(registry, id, id + "-in", 1) == 0);
            assertThat(meter(registry, MetricsSensor.COMMIT_LATENCY, id).timer().count()).isPositive();
            assertThat(counter(registry, MetricsSensor.COMMIT_FAILURES, id)).isZero();
            assertThat(counter(registry, MetricsSensor.REBALANCES, id)).isGreaterThanOrEqualTo(1);
            assertThat(meter(registry, MetricsSensor.REBALANCE_DURATION, id).timer().count())
                    .isGreaterThanOrEqualTo(1);
            assertThat(meter(registry, MetricsSensor.PARTITIONS_PAUSED, id).gauge().value()).isZero();
            assertThat(registry.find(MetricsSensor.PARTITION_LAG).gauges()).hasSize(2); // only the held ones
        }
        assertThat(state(registry, id, AppState.STOPPED)).isEqualTo(1);
        assertThat(state(registry, id, AppState.RUNNING)).isZero();
        assertThat(registry.find(MetricsSensor.PARTITION_LAG).gauges()).isEmpty(); // nothing held any more
        assertThat(counter(registry, MetricsSensor.AGENT_EVENTS, id, "agent", "copy", "topic", id + "-in"))
                .isEqualTo(10); // the rest stays, to be scraped
    }

    @Test
    void crashesRestartsDeadLettersAndTableOperationsAreCounted() {
        String id = uniqueId("crash");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicInteger attempts = new AtomicInteger();
        List<String> done = new CopyOnWriteArrayList<>();
        try (App app = builder(id).agentRestartBackoff(Duration.ofMillis(1)).build()) {
            Topic<String, String> in = topic(app, id + "-in", 1);
            Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
            app.agent(in, stream -> {
                for (String v : stream.groupBy(it -> "k", "key")) {
                    if (v.equals("v1") && attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("boom once");
                    }
                    counts.update("k", n -> n + 1);
                    counts.get("k");
                    if (v.equals("v3")) {
                        counts.delete("k");
                    }
                    done.add(v);
                }
            }).name("count").onError(ErrorPolicy.deadLetter(id + "-dlq"));
            FaustMetrics.bind(app, registry);
            app.start();
            for (int i = 0; i < 4; i++) {
                in.send("k", "v" + i).join();
            }
            await().alias("the three records that did not fail processed").atMost(TIMEOUT)
                    .until(() -> done.equals(List.of("v0", "v2", "v3")));
            await().alias("the crashed agent restarted").atMost(TIMEOUT)
                    .until(() -> counter(registry, MetricsSensor.AGENT_RESTARTS, id, "agent", "count") == 1);
            assertThat(counter(registry, MetricsSensor.AGENT_CRASHES, id, "agent", "count")).isEqualTo(1);
            await().alias("the failed record dead-lettered").atMost(TIMEOUT)
                    .until(() -> registry.find(MetricsSensor.DEAD_LETTERS).counters().stream()
                            .mapToDouble(c -> c.count()).sum() == 1);
            assertThat(counter(registry, MetricsSensor.TABLE_SETS, id, "table", "counts")).isEqualTo(3);
            assertThat(counter(registry, MetricsSensor.TABLE_GETS, id, "table", "counts")).isEqualTo(3);
            assertThat(counter(registry, MetricsSensor.TABLE_DELETES, id, "table", "counts")).isEqualTo(1);
        }
    }

    @Test
    void aPrometheusScrapeShowsTheMetrics() {
        String id = uniqueId("prom");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(id).build()) {
            Topic<String, String> in = topic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (String v : stream) {
                    seen.add(v);
                }
            }).name("print");
            FaustMetrics.bind(app, registry, Duration.ZERO);
            app.start();
            for (int i = 0; i < 3; i++) {
                in.send("k", "v" + i).join();
            }
            await().alias("processed and its lag known").atMost(TIMEOUT).until(() -> seen.size() == 3
                    && registry.scrape().contains("faust4j_partition_lag{app=\"" + id + "\",partition=\"0\",topic=\""
                            + id + "-in\"} 0.0"));
            String text = registry.scrape();
            assertThat(text).contains("faust4j_agent_events_total{agent=\"print\",app=\"" + id + "\",topic=\"" + id
                    + "-in\"} 3.0", "faust4j_agent_processing_seconds_count{", "faust4j_agent_e2e_latency_seconds_sum{",
                    "faust4j_messages_in_total{", "faust4j_sends_total{", "faust4j_send_latency_seconds_count{",
                    "faust4j_commit_latency_seconds_count{", "faust4j_rebalances_total{",
                    "faust4j_partitions_paused{", "faust4j_app_state{app=\"" + id + "\",state=\"RUNNING\"} 1.0",
                    "faust4j_app_state{app=\"" + id + "\",state=\"STOPPED\"} 0.0");
        }
    }

    @Test
    void prometheusServesTheScrapeAtMetricsOfTheWebServer() throws IOException {
        String id = uniqueId("web-metrics");
        List<String> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(id).webEnabled(true).webPort(0).build()) {
            Topic<String, String> in = topic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (String v : stream) {
                    seen.add(v);
                }
            }).name("print");
            PrometheusMeterRegistry registry = FaustMetrics.prometheus(app);
            assertThatThrownBy(() -> FaustMetrics.prometheus(app)).as("one /metrics page")
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/metrics");
            app.start();
            for (int i = 0; i < 3; i++) {
                in.send("k", "v" + i).join();
            }
            await().alias("processed").atMost(TIMEOUT).until(() -> seen.size() == 3);
            String events = "faust4j_agent_events_total{agent=\"print\",app=\"" + id + "\",topic=\"" + id
                    + "-in\"} 3.0";
            await().alias("the registry counted the 3 records").atMost(TIMEOUT)
                    .until(() -> registry.scrape().contains(events));
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + app.webPort().orElseThrow()
                    + "/metrics").toURL().openConnection(Proxy.NO_PROXY);
            try {
                assertThat(c.getResponseCode()).isEqualTo(200);
                assertThat(c.getContentType()).isEqualTo(FaustMetrics.PROMETHEUS_CONTENT_TYPE);
                String text = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                assertThat(text).contains(events, "# TYPE faust4j_agent_events_total counter",
                        "faust4j_app_state{app=\"" + id + "\",state=\"RUNNING\"} 1.0");
            } finally {
                c.disconnect();
            }
        }
    }

    @Test
    void aBindingIsMadeOnceBeforeStartAndCloseRemovesItsMeters() {
        String id = uniqueId("bind");
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (App app = builder(id).build()) {
            topic(app, id + "-in", 1);
            FaustMetrics metrics = FaustMetrics.bind(app, registry);
            assertThatThrownBy(() -> FaustMetrics.bind(app, registry)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already bound");
            assertThat(registry.getMeters()).isNotEmpty();
            metrics.close();
            metrics.close(); // idempotent
            assertThat(registry.getMeters()).isEmpty();
            app.start();
            assertThatThrownBy(() -> FaustMetrics.bind(app, registry)).isInstanceOf(IllegalStateException.class);
            assertThat(registry.getMeters()).isEmpty();
        }
        assertThatThrownBy(() -> FaustMetrics.bind(builder("x").build(), registry, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---- helpers ----

    private static String uniqueId(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static App.Builder builder(String id) {
        return App.builder(id).broker("memory://" + id).commitInterval(Duration.ofMillis(50));
    }

    private static Topic<String, String> topic(App app, String name, int partitions) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.string()).names(name).partitions(partitions)
                .build());
    }

    private static RequiredSearch meter(MeterRegistry registry, String name, String app, String... tags) {
        return registry.get(name).tag("app", app).tags(tags);
    }

    private static double counter(MeterRegistry registry, String name, String app, String... tags) {
        var c = registry.find(name).tag("app", app).tags(tags).counter();
        return c == null ? 0 : c.count();
    }

    private static double state(MeterRegistry registry, String app, AppState state) {
        return meter(registry, MetricsSensor.APP_STATE, app, "state", state.name()).gauge().value();
    }

    private static double lag(MeterRegistry registry, String app, String topic, int partition) {
        Gauge g = registry.find(MetricsSensor.PARTITION_LAG).tag("app", app).tag("topic", topic)
                .tag("partition", Integer.toString(partition)).gauge();
        return g == null ? Double.NaN : g.value();
    }
}
