package dev.faust4j.internal.topic;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.Source;
import dev.faust4j.internal.buffer.Subscription;

/** What the runtime needs of a topic or channel: making subscriptions. Implementations are thread-safe. */
public interface SourceImpl<K, V> extends Source<K, V> {

    /** Creates and registers a new subscription (a subscriber buffer) for a reader with this error policy. */
    Subscription subscribe(ErrorPolicy readerPolicy);
}
