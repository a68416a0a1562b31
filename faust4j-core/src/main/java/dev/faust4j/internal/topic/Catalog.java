package dev.faust4j.internal.topic;

import dev.faust4j.Topic;
import dev.faust4j.spi.TopicSpec;

import java.util.List;

/** The app's topics: where new ones are registered and how they are made to exist. Thread-safe. */
public interface Catalog {

    /** Registers a topic created at run time ({@code through}, {@code groupBy}) as declaring does at build time. */
    void register(Topic<?, ?> topic);

    /** Makes sure these topics exist (creating them if needed). Blocking. */
    void declare(List<TopicSpec> specs);
}
