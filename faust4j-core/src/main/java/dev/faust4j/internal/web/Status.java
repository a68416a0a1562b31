package dev.faust4j.internal.web;

import dev.faust4j.AppState;
import dev.faust4j.Partition;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code /api/status}: the app's state and broker, its agents with their counts and rates, the
 * partitions it holds with their lag and pause, its tables, and the server's time.
 *
 * <p>Design. Put together per request from the {@link WebConfig} (what the app declares, its state), the
 * {@link StatusSensor} (counts, held and paused partitions), {@link Rates} and the {@link LagCache}. Only names,
 * numbers and states: never a record's key or value.
 *
 * <p>Thread-safety: thread-safe, as its parts are.
 */
final class Status {
    private final WebConfig config;
    private final StatusSensor sensor;
    private final Rates rates;
    private final LagCache lag;

    Status(WebConfig config, StatusSensor sensor, Rates rates, LagCache lag) {
        this.config = config;
        this.sensor = sensor;
        this.rates = rates;
        this.lag = lag;
    }

    AppState state() {
        return config.state().get();
    }

    Json.Status get() {
        long now = System.nanoTime();
        AppState state = state();
        Map<String, Long> counts = sensor.events();
        Map<String, Double> perSecond = rates.update(now, counts);
        List<Json.Agent> agents = new ArrayList<>();
        for (WebConfig.AgentView a : config.agents()) {
            agents.add(new Json.Agent(a.name(), a.reads(), a.concurrency(), a.state().get().name(),
                    counts.getOrDefault(a.name(), 0L), perSecond.getOrDefault(a.name(), 0.0)));
        }
        Map<Partition, Long> lags = state.live() ? lag.get(now) : Map.of();
        List<Json.PartitionRow> partitions = new ArrayList<>();
        for (Partition p : sensor.held()) {
            partitions.add(new Json.PartitionRow(p.topic(), p.number(), lags.get(p), sensor.paused(p)));
        }
        List<Json.Table> tables = new ArrayList<>();
        for (WebConfig.TableView t : config.tables()) {
            tables.add(new Json.Table(t.name(), t.kind(), t.changelog()));
        }
        return new Json.Status(config.appId(), state.name(), state.ready(), state.live(), config.broker(),
                Instant.now().toString(), agents, partitions, tables);
    }
}
