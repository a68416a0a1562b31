package dev.faust4j.kafka.reliability;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * The verifier side of the reliability tests: topic set-up, deterministic input ids, reading outputs back, and
 * the group's committed offsets, all through plain Kafka clients against the run-wide {@link BrokerProcess}
 * (a Kafka broker in its own JVM). Nothing here goes through faust4j, so what it reports is what Kafka holds.
 */
final class Reliability {

    /** A safety net for waits, never a timing assertion. */
    static final Duration PATIENCE = Duration.ofSeconds(90);

    private Reliability() {
    }

    /** The battery's broker: a real KRaft broker in its own JVM ({@link BrokerProcess#shared()}). */
    static BrokerProcess kafka() {
        return BrokerProcess.shared();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", kafka().bootstrapServers()));
    }

    static void createTopic(Admin admin, String name, int partitions, Map<String, String> config) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(config))).all().get();
        // a produce racing the new partitions' leader election gets NOT_LEADER_OR_FOLLOWER and, with several
        // idempotent batches in flight, can end in OUT_OF_ORDER_SEQUENCE retries until the delivery timeout:
        // start using the topic once every partition has a leader
        // (a broker publishes a new leader in its metadata before its replica manager serves it, so also wait for
        // every leader to answer ListOffsets, as faust4j's KafkaTopicAdmin does)
        org.awaitility.Awaitility.await("leaders of " + name).atMost(PATIENCE).ignoreExceptions()
                .until(() -> admin.describeTopics(List.of(name)).allTopicNames().get().get(name).partitions().stream()
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty())
                        && endOffsets(admin, name, partitions).size() == partitions);
    }

    /** A battery run's app id and its input and output topics. */
    record Pipeline(String appId, String input, String output) {
    }

    /** A fresh app id {@code prefix-xxxxxxxx} with its input and output topics created, each of these partitions. */
    static Pipeline pipeline(Admin admin, String prefix, int partitions) throws Exception {
        String appId = unique(prefix);
        Pipeline p = new Pipeline(appId, appId + "-in", appId + "-out");
        createTopic(admin, p.input(), partitions, Map.of());
        createTopic(admin, p.output(), partitions, Map.of());
        return p;
    }

    static String id(int n) {
        return String.format("id-%06d", n);
    }

    static KafkaProducer<String, String> producer(Map<String, Object> extra) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", kafka().bootstrapServers());
        config.put("key.serializer", StringSerializer.class.getName());
        config.put("value.serializer", StringSerializer.class.getName());
        config.put("acks", "all");
        config.put("linger.ms", "5");
        // one batch in flight per connection: a retried batch can never be overtaken (see createTopic)
        config.put("max.in.flight.requests.per.connection", "1");
        config.putAll(extra);
        return new KafkaProducer<>(config);
    }

    /** Where an input id was written. */
    record Position(int partition, long offset) {
    }

    /**
     * Writes ids {@code from} (inclusive) to {@code to} (exclusive), each keyed by itself (so spread over the
     * partitions by murmur2), with the id as value. Returns where each id landed.
     */
    static Map<String, Position> produceIds(String topic, int from, int to) throws Exception {
        return produceIds(topic, from, to, 0);
    }

    /**
     * Like {@link #produceIds(String, int, int)}, with values of {@code valueBytes} characters: the id, a colon, then
     * padding ({@code 0}: the id alone).
     */
    static Map<String, Position> produceIds(String topic, int from, int to, int valueBytes) throws Exception {
        Map<String, Position> out = new LinkedHashMap<>();
        String padding = valueBytes > 0 ? ":" + "x".repeat(Math.max(0, valueBytes - id(0).length() - 1)) : "";
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            Map<String, Future<RecordMetadata>> futures = new LinkedHashMap<>();
            for (int i = from; i < to; i++) {
                String id = id(i);
                futures.put(id, producer.send(new ProducerRecord<>(topic, id, id + padding)));
            }
            producer.flush();
            for (Map.Entry<String, Future<RecordMetadata>> e : futures.entrySet()) {
                RecordMetadata md = e.getValue().get();
                out.put(e.getKey(), new Position(md.partition(), md.offset()));
            }
        }
        return out;
    }

    /** One record read back from a topic. */
    record Out(int partition, long offset, String key, String value, String worker) {
    }

    /** Every record of the topic, from the beginning to the end offsets as of the call (read_uncommitted). */
    static List<Out> readAll(String topic) {
        return readAll(topic, "read_uncommitted");
    }

    static List<Out> readAll(String topic, String isolation) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", kafka().bootstrapServers());
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", StringDeserializer.class.getName());
        config.put("enable.auto.commit", "false");
        config.put("isolation.level", isolation);
        config.put("max.poll.records", "5000");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<Out> out = new ArrayList<>();
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("could not read " + topic + " up to " + end);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    Header w = r.headers().lastHeader("worker");
                    out.add(new Out(r.partition(), r.offset(), r.key(), r.value(),
                            w == null ? null : new String(w.value(), StandardCharsets.UTF_8)));
                }
            }
            return out;
        }
    }

    /** The end offset (next offset to be written) of every partition of the topic. */
    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> out = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        admin.listOffsets(request).all().get().forEach((tp, info) -> out.put(tp, info.offset()));
        return out;
    }

    static long total(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The group's committed offset of every partition of the topic (partitions never committed are absent). */
    static Map<TopicPartition, Long> committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, Long> out = new TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        try {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            all.forEach((tp, om) -> {
                if (tp.topic().equals(topic) && om != null) {
                    out.put(tp, om.offset());
                }
            });
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof GroupIdNotFoundException)) {
                throw e;
            }
        }
        return out;
    }

    /** True when the group has committed the end offset of every partition of the topic (lag 0). */
    static boolean lagZero(Admin admin, String group, String topic, int partitions) throws Exception {
        return committed(admin, group, topic).equals(endOffsets(admin, topic, partitions));
    }

    /**
     * True when the group's lag is 0 on every partition of the input topic and of every other topic it has committed
     * offsets for (a {@code groupBy}'s repartition topic): nothing read by the group waits to be processed.
     */
    static boolean lagZeroEverywhere(Admin admin, String group, String input) throws Exception {
        java.util.Set<String> topics = new java.util.TreeSet<>();
        topics.add(input);
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().keySet()
                .forEach(tp -> topics.add(tp.topic()));
        for (String topic : topics) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, Long> committed = committed(admin, group, topic);
            for (Map.Entry<TopicPartition, Long> end : endOffsets(admin, topic, partitions).entrySet()) {
                if (end.getValue() > 0 && committed.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The group's members and the number of partitions assigned to each (classic or consumer protocol). */
    static Map<String, Integer> members(Admin admin, String group) throws Exception {
        ConsumerGroupDescription d = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        Map<String, Integer> out = new TreeMap<>();
        d.members().forEach(m -> out.put(m.consumerId(), m.assignment().topicPartitions().size()));
        return out;
    }

    /**
     * Waits until the group's committed offset moved past {@code committedAtFault} on every partition that had
     * records left then ({@code committedAtFault < endAtFault}), and returns the time since {@code faultNanos}
     * (a {@link System#nanoTime()}): the battery's recovery time, reported, never asserted on. Polled every 100 ms.
     */
    static Duration awaitRecovery(Admin admin, String group, String topic, Map<TopicPartition, Long> committedAtFault,
                                  Map<TopicPartition, Long> endAtFault, long faultNanos) {
        org.awaitility.Awaitility.await("every partition with records left commits again after the fault")
                .atMost(PATIENCE).pollInterval(Duration.ofMillis(100)).until(() -> {
                    Map<TopicPartition, Long> now = committed(admin, group, topic);
                    return endAtFault.entrySet().stream().allMatch(e -> {
                        long before = committedAtFault.getOrDefault(e.getKey(), 0L);
                        return before >= e.getValue() || now.getOrDefault(e.getKey(), 0L) > before;
                    });
                });
        return Duration.ofNanos(System.nanoTime() - faultNanos);
    }

    /** Counts of every value: value → how many times it appears. */
    static Map<String, Integer> counts(List<Out> records) {
        Map<String, Integer> out = new HashMap<>();
        for (Out r : records) {
            out.merge(r.value(), 1, Integer::sum);
        }
        return out;
    }
}
