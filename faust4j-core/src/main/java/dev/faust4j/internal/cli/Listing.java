package dev.faust4j.internal.cli;

import java.util.List;

/**
 * What an app declares, as the listing commands ({@code agents}, {@code topics}, {@code tables}) print it.
 *
 * @param agents the agents, in declaration order
 * @param topics the topics the app declared or derived (repartition topics, dead-letter topics), by name
 * @param tables the tables, in declaration order
 */
public record Listing(List<Agent> agents, List<Topic> topics, List<Table> tables) {

    /** One agent: its name, what it reads (a topic's names, or a channel), and its instances. */
    public record Agent(String name, String reads, int concurrency) {
    }

    /** One topic: its name, partitions (0: the broker's), codecs, and whether faust4j made it for itself. */
    public record Topic(String name, int partitions, String keyCodec, String valueCodec, boolean internal) {
    }

    /** One table: its name, kind (table, windowed, set, global) and changelog topic. */
    public record Table(String name, String kind, String changelog) {
    }

    public Listing {
        agents = List.copyOf(agents);
        topics = List.copyOf(topics);
        tables = List.copyOf(tables);
    }
}
