package dev.faust4j.internal.cli;

import java.util.List;

/**
 * What an app declares, as the listing commands print it: {@code agents}, {@code topics}, {@code tables},
 * {@code models}, and the fields of one model.
 *
 * @param agents the agents, in declaration order
 * @param topics the topics the app declared or derived (repartition topics, dead-letter topics), by name
 * @param tables the tables, in declaration order
 * @param models the record types the topics, channels and tables carry as keys or values, and those their fields
 *               hold, by name
 */
public record Listing(List<Agent> agents, List<Topic> topics, List<Table> tables, List<Model> models) {

    /** One agent: its name, what it reads (a topic's names, or a channel), and its instances. */
    public record Agent(String name, String reads, int concurrency) {
    }

    /** One topic: its name, partitions (0: the broker's), codecs, and whether faust4j made it for itself. */
    public record Topic(String name, int partitions, String keyCodec, String valueCodec, boolean internal) {
    }

    /** One table: its name, kind (table, windowed, set, global) and changelog topic. */
    public record Table(String name, String kind, String changelog) {
    }

    /**
     * One model (Faust's {@code faust models}): a Java record, or a class marked {@code @FaustRecord}.
     *
     * @param name      its {@code @FaustRecord} namespace, else its simple name (its canonical name when two models
     *                  share a simple name)
     * @param javaClass its canonical class name
     * @param usedBy    where the app uses it ({@code topic orders (value)}, {@code table counts (key)},
     *                  {@code channel (value)}, {@code Order.items}), in the order found
     * @param fields    its fields: a record's components in order, else its instance fields as declared
     */
    public record Model(String name, String javaClass, List<String> usedBy, List<Field> fields) {
        public Model {
            usedBy = List.copyOf(usedBy);
            fields = List.copyOf(fields);
        }
    }

    /** One field of a model: its name and Java type ({@code List<Item>}: simple names, type arguments). */
    public record Field(String name, String type) {
    }

    public Listing {
        agents = List.copyOf(agents);
        topics = List.copyOf(topics);
        tables = List.copyOf(tables);
        models = List.copyOf(models);
    }
}
