package dev.faust4j.kafka;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's {@link ChangelogReader}: a {@link KafkaConsumer} without a group ({@code assign}, never
 * {@code subscribe}, never a commit), configured like the worker's consumer ({@link KafkaClientConfigs#changelogReader}).
 *
 * <p>Design. A thin adapter: partitions are converted at the edges, records with
 * {@link KafkaConsumerAdapter#convert} (no copy of key, value or headers). {@link #position} is Kafka's, which moves
 * past transaction markers and aborted records, so a partition whose tail has no readable record still completes
 * when its position reaches {@link #endOffsets} (under {@code read_committed} the last stable offset). Metadata calls
 * are bounded by {@code default.api.timeout.ms}. Payloads are never logged.
 *
 * <p>Thread-safety: not thread-safe (one reader thread), except {@link #wakeup()}.
 */
final class KafkaChangelogReader implements ChangelogReader {
    private volatile Runnable closedHook = () -> {};
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration apiTimeout;
    private final Duration closeTimeout;
    private boolean wakeupPending; // a wakeup that interrupted another call than poll: the next poll returns at once

    KafkaChangelogReader(KafkaConsumer<byte[], byte[]> consumer, Duration apiTimeout, Duration closeTimeout) {
        this.consumer = consumer;
        this.apiTimeout = apiTimeout;
        this.closeTimeout = closeTimeout;
    }

    @Override
    public void assign(Collection<TopicPartition> partitions) {
        consumer.assign(kafka(partitions));
    }

    @Override
    public Set<TopicPartition> assignment() {
        Set<TopicPartition> out = new HashSet<>();
        for (org.apache.kafka.common.TopicPartition ktp : consumer.assignment()) {
            out.add(new TopicPartition(ktp.topic(), ktp.partition()));
        }
        return Set.copyOf(out);
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset + " for " + partition);
        }
        consumer.seek(kafka(partition), offset);
    }

    @Override
    public long position(TopicPartition partition) {
        return unwoken(() -> consumer.position(kafka(partition), apiTimeout));
    }

    @Override
    public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
        return ours(unwoken(() -> consumer.beginningOffsets(kafka(partitions), apiTimeout)));
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return ours(unwoken(() -> consumer.endOffsets(kafka(partitions), apiTimeout))); // the LSO under read_committed
    }

    /**
     * Runs a blocking call that a {@link #wakeup} meant for {@link #poll} may interrupt (Kafka's consumer throws
     * {@code WakeupException} from whichever blocking call comes next): the call is made again, and the wakeup
     * kept for the next poll, which then returns at once, as the SPI promises.
     */
    private <T> T unwoken(java.util.function.Supplier<T> call) {
        while (true) {
            try {
                return call.get();
            } catch (WakeupException e) {
                wakeupPending = true;
            }
        }
    }

    @Override
    public List<PartitionRecords> poll(Duration timeout) {
        if (wakeupPending) {
            wakeupPending = false;
            return List.of();
        }
        ConsumerRecords<byte[], byte[]> polled;
        try {
            polled = consumer.poll(timeout);
        } catch (WakeupException e) {
            return List.of();
        }
        if (polled.isEmpty()) {
            return List.of();
        }
        List<PartitionRecords> out = new ArrayList<>(polled.partitions().size());
        for (org.apache.kafka.common.TopicPartition ktp : polled.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> records = polled.records(ktp);
            List<ConsumedRecord> converted = new ArrayList<>(records.size());
            for (ConsumerRecord<byte[], byte[]> r : records) {
                converted.add(KafkaConsumerAdapter.convert(r));
            }
            out.add(new PartitionRecords(new TopicPartition(ktp.topic(), ktp.partition()), List.copyOf(converted)));
        }
        return out;
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
    }

    /** Runs {@code hook} once the client is closed (the transport tells the sensors). */
    void whenClosed(Runnable hook) {
        closedHook = hook;
    }

    @Override
    public void close() {
        try {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(closeTimeout));
        } catch (WakeupException e) {
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ZERO));
        } finally {
            closedHook.run();
        }
    }

    private static org.apache.kafka.common.TopicPartition kafka(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }

    private static List<org.apache.kafka.common.TopicPartition> kafka(Collection<TopicPartition> partitions) {
        List<org.apache.kafka.common.TopicPartition> out = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            out.add(kafka(tp));
        }
        return out;
    }

    private static Map<TopicPartition, Long> ours(Map<org.apache.kafka.common.TopicPartition, Long> offsets) {
        Map<TopicPartition, Long> out = new HashMap<>();
        offsets.forEach((ktp, o) -> out.put(new TopicPartition(ktp.topic(), ktp.partition()), o));
        return out;
    }
}
