package dev.faust4j.internal.conductor;

import dev.faust4j.internal.commit.Holdback;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Polled records kept back from the subscriptions while an exactly-once commit drains the agents ({@link Holdback}).
 *
 * <p>Design. Whole polls are kept in order, with the first offset of each partition, and handed to {@link Delivery}
 * once the commit is done. The caller pauses fetching when {@link #size()} passes its bound. Discarding seeks the
 * consumer back to the first kept offset of each staying partition, so nothing is skipped.
 *
 * <p>Thread-safety: poll thread only.
 */
final class HeldRecords implements Holdback {
    private final TransportConsumer consumer;
    private final List<List<PartitionRecords>> polls = new ArrayList<>();
    private final Map<TopicPartition, Long> first = new HashMap<>();
    private int size;

    HeldRecords(TransportConsumer consumer) {
        this.consumer = consumer;
    }

    void add(List<PartitionRecords> polled) {
        polls.add(polled);
        for (PartitionRecords batch : polled) {
            if (!batch.records().isEmpty()) {
                first.putIfAbsent(batch.partition(), batch.records().getFirst().offset());
                size += batch.records().size();
            }
        }
    }

    /** Records kept back. */
    int size() {
        return size;
    }

    boolean isEmpty() {
        return polls.isEmpty();
    }

    /** Hands every kept poll to {@code delivery}, in order, and forgets them. */
    void deliverTo(Delivery delivery) {
        for (List<PartitionRecords> polled : polls) {
            delivery.deliver(polled);
        }
        clear();
    }

    @Override
    public long firstHeld(TopicPartition partition) {
        Long offset = first.get(partition);
        return offset == null ? -1 : offset;
    }

    @Override
    public void discard(Collection<TopicPartition> leaving) {
        first.forEach((tp, offset) -> {
            if (!leaving.contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
        clear();
    }

    private void clear() {
        polls.clear();
        first.clear();
        size = 0;
    }
}
