package dev.faust4j.testing;

import dev.faust4j.App;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Settings;
import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.CommitFailedException;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.Transport;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.spi.TransportContext;
import dev.faust4j.spi.TransportFactory;
import dev.faust4j.spi.TransportProducer;
import dev.faust4j.spi.TransactionalProducer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A transport that wraps the real one (memory or Kafka) to let a test observe what the worker's consumer does:
 * how many records its polls returned to the Conductor, and which partitions it owns; and to make its commits
 * or its sends fail ({@link Probe#refuseCommits}, {@link Probe#failSends}). Use it by prefixing the
 * fixture's broker URL: {@code App.builder(id).broker(CountingTransport.url(transport.brokerUrl(id)))}, then
 * {@code CountingTransport.probe(app)}. Everything else (producer, topics, commits) is the wrapped transport's,
 * so the fixture's inspection methods keep working with the plain URL. Only the app built with the counting URL
 * is affected: the fixture's own clients ({@code appendRaw}) and apps on the plain URL never see the faults.
 *
 * <p>Registered for the schemes {@code counting+memory} and {@code counting+kafka} in this module's test
 * {@code META-INF/services/dev.faust4j.spi.TransportFactory}.
 */
public final class CountingTransport implements Transport {

    /** What a test sees of one app's consumer. Thread-safe. */
    public static final class Probe {
        private final AtomicLong delivered = new AtomicLong();
        private final AtomicLong changelogRecordsRead = new AtomicLong();
        private final AtomicLong readByClosedReaders = new AtomicLong();
        private final AtomicLong polls = new AtomicLong();
        private volatile Gate changelogGate;
        private final Set<AtomicLong> openReaders = ConcurrentHashMap.newKeySet();
        private final Set<TopicPartition> assignment = ConcurrentHashMap.newKeySet();
        private volatile LongConsumer onPoll = n -> {};
        private volatile boolean refuseCommits;
        private final AtomicInteger refusedCommits = new AtomicInteger();
        private volatile boolean failSends;
        private final AtomicInteger failedSends = new AtomicInteger();

        /** Records returned by polls so far (handed to the Conductor). */
        public long delivered() {
            return delivered.get();
        }

        /** Records the app's changelog readers (table restores) returned so far. */
        public long changelogRecordsRead() {
            return changelogRecordsRead.get();
        }

        /** Polls of the worker's consumer so far, whatever they returned. */
        public long polls() {
            return polls.get();
        }

        /**
         * Makes every poll of the app's changelog readers (table restores, standbys) pass this gate first, or none
         * when null: a test holds a restore where it stands.
         */
        public void gateChangelogReads(Gate gate) {
            this.changelogGate = gate;
        }

        /**
         * Records returned by the changelog readers still open: those that follow changelogs (standby replicas,
         * global tables), as opposed to restores, which close their reader when done.
         */
        public long changelogRecordsReadByOpenReaders() {
            return openReaders.stream().mapToLong(AtomicLong::get).sum();
        }

        /** Records returned by the changelog readers closed so far: the restores done (and followers stopped). */
        public long changelogRecordsReadByClosedReaders() {
            return readByClosedReaders.get();
        }

        /** The partitions the consumer owns now (as told by its rebalance callbacks). */
        public Set<TopicPartition> assignment() {
            return Set.copyOf(assignment);
        }

        /** Called on the poll thread after every poll that returned records, with the new {@link #delivered()}. */
        public void onPoll(LongConsumer listener) {
            this.onPoll = listener;
        }

        /** While true, every commit (synchronous or not) fails with a {@link CommitFailedException}. */
        public void refuseCommits(boolean refuse) {
            this.refuseCommits = refuse;
        }

        /** Commits refused so far by {@link #refuseCommits}. */
        public int refusedCommits() {
            return refusedCommits.get();
        }

        /**
         * While true, every send of the app's producer fails (its future completes exceptionally, nothing is
         * written) with a {@link SimulatedBrokerOutage}, the stand-in for a retriable broker error: a broker
         * outage as the app sees it. Sends made while it is off go through to the wrapped producer.
         */
        public void failSends(boolean fail) {
            this.failSends = fail;
        }

        /** Sends failed by {@link #failSends} so far. */
        public int failedSends() {
            return failedSends.get();
        }

        private CommitFailedException refusal(Map<TopicPartition, Long> offsets) {
            refusedCommits.incrementAndGet();
            return new CommitFailedException("commit of " + offsets + " refused by the test", null);
        }
    }

    private static final Map<Settings, Probe> PROBES = new ConcurrentHashMap<>();

    /** The counting form of a fixture's broker URL. */
    public static String url(String brokerUrl) {
        return "counting+" + brokerUrl;
    }

    /** The probe of an app built with a {@link #url counting URL} (created on first use). */
    public static Probe probe(App app) {
        return PROBES.computeIfAbsent(app.settings(), s -> new Probe());
    }

    private final Transport inner;
    private final Probe probe;
    private final Producer producer;

    private CountingTransport(Transport inner, Probe probe) {
        this.inner = inner;
        this.probe = probe;
        this.producer = new Producer(inner, probe);
    }

    @Override
    public TransportConsumer createConsumer() {
        return new Consumer(inner.createConsumer(), probe);
    }

    @Override
    public TransportProducer producer() {
        return producer;
    }

    /** The wrapped transport's, untouched: the probe's send faults do not apply to transactions. */
    @Override
    public TransactionalProducer transactionalProducer(String transactionalId) {
        return inner.transactionalProducer(transactionalId);
    }

    /** The wrapped transport's, counting the records it returns ({@link Probe#changelogRecordsRead}). */
    @Override
    public ChangelogReader changelogReader(boolean readCommitted) {
        ChangelogReader reader = inner.changelogReader(readCommitted);
        AtomicLong read = new AtomicLong();
        probe.openReaders.add(read);
        return new ChangelogReader() {
            @Override
            public void assign(Collection<TopicPartition> partitions) {
                reader.assign(partitions);
            }

            @Override
            public Set<TopicPartition> assignment() {
                return reader.assignment();
            }

            @Override
            public void seek(TopicPartition partition, long offset) {
                reader.seek(partition, offset);
            }

            @Override
            public long position(TopicPartition partition) {
                return reader.position(partition);
            }

            @Override
            public Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions) {
                return reader.beginningOffsets(partitions);
            }

            @Override
            public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
                return reader.endOffsets(partitions);
            }

            @Override
            public List<PartitionRecords> poll(Duration timeout) {
                Gate gate = probe.changelogGate;
                if (gate != null) {
                    try {
                        gate.pass();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return List.of();
                    }
                }
                List<PartitionRecords> polled = reader.poll(timeout);
                for (PartitionRecords batch : polled) {
                    probe.changelogRecordsRead.addAndGet(batch.records().size());
                    read.addAndGet(batch.records().size());
                }
                return polled;
            }

            @Override
            public void wakeup() {
                reader.wakeup();
            }

            @Override
            public void close() {
                reader.close();
                if (probe.openReaders.remove(read)) {
                    probe.readByClosedReaders.addAndGet(read.get());
                }
            }
        };
    }

    @Override
    public void declareTopics(Collection<TopicSpec> topics) {
        inner.declareTopics(topics);
    }

    @Override
    public OptionalInt partitionCount(String topic) {
        return inner.partitionCount(topic);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** The wrapped transport's producer, with the probe's send faults. */
    private static final class Producer implements TransportProducer {
        private final Transport inner;
        private final Probe probe;

        Producer(Transport inner, Probe probe) {
            this.inner = inner;
            this.probe = probe;
        }

        @Override
        public CompletableFuture<RecordMetadata> send(ProducedRecord record) {
            if (probe.failSends) {
                probe.failedSends.incrementAndGet();
                return CompletableFuture.failedFuture(new SimulatedBrokerOutage(
                        "send to " + record.topic() + " failed: broker unavailable (simulated by the test)"));
            }
            return inner.producer().send(record);
        }

        @Override
        public boolean isRetriable(Throwable failure) {
            return failure instanceof SimulatedBrokerOutage || inner.producer().isRetriable(failure);
        }

        @Override
        public void flush() {
            inner.producer().flush();
        }

        @Override
        public void close() {
            inner.producer().close();
        }
    }

    private static final class Consumer implements TransportConsumer {
        private final TransportConsumer inner;
        private final Probe probe;

        Consumer(TransportConsumer inner, Probe probe) {
            this.inner = inner;
            this.probe = probe;
        }

        @Override
        public void subscribe(Collection<String> topics, RebalanceListener listener) {
            inner.subscribe(topics, new RebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    listener.onPartitionsRevoked(partitions);
                    probe.assignment.removeAll(new HashSet<>(partitions));
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    listener.onPartitionsAssigned(partitions);
                    probe.assignment.addAll(partitions);
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    listener.onPartitionsLost(partitions);
                    probe.assignment.removeAll(new HashSet<>(partitions));
                }

                @Override
                public void onStandbysAssigned(Set<Integer> standbys, Set<TopicPartition> assignment) {
                    listener.onStandbysAssigned(standbys, assignment);
                }
            });
        }

        @Override
        public List<PartitionRecords> poll(Duration timeout) {
            List<PartitionRecords> out = inner.poll(timeout);
            probe.polls.incrementAndGet();
            if (!out.isEmpty()) {
                long n = 0;
                for (PartitionRecords pr : out) {
                    n += pr.records().size();
                }
                probe.onPoll.accept(probe.delivered.addAndGet(n));
            }
            return out;
        }

        @Override
        public Set<TopicPartition> assignment() {
            return inner.assignment();
        }

        @Override
        public void pause(Collection<TopicPartition> partitions) {
            inner.pause(partitions);
        }

        @Override
        public void resume(Collection<TopicPartition> partitions) {
            inner.resume(partitions);
        }

        @Override
        public void seek(TopicPartition partition, long offset) {
            inner.seek(partition, offset);
        }

        @Override
        public long position(TopicPartition partition) {
            return inner.position(partition);
        }

        @Override
        public dev.faust4j.spi.GroupMetadata groupMetadata() {
            return inner.groupMetadata();
        }

        @Override
        public void commit(Map<TopicPartition, Long> offsets) {
            if (probe.refuseCommits) {
                throw probe.refusal(offsets);
            }
            inner.commit(offsets);
        }

        @Override
        public void commitAsync(Map<TopicPartition, Long> offsets,
                                java.util.function.Consumer<CommitFailedException> onComplete) {
            if (probe.refuseCommits) {
                onComplete.accept(probe.refusal(offsets));
                return;
            }
            inner.commitAsync(offsets, onComplete);
        }

        @Override
        public void wakeup() {
            inner.wakeup();
        }

        @Override
        public void close() {
            try {
                inner.close();
            } finally {
                probe.assignment.clear();
            }
        }
    }

    /** Wraps the transport of the scheme after {@code counting+}. */
    abstract static class Factory implements TransportFactory {
        private final String innerScheme;

        Factory(String innerScheme) {
            this.innerScheme = innerScheme;
        }

        @Override
        public String scheme() {
            return "counting+" + innerScheme;
        }

        @Override
        public Transport create(TransportContext context) {
            for (TransportFactory f : ServiceLoader.load(TransportFactory.class)) {
                if (f.scheme().equalsIgnoreCase(innerScheme)) {
                    Probe probe = PROBES.computeIfAbsent(context.settings(), s -> new Probe());
                    return new CountingTransport(f.create(context), probe);
                }
            }
            throw new IllegalStateException("no transport for scheme " + innerScheme + " on the class path");
        }
    }

    /** {@code counting+memory://name}. */
    public static final class MemoryFactory extends Factory {
        public MemoryFactory() {
            super("memory");
        }
    }

    /** {@code counting+kafka://host:port}. */
    public static final class KafkaFactory extends Factory {
        public KafkaFactory() {
            super("kafka");
        }
    }
}
