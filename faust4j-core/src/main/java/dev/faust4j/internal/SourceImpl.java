package dev.faust4j.internal;

import dev.faust4j.Source;

/** What the runtime needs of a topic or channel: making subscriptions. */
interface SourceImpl<K, V> extends Source<K, V> {
    /** Creates and registers a new subscription (a subscriber buffer). */
    Subscription subscribe();

    /** The topic behind this source, or null for a channel. */
    TopicImpl<K, V> asTopic();
}
