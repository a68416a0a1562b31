package dev.faust4j.kafka;

import dev.faust4j.spi.TopicSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/*
 * Design note. declareTopics is describe -> create what is missing -> wait until visible -> check shapes.
 * Creating is done for every missing topic (internal or not, as the memory transport does) with the spec's
 * partitions, replication factor and configuration, so it works with auto.create.topics.enable=false.
 * Existing topics are never altered. A TopicExistsException from create means another worker won the race:
 * the topic is then described again and checked like any existing one. "Visible" means described with a
 * leader for every partition AND answering a ListOffsets request on every partition: a broker publishes new
 * leaders in its metadata cache before its replica manager serves them, and a producer racing into that window
 * gets NOT_LEADER_OR_FOLLOWER (seen to wedge an idempotent producer's first batch on the embedded broker).
 * All waits are bounded by the admin client's default.api.timeout.ms.
 */
final class KafkaTopicAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopicAdmin.class);
    private static final long VISIBILITY_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final Admin admin;
    private volatile Runnable closedHook = () -> {};
    private final Duration timeout;

    KafkaTopicAdmin(Admin admin, Duration timeout) {
        this.admin = admin;
        this.timeout = timeout;
    }

    void declareTopics(Collection<TopicSpec> topics) {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, TopicSpec> specs = new LinkedHashMap<>();
        for (TopicSpec spec : topics) {
            specs.putIfAbsent(spec.name(), spec);
        }
        Map<String, Integer> existing = describe(specs.keySet());
        List<NewTopic> missing = new ArrayList<>();
        for (TopicSpec spec : specs.values()) {
            if (!existing.containsKey(spec.name())) {
                missing.add(
                        new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor()).configs(spec.config()));
            }
        }
        if (!missing.isEmpty()) {
            Set<String> created = create(missing, specs);
            existing.putAll(awaitVisible(created));
        }
        List<String> problems = new ArrayList<>();
        for (TopicSpec spec : specs.values()) {
            int actual = Objects.requireNonNull(existing.get(spec.name()), spec.name());
            if (actual != spec.partitions()) {
                if (spec.internal()) {
                    problems.add("topic " + spec.name() + " exists with " + actual + " partitions but faust4j needs "
                            + spec.partitions() + "; delete it or set partitions to " + actual);
                } else {
                    LOG.info("topic {} exists with {} partitions ({} declared); using it as it is",
                            spec.name(), actual, spec.partitions());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException(String.join("\n", problems));
        }
    }

    OptionalInt partitionCount(String topic) {
        Integer n = describe(List.of(topic)).get(topic);
        return n == null ? OptionalInt.empty() : OptionalInt.of(n);
    }

    /** The end offsets of these partitions (the last stable offsets when {@code readCommitted}). */
    Map<dev.faust4j.spi.TopicPartition, Long> endOffsets(Collection<dev.faust4j.spi.TopicPartition> partitions,
                                                         boolean readCommitted) {
        Map<org.apache.kafka.common.TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (dev.faust4j.spi.TopicPartition tp : partitions) {
            request.put(new org.apache.kafka.common.TopicPartition(tp.topic(), tp.partition()), OffsetSpec.latest());
        }
        ListOffsetsOptions options = new ListOffsetsOptions(
                readCommitted ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED);
        Map<dev.faust4j.spi.TopicPartition, Long> out = new LinkedHashMap<>();
        get(admin.listOffsets(request, options).all(), "list the end offsets of " + partitions.size()
                + " partitions").forEach(
                        (tp, info) -> out.put(
                                new dev.faust4j.spi.TopicPartition(tp.topic(), tp.partition()), info.offset()));
        return out;
    }

    /** Runs {@code hook} once the admin client is closed (the transport tells the sensors). */
    void whenClosed(Runnable hook) {
        closedHook = hook;
    }

    void close(Duration closeTimeout) {
        try {
            admin.close(closeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("closing the kafka admin client failed: {}", e.toString());
        } finally {
            closedHook.run();
        }
    }

    /** Creates these topics; returns every name that now exists (created here or by a concurrent worker). */
    private Set<String> create(List<NewTopic> topics, Map<String, TopicSpec> specs) {
        CreateTopicsResult result = admin.createTopics(topics);
        Set<String> names = new LinkedHashSet<>();
        List<String> failures = new ArrayList<>();
        for (NewTopic topic : topics) {
            String name = topic.name();
            try {
                get(Objects.requireNonNull(result.values().get(name), name), "create topic " + name);
                TopicSpec spec = Objects.requireNonNull(specs.get(name), name);
                LOG.info("created topic {} ({} partitions, replication factor {})", name, spec.partitions(),
                        spec.replicationFactor());
                names.add(name);
            } catch (KafkaOperationException e) {
                if (e.getCause() instanceof TopicExistsException) {
                    names.add(name);
                } else {
                    failures.add("cannot create topic " + name + " with " + topic.numPartitions()
                            + " partitions and replication factor "
                            + topic.replicationFactor() + ": " + e.getCause());
                }
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException(String.join("\n", failures));
        }
        return names;
    }

    /** Waits until every topic is described with a leader on each partition; returns their partition counts. */
    private Map<String, Integer> awaitVisible(Set<String> names) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<String, TopicDescription> found = describeFully(names);
            boolean ready = found.size() == names.size();
            for (TopicDescription d : found.values()) {
                for (TopicPartitionInfo p : d.partitions()) {
                    ready &= p.leader() != null && !p.leader().isEmpty();
                }
            }
            if (ready && leadersServe(found.values())) {
                Map<String, Integer> counts = new LinkedHashMap<>();
                found.forEach((name, d) -> counts.put(name, d.partitions().size()));
                return counts;
            }
            if (System.nanoTime() - deadline > 0) {
                Set<String> notReady = new LinkedHashSet<>(names);
                notReady.removeAll(found.keySet());
                throw new IllegalStateException("topics " + (notReady.isEmpty() ? names : notReady)
                        + " were created but did not become available within " + timeout.toMillis() + " ms");
            }
            LockSupport.parkNanos(VISIBILITY_BACKOFF_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException(
                        "interrupted while waiting for topics " + names + " to become available");
            }
        }
    }

    /** True when the leader of every partition answers ListOffsets; false on a retriable error. */
    private boolean leadersServe(Collection<TopicDescription> topics) {
        Map<org.apache.kafka.common.TopicPartition, OffsetSpec> request = new LinkedHashMap<>();
        for (TopicDescription d : topics) {
            for (TopicPartitionInfo p : d.partitions()) {
                request.put(new org.apache.kafka.common.TopicPartition(d.name(), p.partition()), OffsetSpec.latest());
            }
        }
        try {
            get(admin.listOffsets(request).all(), "list the offsets of new topics");
            return true;
        } catch (KafkaOperationException e) {
            if (e.getCause() instanceof RetriableException) {
                return false;
            }
            throw new IllegalStateException("new topics are not usable: " + e.getCause(), e.getCause());
        }
    }

    /** Partition counts of the topics that exist; missing ones are absent from the map. */
    private Map<String, Integer> describe(Collection<String> names) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        describeFully(names).forEach((name, d) -> counts.put(name, d.partitions().size()));
        return counts;
    }

    private Map<String, TopicDescription> describeFully(Collection<String> names) {
        Map<String, KafkaFuture<TopicDescription>> futures = admin.describeTopics(names).topicNameValues();
        Map<String, TopicDescription> out = new LinkedHashMap<>();
        for (String name : names) {
            try {
                out.put(name, get(Objects.requireNonNull(futures.get(name), name), "describe topic " + name));
            } catch (KafkaOperationException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw new IllegalStateException("cannot describe topic " + name + ": " + e.getCause(),
                            e.getCause());
                }
            }
        }
        return out;
    }

    private <T> T get(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new KafkaOperationException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("could not " + what + " within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    /** Carries the cause of a failed admin future to the caller that decides what it means. */
    private static final class KafkaOperationException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaOperationException(@Nullable Throwable cause) {
            super(cause);
        }
    }
}
