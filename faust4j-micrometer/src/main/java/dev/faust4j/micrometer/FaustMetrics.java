package dev.faust4j.micrometer;

import dev.faust4j.App;
import dev.faust4j.AppState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.Objects;

/**
 * Records what a faust4j worker does into a Micrometer {@link MeterRegistry}: Faust's sensors, exported. Bind once,
 * before {@link App#start()}; every meter then follows the app by itself.
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * App app = App.builder("payments").broker("kafka://localhost:9092").build();
 * // ... topics, agents, tables ...
 * FaustMetrics.bind(app, registry);
 * app.start();
 *
 * String text = registry.scrape(); // serve it at /metrics: faust4j_agent_events_total{agent="...",...} 42.0
 * }</pre>
 *
 * <p><b>Serving {@code /metrics}.</b> With the app's web server on ({@code App.Builder.webEnabled(true)}),
 * {@link #prometheus(App)} does it all: a Prometheus registry, bound, scraped at {@code /metrics}:
 * <pre>{@code
 * App app = App.builder("payments").webEnabled(true).build();   // or: worker --web-port 6066
 * PrometheusMeterRegistry registry = FaustMetrics.prometheus(app); // GET http://127.0.0.1:6066/metrics
 * new JvmMemoryMetrics().bindTo(registry);                          // more meters, if you like
 * }</pre>
 * It is {@link App#page} with the registry's scrape, so any other registry or format can be served the same way.
 *
 * <p><b>Meters.</b> Names are Micrometer's dotted names (a Prometheus registry shows {@code faust4j.sends} as
 * {@code faust4j_sends_total} and a timer {@code faust4j.commit.latency} as
 * {@code faust4j_commit_latency_seconds_count}, {@code _sum} and {@code _max}). Every meter has the tag {@code app}
 * (the app's id); the other tags are few and bounded by what the app declares: agents, topics, tables, and the
 * partitions this worker holds (on the lag gauge only).
 * <table>
 *   <caption>The meters of one bound app</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code faust4j.agent.events}</td><td>counter</td><td>agent, topic</td>
 *       <td>records the agent is done with (acked)</td></tr>
 *   <tr><td>{@code faust4j.agent.processing}</td><td>timer</td><td>agent, topic</td>
 *       <td>from the agent receiving a record to being done with it</td></tr>
 *   <tr><td>{@code faust4j.agent.e2e.latency}</td><td>timer</td><td>agent, topic</td>
 *       <td>end to end: the record's timestamp to the agent being done with it (wall clocks; records with no
 *       timestamp, or one in the future, are left out)</td></tr>
 *   <tr><td>{@code faust4j.agent.crashes}</td><td>counter</td><td>agent</td><td>an agent instance threw</td></tr>
 *   <tr><td>{@code faust4j.agent.restarts}</td><td>counter</td><td>agent</td>
 *       <td>an agent instance runs again after a crash</td></tr>
 *   <tr><td>{@code faust4j.messages.in}</td><td>counter</td><td>topic</td>
 *       <td>records fetched from the broker</td></tr>
 *   <tr><td>{@code faust4j.commit.latency}</td><td>timer</td><td></td><td>durable offset commits</td></tr>
 *   <tr><td>{@code faust4j.commit.failures}</td><td>counter</td><td></td>
 *       <td>failed commits (retried at the next one)</td></tr>
 *   <tr><td>{@code faust4j.sends}</td><td>counter</td><td>topic</td><td>sends started</td></tr>
 *   <tr><td>{@code faust4j.send.latency}</td><td>timer</td><td>topic</td>
 *       <td>sends completed (durable), from start to acknowledgement</td></tr>
 *   <tr><td>{@code faust4j.send.failures}</td><td>counter</td><td>topic</td><td>sends that failed for good</td></tr>
 *   <tr><td>{@code faust4j.partition.lag}</td><td>gauge</td><td>topic, partition</td>
 *       <td>records of a partition this worker holds not committed yet ({@link App#lag()}); read at most once
 *       per lag refresh interval, whatever the scrape rate; NaN while not known</td></tr>
 *   <tr><td>{@code faust4j.partitions.paused}</td><td>gauge</td><td></td>
 *       <td>partitions whose fetching is paused (full buffers, a send outage, a restore)</td></tr>
 *   <tr><td>{@code faust4j.rebalances}</td><td>counter</td><td></td><td>rebalances started</td></tr>
 *   <tr><td>{@code faust4j.rebalance.duration}</td><td>timer</td><td></td>
 *       <td>from a rebalance taking partitions away to this worker processing its new ones</td></tr>
 *   <tr><td>{@code faust4j.dead.letters}</td><td>counter</td><td>topic</td>
 *       <td>records of the topic copied to its dead-letter topic</td></tr>
 *   <tr><td>{@code faust4j.app.state}</td><td>gauge</td><td>state</td>
 *       <td>one gauge per {@link AppState}: 1 for the app's current state, 0 for the others (a "state set":
 *       {@code faust4j_app_state{state="RUNNING"} == 1} is the readiness query)</td></tr>
 *   <tr><td>{@code faust4j.table.gets}, {@code .sets}, {@code .deletes}</td><td>counter</td><td>table</td>
 *       <td>an agent read, wrote ({@code put}, {@code update}) or deleted a key</td></tr>
 *   <tr><td>{@code kafka.consumer.*}, {@code kafka.producer.*}, {@code kafka.admin.client.*}</td><td>the Kafka
 *       clients' own (Micrometer's {@code KafkaClientMetrics})</td><td>client.id, ...</td>
 *       <td>on {@code kafka://} only, when kafka-clients is present (it is with faust4j-kafka): bound for each client
 *       the transport creates, removed when it closes it</td></tr>
 * </table>
 * Counters, timers and the per-topic meters appear with the first event that concerns them. Timers publish no
 * histogram by default: turn one on with a {@code MeterFilter} on the registry (for example
 * {@code DistributionStatisticConfig.builder().percentilesHistogram(true)} for {@code faust4j.agent.e2e.latency}),
 * and add tags common to a whole service with {@code registry.config().commonTags(...)}.
 *
 * <p>The Kafka clients' own metrics (Micrometer's {@code KafkaClientMetrics}) are not bound here: this module
 * depends neither on {@code kafka-clients} nor on the {@code kafka://} transport's clients, which are not public.
 *
 * <p><b>Thread safety.</b> {@link #bind} and {@link #close()} may be called from any thread. The hooks this binding
 * adds run on the worker's threads, many at once: they only update meters, found in concurrent caches, so a record
 * costs a few map lookups and meter updates and builds no tags. The lag gauges ask the app for its lag on the
 * thread that reads them (a scrape), at most once per lag refresh interval; concurrent reads share one answer.
 */
public final class FaustMetrics implements AutoCloseable {
    /** How often the lag gauges ask the app ({@link App#lag()} asks the broker) by default: 5 seconds. */
    public static final Duration DEFAULT_LAG_REFRESH = Duration.ofSeconds(5);
    /** The content type of Prometheus' text exposition format, version 0.0.4, as {@link #prometheus} serves it. */
    public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final MetricsSensor sensor;

    private FaustMetrics(MetricsSensor sensor) {
        this.sensor = sensor;
    }

    /**
     * Binds {@code app}'s metrics to {@code registry}, with lag refreshed at most every
     * {@link #DEFAULT_LAG_REFRESH}. Same as {@link #bind(App, MeterRegistry, Duration)}.
     */
    public static FaustMetrics bind(App app, MeterRegistry registry) {
        return bind(app, registry, DEFAULT_LAG_REFRESH);
    }

    /**
     * Binds {@code app}'s metrics to {@code registry}: adds a {@link dev.faust4j.Sensor} to the app and registers
     * the gauges. Call it once per app and registry, before {@link App#start()}. The binding lives as long as the
     * app; {@link #close()} it to remove its meters from the registry earlier (an app that stops keeps its meters,
     * so the last values and the {@code STOPPED} state can still be scraped).
     *
     * @param lagRefresh the lag gauges ask the app for its lag ({@link App#lag()}, which asks the broker) at most
     *                   this often, however often they are read
     * @throws IllegalStateException    when the app was already started, or this app (by id) is already bound to
     *                                  this registry and that binding was not closed
     * @throws IllegalArgumentException when {@code lagRefresh} is negative
     */
    public static FaustMetrics bind(App app, MeterRegistry registry, Duration lagRefresh) {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(lagRefresh, "lagRefresh");
        if (lagRefresh.isNegative()) {
            throw new IllegalArgumentException("lagRefresh must not be negative, was " + lagRefresh);
        }
        String id = app.settings().id();
        if (registry.find(MetricsSensor.APP_STATE).tag(MetricsSensor.APP, id).gauge() != null) {
            throw new IllegalStateException("app " + id + " is already bound to this registry (close that binding"
                    + " first): a second binding would count everything twice");
        }
        MetricsSensor sensor = new MetricsSensor(app, registry, lagRefresh);
        app.sensor(sensor); // throws when started, before anything is registered
        sensor.registerGauges();
        return new FaustMetrics(sensor);
    }

    /**
     * Serves {@code app}'s metrics at {@code /metrics} of its web server, in Prometheus' text format: creates a
     * {@link PrometheusMeterRegistry}, adds the page ({@link App#page}, answering {@code registry.scrape()} with
     * {@link #PROMETHEUS_CONTENT_TYPE}) and {@link #bind binds} the app to it. Call it once, before
     * {@link App#start()}. The page is served while the web server runs ({@code webEnabled}, or
     * {@code worker --web-port}); without the web server, scrape the returned registry yourself.
     * <pre>{@code
     * App app = App.builder("payments").webEnabled(true).webPort(6066).build();
     * FaustMetrics.prometheus(app);
     * app.start();                  // curl http://127.0.0.1:6066/metrics
     * }</pre>
     *
     * @return the registry, to add meters of your own (JVM, HTTP client, ...) to the same scrape
     * @throws IllegalStateException    when the app was already started
     * @throws IllegalArgumentException when the app already has a {@code /metrics} page
     */
    public static PrometheusMeterRegistry prometheus(App app) {
        Objects.requireNonNull(app, "app");
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        app.page("/metrics", PROMETHEUS_CONTENT_TYPE, registry::scrape); // first: it refuses a started app
        bind(app, registry);
        return registry;
    }

    /**
     * Removes this binding's meters from the registry and stops recording (idempotent). The app keeps running;
     * its sensor then does nothing.
     */
    @Override
    public void close() {
        sensor.close();
    }
}
