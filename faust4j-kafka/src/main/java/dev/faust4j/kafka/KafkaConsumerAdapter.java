package dev.faust4j.kafka;

import dev.faust4j.spi.GroupMetadata;
import dev.faust4j.spi.CommitFailedException;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.Header;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.kafka.internal.CopartitionedAssignor;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.WakeupException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Design note. One KafkaConsumer, driven by the core's single poll thread; only wakeup() comes from elsewhere.
 *
 * Wakeup. KafkaConsumer.wakeup() makes the *next blocking call* throw WakeupException, whichever it is: poll,
 * but also commitSync or position, possibly inside a rebalance callback. Our SPI promises something narrower:
 * poll returns early and nothing else notices. So commit() and position() catch WakeupException, remember it
 * in `wakeupPending` and retry; the next poll() then returns an empty list at once. Kafka's wakeup flag stays
 * the source of truth otherwise, so one wakeup yields one early return (at most one extra empty poll in the
 * rare not-subscribed case below).
 *
 * Not subscribed. KafkaConsumer.poll throws when there is no subscription; our poll instead waits out the
 * timeout (or a wakeup) on a condition, as the memory transport does.
 *
 * Commits: commitAsync for the periodic commits (the poll loop never waits on the coordinator; Kafka runs the
 * callback inside a later poll, in commit order), commitSync on revoke and stop. Both are refused
 * (CommitFailedException) for partitions not currently assigned, as on the memory transport: with the classic
 * protocol the coordinator checks only the generation, so a stray commit could overwrite the progress of the
 * partition's new owner.
 *
 * Rebalance callbacks run inside KafkaConsumer.poll on this thread and are forwarded with converted partitions.
 * Empty notifications are not forwarded. Callbacks fired by close() are not forwarded either: close() does not
 * commit, and the core has already drained by then. An exception thrown by our listener is wrapped by Kafka
 * into a KafkaException; poll() unwraps and rethrows the listener's own exception.
 *
 * Standbys. With faust4j's CopartitionedAssignor (classic protocol), create() hands the assignor a StandbyRelay
 * through a copy of the configuration (key faust4j.standby.listener, read in its configure()). Kafka calls the
 * assignor's onAssignment on this thread inside poll, after onPartitionsRevoked and before onPartitionsAssigned;
 * the relay forwards its standbys and whole assignment to the current listener's onStandbysAssigned, with the
 * same closing guard and failure forwarding as the other callbacks (not skipped when empty: an empty set replaces
 * the earlier one). Kafka catches what onAssignment throws, still runs onPartitionsAssigned and then throws the
 * first failure, so the first listener failure of a poll is the one rethrown.
 *
 * Records are converted without copying key, value or header bytes. Payloads are never logged.
 */
final class KafkaConsumerAdapter implements TransportConsumer {
    private volatile Runnable closedHook = () -> {};

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConsumerAdapter.class);
    private static final RebalanceListener NO_LISTENER = new RebalanceListener() {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
        }
    };

    private final Consumer<byte[], byte[]> consumer;
    private final String groupId;
    private final Duration apiTimeout;
    private final Duration closeTimeout;
    private final Map<org.apache.kafka.common.TopicPartition, TopicPartition> partitionCache = new HashMap<>();

    private final ReentrantLock idleLock = new ReentrantLock();
    private final Condition idleWake = idleLock.newCondition();
    private boolean idleWakeup; // guarded by idleLock
    private boolean wakeupPending; // a WakeupException swallowed by commit() or position()
    private boolean subscribed;
    private boolean closing;
    private boolean closed;
    private @Nullable RuntimeException listenerFailure;
    private volatile @Nullable ListenerAdapter current; // the subscription's listener, for the standby relay

    KafkaConsumerAdapter(Consumer<byte[], byte[]> consumer, String groupId, Duration apiTimeout,
                         Duration closeTimeout) {
        this.consumer = consumer;
        this.groupId = groupId;
        this.apiTimeout = apiTimeout;
        this.closeTimeout = closeTimeout;
    }

    /**
     * A consumer over a new KafkaConsumer built from {@code config}; when the configuration uses faust4j's
     * assignor, its standbys reach the listener's {@link RebalanceListener#onStandbysAssigned}.
     */
    static KafkaConsumerAdapter create(Map<String, Object> config, String groupId, Duration apiTimeout,
                                       Duration closeTimeout) {
        StandbyRelay relay = new StandbyRelay();
        Map<String, Object> withRelay = new HashMap<>(config);
        if (config.containsKey(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG)) {
            withRelay.put(CopartitionedAssignor.STANDBY_LISTENER_CONFIG, relay);
        }
        KafkaConsumerAdapter adapter = new KafkaConsumerAdapter(new KafkaConsumer<>(withRelay), groupId, apiTimeout,
                closeTimeout);
        relay.target = adapter;
        return adapter;
    }

    @Override
    public void subscribe(Collection<String> topics, RebalanceListener listener) {
        if (topics.isEmpty()) {
            consumer.unsubscribe();
            subscribed = false;
            return;
        }
        ListenerAdapter adapter = new ListenerAdapter(listener == null ? NO_LISTENER : listener);
        consumer.subscribe(List.copyOf(topics), adapter);
        current = adapter;
        subscribed = true;
    }

    /** From the assignor's onAssignment, on the poll thread: see the design note. */
    void standbysAssigned(Set<Integer> standbys, Set<org.apache.kafka.common.TopicPartition> assignment) {
        ListenerAdapter listener = current;
        if (listener != null) {
            listener.onStandbysAssigned(standbys, assignment);
        }
    }

    @Override
    public List<PartitionRecords> poll(Duration timeout) {
        if (wakeupPending) {
            wakeupPending = false;
            return List.of();
        }
        if (!subscribed) {
            return idle(timeout);
        }
        ConsumerRecords<byte[], byte[]> records;
        listenerFailure = null;
        try {
            records = consumer.poll(timeout);
        } catch (WakeupException e) {
            return List.of();
        } catch (KafkaException e) {
            RuntimeException fromListener = listenerFailure;
            if (fromListener != null) {
                listenerFailure = null;
                throw fromListener;
            }
            throw e;
        }
        if (records.isEmpty()) {
            return List.of();
        }
        Set<org.apache.kafka.common.TopicPartition> partitions = records.partitions();
        List<PartitionRecords> out = new ArrayList<>(partitions.size());
        for (org.apache.kafka.common.TopicPartition ktp : partitions) {
            List<ConsumerRecord<byte[], byte[]>> list = records.records(ktp);
            if (list.isEmpty()) {
                continue;
            }
            ConsumedRecord[] converted = new ConsumedRecord[list.size()];
            for (int i = 0; i < converted.length; i++) {
                converted[i] = convert(list.get(i));
            }
            out.add(new PartitionRecords(ours(ktp), Collections.unmodifiableList(Arrays.asList(converted))));
        }
        return out;
    }

    @Override
    public Set<TopicPartition> assignment() {
        Set<org.apache.kafka.common.TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> out = new HashSet<>(assigned.size() * 2);
        for (org.apache.kafka.common.TopicPartition ktp : assigned) {
            out.add(ours(ktp));
        }
        return Collections.unmodifiableSet(out);
    }

    @Override
    public void pause(Collection<TopicPartition> partitions) {
        List<org.apache.kafka.common.TopicPartition> owned = ownedOnly(partitions);
        if (!owned.isEmpty()) {
            consumer.pause(owned);
        }
    }

    @Override
    public void resume(Collection<TopicPartition> partitions) {
        List<org.apache.kafka.common.TopicPartition> owned = ownedOnly(partitions);
        if (!owned.isEmpty()) {
            consumer.resume(owned);
        }
    }

    @Override
    public long position(TopicPartition partition) {
        org.apache.kafka.common.TopicPartition ktp = kafka(partition);
        while (true) {
            try {
                return consumer.position(ktp, apiTimeout);
            } catch (WakeupException e) {
                wakeupPending = true;
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                throw new IllegalStateException("the position of " + partition + " in group " + groupId
                        + " was not known within " + apiTimeout.toMillis() + " ms (default.api.timeout.ms)", e);
            }
        }
    }

    @Override
    public void seek(TopicPartition partition, long offset) {
        consumer.seek(kafka(partition), offset);
    }

    @Override
    public GroupMetadata groupMetadata() {
        ConsumerGroupMetadata m = consumer.groupMetadata();
        return new GroupMetadata(m.groupId(), m.generationId(), m.memberId(), m.groupInstanceId().orElse(null));
    }

    @Override
    public void commit(Map<TopicPartition, Long> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> kafkaOffsets = ownedOffsets(offsets);
        while (true) {
            try {
                consumer.commitSync(kafkaOffsets, apiTimeout);
                return;
            } catch (WakeupException e) {
                wakeupPending = true;
            } catch (RuntimeException e) {
                throw new CommitFailedException("commit of offsets " + describe(offsets) + " for group " + groupId
                        + " failed: " + e, e);
            }
        }
    }

    @Override
    public void commitAsync(Map<TopicPartition, Long> offsets,
                            java.util.function.Consumer<@Nullable CommitFailedException> onComplete) {
        if (offsets.isEmpty()) {
            onComplete.accept(null);
            return;
        }
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> kafkaOffsets;
        try {
            kafkaOffsets = ownedOffsets(offsets);
        } catch (CommitFailedException e) {
            onComplete.accept(e);
            return;
        }
        // Kafka runs the callback on this thread, inside a later poll, commitSync or close, in commit order
        consumer.commitAsync(kafkaOffsets, (committed, error) -> onComplete.accept(error == null ? null
                : new CommitFailedException("commit of offsets " + describe(offsets) + " for group " + groupId
                        + " failed: " + error, error)));
    }

    /** Kafka's offsets for a commit; refuses partitions not assigned to this member. */
    private Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> ownedOffsets(Map<TopicPartition, Long> offsets) {
        Set<org.apache.kafka.common.TopicPartition> assigned = consumer.assignment();
        Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> kafkaOffsets = new HashMap<>(offsets.size() * 2);
        List<TopicPartition> notOwned = new ArrayList<>();
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            org.apache.kafka.common.TopicPartition ktp = kafka(e.getKey());
            if (!assigned.contains(ktp)) {
                notOwned.add(e.getKey());
            }
            kafkaOffsets.put(ktp, new OffsetAndMetadata(e.getValue()));
        }
        if (!notOwned.isEmpty()) {
            throw new CommitFailedException("commit of offsets " + describe(offsets) + " for group " + groupId
                    + " refused: partitions " + notOwned + " are not assigned to this member", null);
        }
        return kafkaOffsets;
    }

    @Override
    public void wakeup() {
        consumer.wakeup();
        idleLock.lock();
        try {
            idleWakeup = true;
            idleWake.signalAll();
        } finally {
            idleLock.unlock();
        }
    }

    /** Runs {@code hook} once the client is closed (the transport tells the sensors). */
    void whenClosed(Runnable hook) {
        closedHook = hook;
    }

    /** The Kafka consumer itself, for the sensors' {@code onClientCreated}; never used elsewhere. */
    Object client() {
        return consumer;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closing = true;
        try {
            consumer.close(CloseOptions.timeout(closeTimeout));
        } catch (RuntimeException e) {
            LOG.warn("closing the kafka consumer of group {} failed: {}", groupId, e.toString());
        } finally {
            closedHook.run();
        }
    }

    private List<PartitionRecords> idle(Duration timeout) {
        long remaining = timeout.toNanos();
        idleLock.lock();
        try {
            while (!idleWakeup && remaining > 0) {
                remaining = idleWake.awaitNanos(remaining);
            }
            idleWakeup = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            idleLock.unlock();
        }
        return List.of();
    }

    static ConsumedRecord convert(ConsumerRecord<byte[], byte[]> r) {
        org.apache.kafka.common.header.Header[] kafkaHeaders = r.headers().toArray();
        List<Header> headers;
        if (kafkaHeaders.length == 0) {
            headers = List.of();
        } else {
            Header[] hs = new Header[kafkaHeaders.length];
            for (int i = 0; i < hs.length; i++) {
                hs[i] = new Header(kafkaHeaders[i].key(), kafkaHeaders[i].value());
            }
            headers = Collections.unmodifiableList(Arrays.asList(hs));
        }
        return new ConsumedRecord(r.topic(), r.partition(), r.offset(), r.timestamp(), r.key(), r.value(), headers);
    }

    private List<org.apache.kafka.common.TopicPartition> ownedOnly(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        Set<org.apache.kafka.common.TopicPartition> assigned = consumer.assignment();
        List<org.apache.kafka.common.TopicPartition> owned = new ArrayList<>(partitions.size());
        for (TopicPartition tp : partitions) {
            org.apache.kafka.common.TopicPartition ktp = kafka(tp);
            if (assigned.contains(ktp)) {
                owned.add(ktp);
            }
        }
        return owned;
    }

    private TopicPartition ours(org.apache.kafka.common.TopicPartition ktp) {
        TopicPartition tp = partitionCache.get(ktp);
        if (tp == null) {
            tp = new TopicPartition(ktp.topic(), ktp.partition());
            partitionCache.put(ktp, tp);
        }
        return tp;
    }

    private static org.apache.kafka.common.TopicPartition kafka(TopicPartition tp) {
        return new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition());
    }

    private List<TopicPartition> oursAll(Collection<org.apache.kafka.common.TopicPartition> partitions) {
        List<TopicPartition> out = new ArrayList<>(partitions.size());
        for (org.apache.kafka.common.TopicPartition ktp : partitions) {
            out.add(ours(ktp));
        }
        return Collections.unmodifiableList(out);
    }

    private static String describe(Map<TopicPartition, Long> offsets) {
        Map<String, Long> sorted = new TreeMap<>();
        offsets.forEach((tp, o) -> sorted.put(tp.toString(), o));
        return sorted.toString();
    }

    /** Forwards Kafka's callbacks to ours on the poll thread; see the design note. */
    private final class ListenerAdapter implements ConsumerRebalanceListener {
        private final RebalanceListener listener;

        ListenerAdapter(RebalanceListener listener) {
            this.listener = listener;
        }

        @Override
        public void onPartitionsRevoked(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (!closing && !partitions.isEmpty()) {
                forward(() -> listener.onPartitionsRevoked(oursAll(partitions)));
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (!closing && !partitions.isEmpty()) {
                forward(() -> listener.onPartitionsAssigned(oursAll(partitions)));
            }
        }

        @Override
        public void onPartitionsLost(Collection<org.apache.kafka.common.TopicPartition> partitions) {
            if (!closing && !partitions.isEmpty()) {
                forward(() -> listener.onPartitionsLost(oursAll(partitions)));
            }
        }

        void onStandbysAssigned(Set<Integer> standbys, Set<org.apache.kafka.common.TopicPartition> assignment) {
            if (!closing) {
                Set<TopicPartition> converted = new HashSet<>(assignment.size() * 2);
                for (org.apache.kafka.common.TopicPartition ktp : assignment) {
                    converted.add(ours(ktp));
                }
                forward(() -> listener.onStandbysAssigned(standbys,
                        Collections.unmodifiableSet(converted)));
            }
        }

        private void forward(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                if (listenerFailure == null) {
                    listenerFailure = e; // Kafka rethrows the first failure of a rebalance
                }
                throw e;
            }
        }
    }

    /** Handed to the assignor before the adapter exists; bound right after (see {@link #create}). */
    private static final class StandbyRelay implements CopartitionedAssignor.StandbyListener {
        volatile @Nullable KafkaConsumerAdapter target;

        @Override
        public void assigned(Set<Integer> standbys, Set<org.apache.kafka.common.TopicPartition> assignment) {
            KafkaConsumerAdapter adapter = target;
            if (adapter != null) {
                adapter.standbysAssigned(standbys, assignment);
            }
        }
    }
}
