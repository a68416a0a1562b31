package dev.faust4j.internal.web;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * The JSON answers of the web server, as records: Jackson writes them, so no text is ever pasted into JSON by hand.
 *
 * <p>Thread-safety: immutable records.
 */
final class Json {
    private Json() {
    }

    /** {@code /health/live} and {@code /health/ready}: {@code UP} or {@code DOWN}, and the app state. */
    record Health(String status, String state) {
    }

    /** {@code /api/status}. */
    record Status(String app, String state, boolean ready, boolean live, String broker, String time,
                  List<Agent> agents, List<PartitionRow> partitions, List<Table> tables) {
    }

    /** One agent: its name, what it reads, its instances, state, records done and their rate per second. */
    record Agent(String name, String reads, int concurrency, String state, long events, double rate) {
    }

    /** One partition this worker holds: its lag ({@code null} while not known) and whether it is paused. */
    record PartitionRow(String topic, int partition, @Nullable Long lag, boolean paused) {
    }

    /** One table: its name, kind and changelog topic. */
    record Table(String name, String kind, String changelog) {
    }
}
