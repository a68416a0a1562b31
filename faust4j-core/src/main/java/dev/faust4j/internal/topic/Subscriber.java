package dev.faust4j.internal.topic;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.Topic;
import dev.faust4j.internal.buffer.Subscription;

/**
 * Subscribes a reader to a topic of this app: a new buffer, fed by the Conductor from the next poll on.
 * Thread-safe.
 */
@FunctionalInterface
public interface Subscriber {
    Subscription subscribe(Topic<?, ?> topic, ErrorPolicy readerPolicy);
}
