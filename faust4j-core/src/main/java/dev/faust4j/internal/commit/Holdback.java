package dev.faust4j.internal.commit;

import dev.faust4j.spi.TopicPartition;

import java.util.Collection;

/**
 * Records the poll thread fetched but keeps back while an exactly-once commit waits for the agents, so that fetching
 * goes on and the agents find their buffers full again the moment the transaction commits.
 *
 * <p>Thread-safety: poll thread only.
 */
public interface Holdback {

    /** The offset of the first record kept back for this partition, or -1 when none is. */
    long firstHeld(TopicPartition partition);

    /**
     * Forgets every record kept back; the consumer is moved back to the first of each partition that stays (not in
     * {@code leaving}), so that they are fetched again.
     */
    void discard(Collection<TopicPartition> leaving);
}
