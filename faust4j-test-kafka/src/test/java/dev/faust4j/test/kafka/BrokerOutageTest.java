package dev.faust4j.test.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@link EmbeddedKafka#outage()}: the broker goes away for longer than the producer's delivery timeout while plain
 * Kafka clients keep running, then comes back on the same port with its data. Sends made during the outage fail
 * with the retriable {@link TimeoutException} (batch expiry after {@code delivery.timeout.ms}, or {@code send()}
 * blocked for {@code max.block.ms} once the producer has rebootstrapped and forgotten the topic); the same producer
 * succeeds afterwards; records written before the outage and both consumer groups' committed offsets (classic and
 * KIP-848 protocol) survive; the consumers resume where they were, receiving exactly the records written after the
 * outage. {@link #producerConfig} and {@link #consumerConfig} are the client settings that make an outage visible
 * within seconds. The test prints how long the stop, the failures and the restart took ({@code [outage]} lines).
 */
class BrokerOutageTest {

    /** A safety net for waits, never a timing assertion. */
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Short, so that sends made during the outage fail quickly. */
    private static final int DELIVERY_TIMEOUT_MS = 3000;
    /** How long send() may block for metadata; during an outage, see the test. */
    private static final int MAX_BLOCK_MS = 2000;
    private static final String TOPIC = "outage";
    private static final int PARTITIONS = 2;

    @Test
    void clientsRideOutABrokerOutageAndNothingIsLost() throws Exception {
        long bootStart = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            long bootMs = millisSince(bootStart);
            String bootstrap = kafka.bootstrapServers();
            int port = Integer.parseInt(bootstrap.substring(bootstrap.lastIndexOf(':') + 1));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
                 KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig(bootstrap));
                 KafkaConsumer<String, String> classic = new KafkaConsumer<>(
                         consumerConfig(bootstrap, "g-classic", "classic"));
                 KafkaConsumer<String, String> kip848 = new KafkaConsumer<>(
                         consumerConfig(bootstrap, "g-consumer", "consumer"))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get();
                awaitServed(admin);

                // before: records written and consumed, offsets committed
                List<String> before = values("before", 10);
                for (String value : before) {
                    producer.send(new ProducerRecord<>(TOPIC, value, value)).get(PATIENCE.toSeconds(),
                            TimeUnit.SECONDS);
                }
                List<KafkaConsumer<String, String>> consumers = List.of(classic, kip848);
                consumers.forEach(c -> c.subscribe(List.of(TOPIC)));
                assertThat(pollUntil(classic, before.size())).containsExactlyInAnyOrderElementsOf(before);
                assertThat(pollUntil(kip848, before.size())).containsExactlyInAnyOrderElementsOf(before);
                consumers.forEach(KafkaConsumer::commitSync);
                Map<TopicPartition, OffsetAndMetadata> classicCommitted = committed(admin, "g-classic");
                Map<TopicPartition, OffsetAndMetadata> kip848Committed = committed(admin, "g-consumer");
                assertThat(sum(classicCommitted)).isEqualTo(before.size());
                assertThat(kip848Committed).isEqualTo(classicCommitted);

                // the outage: longer than the delivery timeout, the clients keep running
                long stopStart = System.nanoTime();
                EmbeddedKafka.Outage outage = kafka.outage();
                long stopMs = millisSince(stopStart);
                long failMs;
                long restartMs;
                try {
                    assertThat(kafka.isBrokerRunning()).isFalse();
                    assertThatThrownBy(() -> connect(port)).isInstanceOf(ConnectException.class);
                    // Two ways to fail, both a retriable TimeoutException: a batch waiting in the accumulator
                    // expires after delivery.timeout.ms; or, once the producer has given up on every known broker
                    // and gone back to its bootstrap servers (metadata.recovery.strategy=rebootstrap, the
                    // default), it no longer knows the topic and send() itself blocks for max.block.ms.
                    long outageStart = System.nanoTime();
                    List<SendOutcome> during = new ArrayList<>();
                    for (String value : values("during", 3)) {
                        SendOutcome outcome = new SendOutcome(value, System.nanoTime());
                        outcome.future = producer.send(new ProducerRecord<>(TOPIC, value, value), outcome);
                        during.add(outcome);
                    }
                    await("sends during the outage fail").atMost(PATIENCE).pollInSameThread()
                            .pollInterval(Duration.ofMillis(10))
                            .until(() -> {
                                // the consumers keep polling and get nothing, and no error either
                                consumers.forEach(c -> assertThat(c.poll(Duration.ofMillis(20))).isEmpty());
                                return during.stream().allMatch(o -> o.future.isDone());
                            });
                    failMs = millisSince(outageStart);
                    for (SendOutcome o : during) {
                        assertThatThrownBy(o.future::get).isInstanceOf(ExecutionException.class)
                                .cause().isInstanceOf(TimeoutException.class).isInstanceOf(RetriableException.class);
                        assertThat(o.error).isInstanceOf(TimeoutException.class);
                        String message = o.error.getMessage();
                        System.out.printf("[outage] %s failed %d ms after send(): %s%n", o.value, o.millis(), message);
                        if (message.startsWith("Expiring")) {
                            assertThat(o.millis()).isGreaterThanOrEqualTo(DELIVERY_TIMEOUT_MS - 50);
                        } else {
                            assertThat(message).contains("not present in metadata after " + MAX_BLOCK_MS + " ms");
                            assertThat(o.millis()).isGreaterThanOrEqualTo(MAX_BLOCK_MS - 50);
                        }
                    }
                } finally {
                    long restartStart = System.nanoTime();
                    outage.close();
                    restartMs = millisSince(restartStart);
                }

                // after: same port, same producer, same consumers
                assertThat(kafka.isBrokerRunning()).isTrue();
                assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
                connect(port);
                long resumeStart = System.nanoTime();
                List<String> after = values("after", 5);
                for (String value : after) {
                    producer.send(new ProducerRecord<>(TOPIC, value, value)).get(PATIENCE.toSeconds(),
                            TimeUnit.SECONDS);
                }
                long firstSendsMs = millisSince(resumeStart);
                assertThat(committed(admin, "g-classic")).isEqualTo(classicCommitted);
                assertThat(committed(admin, "g-consumer")).isEqualTo(kip848Committed);
                assertThat(pollUntil(classic, after.size())).containsExactlyInAnyOrderElementsOf(after);
                assertThat(pollUntil(kip848, after.size())).containsExactlyInAnyOrderElementsOf(after);
                long consumersResumedMs = millisSince(resumeStart);
                consumers.forEach(KafkaConsumer::commitSync);
                assertThat(sum(committed(admin, "g-classic"))).isEqualTo(before.size() + after.size());
                assertThat(sum(committed(admin, "g-consumer"))).isEqualTo(before.size() + after.size());

                // the log holds exactly the records written before and after the outage
                List<String> all = new ArrayList<>(before);
                all.addAll(after);
                assertThat(readAll(bootstrap)).containsExactlyInAnyOrderElementsOf(all);

                System.out.printf(
                        "[outage] broker start %d ms, stop %d ms, sends during the outage all failed after %d ms, "
                                + "restart %d ms, sends after the restart %d ms, consumers resumed %d ms%n",
                        bootMs, stopMs, failMs, restartMs, firstSendsMs, consumersResumedMs);

                // stopBroker/restartBroker directly, idempotent; a restart right after the stop waits for the stopped
                // broker's controller session to expire (broker.session.timeout.ms, see PRIVATE_BROKER_CONFIG)
                kafka.restartBroker(); // running: nothing to do
                long shortStart = System.nanoTime();
                kafka.stopBroker();
                kafka.stopBroker();
                assertThatThrownBy(kafka::outage).isInstanceOf(IllegalStateException.class);
                long shortStopped = System.nanoTime();
                kafka.restartBroker();
                kafka.restartBroker();
                System.out.printf("[outage] immediate stop and restart: stop %d ms, restart %d ms%n",
                        TimeUnit.NANOSECONDS.toMillis(shortStopped - shortStart), millisSince(shortStopped));
                producer.send(new ProducerRecord<>(TOPIC, "last", "last")).get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                all.add("last");
                assertThat(readAll(bootstrap)).containsExactlyInAnyOrderElementsOf(all);
                assertThat(sum(committed(admin, "g-classic"))).isEqualTo(before.size() + after.size());
            }
            kafka.close();
            assertThat(kafka.isBrokerRunning()).isFalse();
            assertThatThrownBy(kafka::stopBroker).isInstanceOf(IllegalStateException.class);
        }
    }

    /** A send's completion, seen by its callback. */
    private static final class SendOutcome implements Callback {
        final String value;
        final long sentAt;
        volatile Future<RecordMetadata> future;
        volatile Exception error;
        volatile long completedAt;

        SendOutcome(String value, long sentAt) {
            this.value = value;
            this.sentAt = sentAt;
        }

        @Override
        public void onCompletion(RecordMetadata metadata, Exception exception) {
            error = exception;
            completedAt = System.nanoTime();
        }

        long millis() {
            return TimeUnit.NANOSECONDS.toMillis(completedAt - sentAt);
        }
    }

    @Test
    void theSharedBrokerCannotBeStopped() {
        EmbeddedKafka shared = EmbeddedKafka.shared();
        assertThatThrownBy(shared::stopBroker).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(shared::outage).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(shared::restartBroker).isInstanceOf(IllegalStateException.class);
        assertThat(shared.isBrokerRunning()).isTrue();
    }

    /** The client settings that make an outage visible within seconds. */
    static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("key.serializer", StringSerializer.class.getName());
        c.put("value.serializer", StringSerializer.class.getName());
        c.put("acks", "all");
        c.put("linger.ms", 0);
        c.put("delivery.timeout.ms", DELIVERY_TIMEOUT_MS); // >= linger.ms + request.timeout.ms
        c.put("request.timeout.ms", 1000);
        c.put("max.block.ms", MAX_BLOCK_MS); // send() waiting for metadata of a topic it does not know (any more)
        c.putAll(fastReconnect());
        return c;
    }

    static Map<String, Object> consumerConfig(String bootstrap, String group, String protocol) {
        Map<String, Object> c = new HashMap<>();
        c.put("bootstrap.servers", bootstrap);
        c.put("key.deserializer", StringDeserializer.class.getName());
        c.put("value.deserializer", StringDeserializer.class.getName());
        c.put("group.id", group);
        c.put("group.protocol", protocol);
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", false);
        c.put("request.timeout.ms", 2000);
        c.put("default.api.timeout.ms", 10000);
        c.putAll(fastReconnect());
        return c;
    }

    private static Map<String, Object> fastReconnect() {
        return Map.of(
                "reconnect.backoff.ms", 50,
                "reconnect.backoff.max.ms", 250,
                "retry.backoff.ms", 50,
                "retry.backoff.max.ms", 250,
                "socket.connection.setup.timeout.ms", 1000,
                "socket.connection.setup.timeout.max.ms", 1000);
    }

    private static List<String> values(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    /** Polls until exactly {@code count} records arrived (more would fail the caller's assertion). */
    private static List<String> pollUntil(KafkaConsumer<String, String> consumer, int count) {
        List<String> values = new ArrayList<>();
        await("records for " + consumer.groupMetadata().groupId()).atMost(PATIENCE).pollInSameThread()
                .pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                        values.add(r.value());
                    }
                    return values.size() >= count;
                });
        return values;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(PATIENCE.toSeconds(),
                TimeUnit.SECONDS);
    }

    private static long sum(Map<TopicPartition, OffsetAndMetadata> offsets) {
        return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum();
    }

    /** Every record in the topic, read from the beginning without a group. */
    private static List<String> readAll(String bootstrap) {
        Map<String, Object> c = consumerConfig(bootstrap, "unused", "classic");
        c.remove("group.id");
        c.remove("group.protocol");
        try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(c)) {
            List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p))
                    .toList();
            reader.assign(partitions);
            reader.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = reader.endOffsets(partitions);
            List<String> values = new ArrayList<>();
            await("the whole topic").atMost(PATIENCE).pollInSameThread().pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        reader.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
                        return partitions.stream().allMatch(tp -> reader.position(tp) >= end.get(tp));
                    });
            return values;
        }
    }

    /** Waits until every partition has a leader that answers ListOffsets (see EmbeddedKafka). */
    private static void awaitServed(Admin admin) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        IntStream.range(0, PARTITIONS).forEach(p -> latest.put(new TopicPartition(TOPIC, p), OffsetSpec.latest()));
        await("leaders of " + TOPIC).atMost(PATIENCE).ignoreExceptions()
                .until(() -> admin.listOffsets(latest).all().get().size() == PARTITIONS);
    }

    private static void connect(int port) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(LoopbackSocketFactoryManager.LOOPBACK, port), 1000);
        }
    }

    private static long millisSince(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
