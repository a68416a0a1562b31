package dev.faust4j.internal.memory;

import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Settings;
import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.GroupMetadata;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.TransactionFencedException;
import dev.faust4j.spi.TransactionalProducer;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;
import dev.faust4j.spi.TransportProducer;

import dev.faust4j.Header;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The embedded transport: {@code memory://} (one JVM-wide broker) or {@code memory://name} (an isolated one,
 * handy in tests). Sends are durable as soon as they return (appended to the in-process log), so their futures
 * are already complete and {@code flush} has nothing to do. Like Kafka's producer, it refuses a record larger than
 * {@code max.request.size} (1 MiB unless the client property {@code max.request.size} or
 * {@code producer.max.request.size} says otherwise), measured as Kafka measures it (key, value, headers and the
 * record and batch overhead), so that an app tested on {@code memory://} fails the same way on Kafka.
 *
 * <p>Thread-safety: thread-safe. Also offers inspection helpers ({@link #committed}, {@link #endOffset},
 * {@link #records}, {@link #appendRaw}) for tests and tools.
 */
public final class MemoryTransport implements Transport {

    /** Registered for the {@code memory} scheme. */
    public static final class Factory implements TransportFactory {
        @Override
        public String scheme() {
            return "memory";
        }

        @Override
        public Transport create(TransportContext context) {
            return new MemoryTransport(context.appId(), context.settings());
        }
    }

    private final MemoryBroker broker;
    private final String groupId;
    private final Settings settings;
    /** Kafka's default {@code max.request.size}. */
    static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** Kafka's record batch header (v2) plus the largest record header: what a one-record batch adds. */
    private static final int RECORD_OVERHEAD = 61 + 21;

    private final Producer producer = new Producer();
    private final int maxRequestSize;

    MemoryTransport(String groupId, Settings settings) {
        this.broker = MemoryBroker.named(settings.brokerAddress());
        this.groupId = groupId;
        this.settings = settings;
        String max = settings.clientProperties().getOrDefault("producer.max.request.size",
                settings.clientProperties().get("max.request.size"));
        this.maxRequestSize = max == null ? DEFAULT_MAX_REQUEST_SIZE : Integer.parseInt(max.trim());
    }

    /** The size Kafka's producer checks against {@code max.request.size} (an upper bound, as Kafka's). */
    static int serializedSize(ProducedRecord r) {
        long size = (long) RECORD_OVERHEAD + (r.key() == null ? 0 : r.key().length)
                + (r.value() == null ? 0 : r.value().length);
        for (Header h : r.headers()) {
            size += 10 + h.key().getBytes(StandardCharsets.UTF_8).length + (h.value() == null ? 0 : h.value().length);
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    @Override
    public TransportConsumer createConsumer() {
        return new MemoryConsumer(broker, groupId, settings.autoOffsetReset().equals("latest"),
                settings.maxPollRecords(), settings.processingGuarantee() == ProcessingGuarantee.EXACTLY_ONCE,
                settings.tableStandbyReplicas(), settings.tableStore().equals("rocksdb://")
                        ? settings.dataDir().toAbsolutePath().normalize().toString() : null);
    }

    @Override
    public ChangelogReader changelogReader(boolean readCommitted) {
        return new MemoryChangelogReader(broker, readCommitted);
    }

    @Override
    public TransportProducer producer() {
        return producer;
    }

    @Override
    public TransactionalProducer transactionalProducer(String transactionalId) {
        return new TxProducer(broker.initTransactions(transactionalId));
    }

    @Override
    public void declareTopics(Collection<TopicSpec> topics) {
        for (TopicSpec spec : topics) {
            int actual = broker.createTopic(spec.name(), spec.partitions());
            if (spec.internal() && actual != spec.partitions()) {
                throw new IllegalStateException("topic " + spec.name() + " exists with " + actual
                        + " partitions but faust4j needs " + spec.partitions() + "; delete it or set partitions to "
                        + actual);
            }
        }
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions, boolean readCommitted) {
        return broker.endOffsets(partitions, readCommitted);
    }

    @Override
    public OptionalInt partitionCount(String topic) {
        int n = broker.partitionCount(topic);
        return n < 0 ? OptionalInt.empty() : OptionalInt.of(n);
    }

    @Override
    public void close() {
        // the broker outlives apps, like a real cluster
    }

    private final class Producer implements TransportProducer {
        private final AtomicInteger roundRobin = new AtomicInteger();

        @Override
        public CompletableFuture<RecordMetadata> send(ProducedRecord r) {
            return send(r, null);
        }

        CompletableFuture<RecordMetadata> send(ProducedRecord r, MemoryBroker.@Nullable Transaction txn) {
            int size = serializedSize(r);
            if (size > maxRequestSize) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("The message is " + size
                        + " bytes when serialized which is larger than " + maxRequestSize
                        + ", which is the value of the max.request.size configuration (topic " + r.topic() + ")"));
            }
            int partitions = broker.partitionCount(r.topic());
            if (partitions < 0) {
                partitions = broker.createTopic(r.topic(), settings.topicPartitions());
            }
            int partition;
            if (r.partition() != null) {
                if (r.partition() < 0 || r.partition() >= partitions) {
                    return CompletableFuture.failedFuture(new IllegalArgumentException(
                            "partition " + r.partition() + " does not exist in topic " + r.topic() + " (" + partitions
                                    + " partitions)"));
                }
                partition = r.partition();
            } else if (r.key() != null) {
                partition = Murmur2.partition(r.key(), partitions);
            } else {
                partition = Math.floorMod(roundRobin.getAndIncrement(), partitions);
            }
            long ts = r.timestamp() != null ? r.timestamp() : System.currentTimeMillis();
            long offset;
            try {
                offset = broker.append(r.topic(), partition, ts, r.key(), r.value(), r.headers(), txn);
            } catch (TransactionFencedException e) {
                return CompletableFuture.failedFuture(e);
            }
            return CompletableFuture.completedFuture(new RecordMetadata(r.topic(), partition, offset, ts));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    /**
     * The transactional producer: its records are appended at once inside its open transaction, which the broker
     * publishes or discards with its offsets. The core never sends while it commits or aborts, so the current
     * transaction is only published through a volatile field.
     */
    private final class TxProducer implements TransactionalProducer {
        private volatile MemoryBroker.Transaction txn;
        private volatile @Nullable Throwable failedSend;

        TxProducer(MemoryBroker.Transaction first) {
            this.txn = first;
        }

        @Override
        public CompletableFuture<RecordMetadata> send(ProducedRecord record) {
            CompletableFuture<RecordMetadata> f = producer.send(record, txn);
            if (f.isCompletedExceptionally() && failedSend == null) {
                failedSend = f.exceptionNow(); // as Kafka's producer: a failed send fails the whole transaction
            }
            return f;
        }

        @Override
        public void commitTransaction(Map<TopicPartition, Long> offsets, GroupMetadata group) {
            Throwable failed = failedSend;
            if (failed != null) {
                throw new IllegalStateException("cannot commit: a send in this transaction failed: " + failed, failed);
            }
            txn = broker.commitTransaction(txn, offsets, group);
        }

        @Override
        public void abortTransaction() {
            txn = broker.abortTransaction(txn);
            failedSend = null;
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            try {
                abortTransaction(); // what Kafka's coordinator does to a closed producer's open transaction
            } catch (TransactionFencedException e) {
                // a newer producer took over and already aborted it
            }
        }
    }

    /** Committed offset of a partition for a group on the named broker ("" for {@code memory://}), or null. */
    public static Long committed(String brokerName, String groupId, TopicPartition tp) {
        MemoryBroker b = MemoryBroker.named(brokerName);
        b.lock.lock();
        try {
            return b.group(groupId).committed.get(tp);
        } finally {
            b.lock.unlock();
        }
    }

    /** Log end offset of a partition on the named broker. */
    public static long endOffset(String brokerName, TopicPartition tp) {
        return MemoryBroker.named(brokerName).endOffset(tp);
    }

    /**
     * Every record of a topic on the named broker, partition by partition, as a read_uncommitted reader sees them
     * (records of open transactions included, aborted ones not).
     */
    public static List<ConsumedRecord> records(String brokerName, String topic) {
        return read(brokerName, topic, false);
    }

    /** The records of a topic that a read_committed reader sees: those of open transactions are not there yet. */
    public static List<ConsumedRecord> committedRecords(String brokerName, String topic) {
        return read(brokerName, topic, true);
    }

    private static List<ConsumedRecord> read(String brokerName, String topic, boolean committed) {
        MemoryBroker.Log[] logs = MemoryBroker.named(brokerName).topic(topic);
        List<ConsumedRecord> out = new ArrayList<>();
        if (logs != null) {
            for (MemoryBroker.Log log : logs) {
                int size = committed ? log.stable : log.size;
                ConsumedRecord[] arr = log.records;
                for (int i = 0; i < size; i++) {
                    if (arr[i] != null) {
                        out.add(arr[i]);
                    }
                }
            }
        }
        return out;
    }

    /** Appends raw bytes to a partition (creating the topic with {@code partitions} if missing). */
    public static long appendRaw(String brokerName, String topic, int partitions, int partition, byte[] key,
                                 byte[] value) {
        MemoryBroker b = MemoryBroker.named(brokerName);
        b.createTopic(topic, partitions);
        return b.append(topic, partition, System.currentTimeMillis(), key, value, List.of());
    }
}
