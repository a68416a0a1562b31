package dev.faust4j.kafka;

import dev.faust4j.spi.CommitFailedException;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.Header;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;

import static dev.faust4j.kafka.KafkaTestSupport.PATIENCE;
import static dev.faust4j.kafka.KafkaTestSupport.POLL;
import static dev.faust4j.kafka.KafkaTestSupport.RecordingListener;
import static dev.faust4j.kafka.KafkaTestSupport.internal;
import static dev.faust4j.kafka.KafkaTestSupport.pollRecords;
import static dev.faust4j.kafka.KafkaTestSupport.pollUntil;
import static dev.faust4j.kafka.KafkaTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The consumer adapter against the embedded broker: every test uses its own topic and consumer group. */
@Timeout(180) // a safety net against a hung broker, not a timing assertion
class KafkaConsumerTest {

    private static final Duration LONG_POLL = Duration.ofMinutes(5);

    /** Sends with its own transport, so the group of the transport under test is untouched. */
    private static KafkaTransport sender;

    @BeforeAll
    static void start() {
        sender = KafkaTestSupport.transport(unique("sender"));
    }

    @AfterAll
    static void stop() {
        sender.close();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String topic(int partitions) {
        String topic = unique("t");
        sender.declareTopics(List.of(internal(topic, partitions)));
        return topic;
    }

    private static void send(String topic, int partition, String key, String value, List<Header> headers) {
        sender.producer().send(new ProducedRecord(topic, partition, null, bytes(key), bytes(value), headers)).join();
    }

    private static void awaitAssignment(TransportConsumer consumer, int partitions) {
        await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    consumer.poll(POLL);
                    return consumer.assignment().size() == partitions;
                });
    }

    @Test
    void pollReturnsRecordsGroupedPerPartitionWithOffsetsKeysValuesAndHeaders() {
        String topic = topic(3);
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < 3; i++) {
                List<Header> headers = i == 1 ? List.of(new Header("h", bytes("p" + p)), new Header("none", null))
                        : List.of();
                send(topic, p, "k" + p + i, "v" + p + i, headers);
            }
        }
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            List<PartitionRecords> batches = pollUntil(consumer, r -> r.size() >= 9);

            Set<TopicPartition> seen = new HashSet<>();
            for (PartitionRecords batch : batches) {
                seen.add(batch.partition());
                assertThat(batch.records()).isNotEmpty().allSatisfy(r -> {
                    assertThat(r.topic()).isEqualTo(batch.partition().topic());
                    assertThat(r.partition()).isEqualTo(batch.partition().partition());
                });
                List<Long> offsets = batch.records().stream().map(ConsumedRecord::offset).toList();
                assertThat(offsets).isSorted();
            }
            assertThat(seen).containsExactlyInAnyOrder(new TopicPartition(topic, 0), new TopicPartition(topic, 1),
                    new TopicPartition(topic, 2));

            for (int p = 0; p < 3; p++) {
                int partition = p;
                List<ConsumedRecord> records = batches.stream().filter(b -> b.partition().partition() == partition)
                        .flatMap(b -> b.records().stream()).toList();
                assertThat(records).extracting(ConsumedRecord::offset).containsExactly(0L, 1L, 2L);
                assertThat(records).extracting(r -> text(r.key())).containsExactly("k" + p + "0", "k" + p + "1",
                        "k" + p + "2");
                assertThat(records).extracting(r -> text(r.value())).containsExactly("v" + p + "0", "v" + p + "1",
                        "v" + p + "2");
                assertThat(records.get(0).headers()).isEmpty();
                assertThat(records.get(1).headers()).extracting(Header::key).containsExactly("h", "none");
                assertThat(text(records.get(1).headers().get(0).value())).isEqualTo("p" + p);
                assertThat(records.get(1).headers().get(1).value()).isNull();
                assertThat(records.get(1).timestamp()).isPositive();
            }
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void aNewMemberOfTheGroupStartsAtTheCommittedOffset() {
        String topic = topic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        for (int i = 0; i < 10; i++) {
            send(topic, 0, "k" + i, "v" + i, List.of());
        }
        String group = unique("group");
        KafkaTransport transport = KafkaTestSupport.transport(group);
        TransportConsumer first = transport.createConsumer();
        try {
            first.subscribe(List.of(topic), new RecordingListener());
            assertThat(pollRecords(first, 10)).hasSize(10);
            assertThat(first.position(tp)).isEqualTo(10);
            first.commit(Map.of(tp, 6L));
        } finally {
            first.close();
        }

        TransportConsumer second = transport.createConsumer();
        try {
            RecordingListener listener = new RecordingListener();
            second.subscribe(List.of(topic), listener);
            List<ConsumedRecord> records = pollRecords(second, 4);
            assertThat(records).extracting(ConsumedRecord::offset).containsExactly(6L, 7L, 8L, 9L);
            assertThat(listener.assigned).containsExactly(tp);
        } finally {
            second.close();
            transport.close();
        }
    }

    @Test
    void anAsynchronousCommitReportsOnThePollingThreadAndANewMemberStartsThere() {
        String topic = topic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        for (int i = 0; i < 10; i++) {
            send(topic, 0, "k" + i, "v" + i, List.of());
        }
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer first = transport.createConsumer();
        List<String> outcomes = new ArrayList<>();
        try {
            first.subscribe(List.of(topic), new RecordingListener());
            assertThat(pollRecords(first, 10)).hasSize(10);
            Thread poller = Thread.currentThread();
            first.commitAsync(Map.of(tp, 7L), failure -> outcomes.add(
                    (failure == null ? "ok" : failure.getMessage())
                            + (Thread.currentThread() == poller ? " on poller" : " elsewhere")));
            await().atMost(PATIENCE).pollInSameThread().until(() -> {
                first.poll(POLL);
                return !outcomes.isEmpty();
            });
            assertThat(outcomes).containsExactly("ok on poller");
        } finally {
            first.close();
        }

        TransportConsumer second = transport.createConsumer();
        try {
            second.subscribe(List.of(topic), new RecordingListener());
            assertThat(pollRecords(second, 3)).extracting(ConsumedRecord::offset).containsExactly(7L, 8L, 9L);
        } finally {
            second.close();
            transport.close();
        }
    }

    @Test
    void anAsynchronousCommitForAPartitionNotAssignedFailsWithItsName() {
        String topic = topic(1);
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            awaitAssignment(consumer, 1);
            TopicPartition stranger = new TopicPartition(topic + "-other", 3);
            List<CommitFailedException> failures = new ArrayList<>();
            consumer.commitAsync(Map.of(stranger, 1L), failures::add);
            assertThat(failures).singleElement().satisfies(f -> assertThat(f.getMessage())
                    .contains(stranger.toString()).contains("not assigned"));
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void commitForAPartitionNotAssignedIsRefusedWithItsName() {
        String topic = topic(1);
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            awaitAssignment(consumer, 1);
            TopicPartition stranger = new TopicPartition(topic + "-other", 3);
            assertThatThrownBy(() -> consumer.commit(Map.of(stranger, 1L)))
                    .isInstanceOf(CommitFailedException.class)
                    .hasMessageContaining(stranger.toString())
                    .hasMessageContaining("not assigned");
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void pausedPartitionsAreNotFetchedUntilResumed() {
        String topic = topic(2);
        TopicPartition p0 = new TopicPartition(topic, 0);
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            awaitAssignment(consumer, 2);
            consumer.pause(List.of(p0));
            consumer.pause(List.of(new TopicPartition(topic + "-unassigned", 0))); // ignored, as on the memory transport

            for (int i = 0; i < 5; i++) {
                send(topic, 0, "k", "paused-" + i, List.of());
                send(topic, 1, "k", "live-" + i, List.of());
            }
            List<ConsumedRecord> live = pollRecords(consumer, 5);
            assertThat(live).extracting(ConsumedRecord::partition).containsOnly(1);

            consumer.resume(List.of(p0));
            List<ConsumedRecord> resumed = pollRecords(consumer, 5);
            assertThat(resumed).extracting(ConsumedRecord::partition).containsOnly(0);
            assertThat(resumed).extracting(r -> text(r.value())).containsExactly("paused-0", "paused-1", "paused-2",
                    "paused-3", "paused-4");
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void wakeupMakesABlockedPollReturnEmpty() {
        String topic = topic(1);
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            awaitAssignment(consumer, 1);
            CountDownLatch polling = new CountDownLatch(1);
            CompletableFuture<Void> waker = CompletableFuture.runAsync(() -> {
                try {
                    polling.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                consumer.wakeup(); // whether poll is already blocked or about to be, it must return at once
            });
            polling.countDown();
            assertThat(consumer.poll(LONG_POLL)).isEmpty();
            waker.join();
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void aWakeupBeforeCommitOrPositionIsKeptForTheNextPoll() {
        String topic = topic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        send(topic, 0, "k", "v", List.of());
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            assertThat(pollRecords(consumer, 1)).hasSize(1);

            consumer.wakeup();
            consumer.commit(Map.of(tp, 1L)); // Kafka would throw WakeupException here; the SPI must not
            assertThat(consumer.position(tp)).isEqualTo(1);
            assertThat(consumer.poll(LONG_POLL)).isEmpty();

            send(topic, 0, "k", "after", List.of());
            assertThat(pollRecords(consumer, 1)).extracting(ConsumedRecord::offset).containsExactly(1L);
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void pollWithoutSubscriptionWaitsAndWakesUp() {
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            assertThat(consumer.poll(Duration.ofMillis(10))).isEmpty();
            consumer.wakeup();
            assertThat(consumer.poll(LONG_POLL)).isEmpty();
            assertThat(consumer.assignment()).isEmpty();
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void positionReachesTheEndOffsetAcrossAbortedTransactionsAndMarkers() throws Exception {
        String topic = topic(1);
        TopicPartition tp = new TopicPartition(topic, 0);
        Map<String, Object> txConfig = Map.of(
                "bootstrap.servers", KafkaTestSupport.kafka().bootstrapServers(),
                "transactional.id", unique("tx"),
                "key.serializer", ByteArraySerializer.class.getName(),
                "value.serializer", ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> tx = new KafkaProducer<>(txConfig)) {
            tx.initTransactions();
            tx.beginTransaction();
            for (int i = 0; i < 3; i++) {
                tx.send(new ProducerRecord<>(topic, 0, bytes("k"), bytes("committed-" + i)));
            }
            tx.commitTransaction(); // offsets 0-2, marker 3
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(topic, 0, bytes("k"), bytes("aborted-0")));
            tx.send(new ProducerRecord<>(topic, 0, bytes("k"), bytes("aborted-1")));
            tx.flush(); // abort would drop records still unsent; these must reach the log
            tx.abortTransaction(); // offsets 4-5, marker 6
            tx.beginTransaction();
            tx.send(new ProducerRecord<>(topic, 0, bytes("k"), bytes("committed-3")));
            tx.commitTransaction(); // offset 7, marker 8
        }
        long end = 9; // the markers are written after commit/abort return: wait for them
        await().atMost(PATIENCE).until(() -> KafkaTestSupport.endOffset(tp) == end);

        String group = unique("group");
        KafkaTransport transport = KafkaTestSupport.transport(group,
                Map.of("consumer.isolation.level", "read_committed"));
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            List<ConsumedRecord> records = new ArrayList<>();
            await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        consumer.poll(POLL).forEach(b -> records.addAll(b.records()));
                        return consumer.assignment().contains(tp) && consumer.position(tp) == end;
                    });
            assertThat(records).extracting(ConsumedRecord::offset).containsExactly(0L, 1L, 2L, 7L);
            assertThat(records).extracting(r -> text(r.value())).containsExactly("committed-0", "committed-1",
                    "committed-2", "committed-3");
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @ParameterizedTest(name = "group.protocol={0}")
    @ValueSource(strings = {"classic", "consumer"})
    void twoMembersOfOneGroupSplitThePartitionsAndMayCommitWhileRevoking(String protocol) {
        String topic = topic(4);
        List<TopicPartition> all = IntStream.range(0, 4).mapToObj(p -> new TopicPartition(topic, p)).toList();
        Map<String, String> props = protocol.equals("classic")
                // classic protocol: a member learns of a rebalance at its next heartbeat (3 s by default)
                ? Map.of("consumer.heartbeat.interval.ms", "300")
                : Map.of("group.protocol", "consumer");
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"), props);
        TransportConsumer first = transport.createConsumer();
        TransportConsumer second = transport.createConsumer();
        List<Map<TopicPartition, Long>> committedWhileRevoking = new ArrayList<>();
        RecordingListener firstListener = new RecordingListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                super.onPartitionsRevoked(partitions);
                Map<TopicPartition, Long> offsets = new java.util.HashMap<>();
                partitions.forEach(tp -> offsets.put(tp, first.position(tp)));
                first.commit(offsets); // the member still owns them: the core commits here
                committedWhileRevoking.add(offsets);
            }
        };
        RecordingListener secondListener = new RecordingListener();
        try {
            first.subscribe(List.of(topic), firstListener);
            awaitAssignment(first, 4);
            assertThat(firstListener.assigned).containsExactlyInAnyOrderElementsOf(all);

            second.subscribe(List.of(topic), secondListener);
            await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        first.poll(POLL);
                        second.poll(POLL);
                        Set<TopicPartition> a = first.assignment();
                        Set<TopicPartition> b = second.assignment();
                        Set<TopicPartition> union = new HashSet<>(a);
                        union.addAll(b);
                        return !a.isEmpty() && !b.isEmpty() && union.size() == 4 && a.size() + b.size() == 4;
                    });
            assertThat(firstListener.revoked).isNotEmpty().doesNotContainAnyElementsOf(first.assignment());
            assertThat(committedWhileRevoking).isNotEmpty();
            assertThat(secondListener.assigned).containsExactlyInAnyOrderElementsOf(second.assignment());
            assertThat(firstListener.lost).isEmpty();

            second.close();
            await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        first.poll(POLL);
                        return first.assignment().size() == 4;
                    });
            assertThat(firstListener.events.getLast()).startsWith("assigned");
            assertThat(secondListener.revoked).as("close() does not call the listener").isEmpty();
        } finally {
            first.close();
            second.close();
            transport.close();
        }
    }

    @Test
    void anExceptionFromTheRebalanceListenerReachesThePollCaller() {
        String topic = topic(1);
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        TransportConsumer consumer = transport.createConsumer();
        IllegalStateException boom = new IllegalStateException("listener failed");
        try {
            consumer.subscribe(List.of(topic), new RebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    throw boom;
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                }
            });
            List<Throwable> thrown = new ArrayList<>();
            await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        try {
                            consumer.poll(POLL);
                        } catch (RuntimeException e) {
                            thrown.add(e);
                        }
                        return !thrown.isEmpty();
                    });
            assertThat(thrown.get(0)).isSameAs(boom);
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void maxPollRecordsAndPrefixedConsumerPropertiesReachTheConsumer() {
        String topic = topic(1);
        for (int i = 0; i < 6; i++) {
            send(topic, 0, "k", "v" + i, List.of());
        }
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"),
                Map.of("consumer.max.poll.records", "2"));
        assertThat(transport.producerConfig()).doesNotContainKey("max.poll.records");
        TransportConsumer consumer = transport.createConsumer();
        try {
            consumer.subscribe(List.of(topic), new RecordingListener());
            List<PartitionRecords> batches = pollUntil(consumer, r -> r.size() >= 6);
            assertThat(batches).allSatisfy(b -> assertThat(b.records()).hasSizeLessThanOrEqualTo(2));
        } finally {
            consumer.close();
            transport.close();
        }
    }

    @Test
    void theNewConsumerGroupProtocolWorks() {
        String topic = topic(2);
        TopicPartition p0 = new TopicPartition(topic, 0);
        for (int i = 0; i < 4; i++) {
            send(topic, i % 2, "k" + i, "v" + i, List.of());
        }
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"), Map.of("group.protocol", "consumer"));
        TransportConsumer first = transport.createConsumer();
        RecordingListener listener = new RecordingListener();
        try {
            first.subscribe(List.of(topic), listener);
            assertThat(pollRecords(first, 4)).hasSize(4);
            assertThat(first.assignment()).hasSize(2);
            assertThat(listener.assigned).hasSize(2);
            first.commit(Map.of(p0, 1L));
        } finally {
            first.close();
        }
        TransportConsumer second = transport.createConsumer();
        try {
            second.subscribe(List.of(topic), new RecordingListener());
            List<ConsumedRecord> again = pollRecords(second, 3);
            assertThat(again).filteredOn(r -> r.partition() == 0).extracting(ConsumedRecord::offset)
                    .containsExactly(1L);
            assertThat(again).filteredOn(r -> r.partition() == 1).extracting(ConsumedRecord::offset).containsExactly(0L,
                    1L);
        } finally {
            second.close();
            transport.close();
        }
    }
}
