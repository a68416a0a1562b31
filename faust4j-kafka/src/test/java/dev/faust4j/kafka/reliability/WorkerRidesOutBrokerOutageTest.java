package dev.faust4j.kafka.reliability;

import dev.faust4j.App;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import dev.faust4j.test.kafka.EmbeddedKafka;
import dev.faust4j.testing.Gate;
import dev.faust4j.testing.LogCapture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Reliability battery test d, the part a worker controls (issue 8, §2 item 6): the broker goes away for longer than
 * the producer's delivery timeout while an agent forwards records. The worker does not exit: the sends that fail
 * with Kafka's retriable errors are sent again, fetching stops meanwhile, a WARN says what it waits for, the inputs
 * whose outputs are not yet delivered stay uncommitted, and when the broker is back every input has its output and
 * the committed offset reaches the end. A private broker ({@link EmbeddedKafka#start}) is stopped and restarted with
 * its data on the same port.
 */
class WorkerRidesOutBrokerOutageTest {

    record Item(int id) {}

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int RECORDS = 30;

    /** Client settings that make an outage visible in seconds instead of minutes. */
    private static final Map<String, String> FAST_FAILURE = Map.ofEntries(
            Map.entry("producer.delivery.timeout.ms", "3000"),
            Map.entry("producer.request.timeout.ms", "1000"),
            Map.entry("producer.linger.ms", "0"),
            Map.entry("producer.max.block.ms", "2000"),
            Map.entry("consumer.request.timeout.ms", "2000"),
            Map.entry("consumer.default.api.timeout.ms", "10000"),
            Map.entry("reconnect.backoff.ms", "50"),
            Map.entry("reconnect.backoff.max.ms", "250"),
            Map.entry("retry.backoff.ms", "50"),
            Map.entry("retry.backoff.max.ms", "250"),
            Map.entry("socket.connection.setup.timeout.ms", "1000"),
            Map.entry("socket.connection.setup.timeout.max.ms", "1000"));

    @Test
    void aWorkerRidesOutAnOutageLongerThanTheDeliveryTimeoutLosingNothing() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(0)) {
            String id = "outage-" + Long.toHexString(System.nanoTime());
            String input = id + "-in";
            String output = id + "-out";
            App.Builder builder = App.builder(id).broker(kafka.brokerUrl());
            FAST_FAILURE.forEach(builder::clientProperty);
            try (LogCapture logs = new LogCapture(); App app = builder.build(); Gate gate = new Gate()) {
                Topic<String, Item> in = topic(app, input);
                Topic<String, Item> out = topic(app, output);
                app.agent(in, stream -> {
                    for (Item item : stream) {
                        gate.pass();
                        out.send("k" + item.id(), item);
                    }
                }).name("forward");
                CompletableFuture.allOf(IntStream.range(0, RECORDS)
                        .mapToObj(i -> in.send("k" + i, new Item(i))).toArray(CompletableFuture[]::new)).join();
                app.start();
                CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                    try {
                        return app.awaitTermination();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                });
                gate.allow(5);
                await().atMost(PATIENCE).until(() -> outputIds(kafka, output).size() == 5);
                await().atMost(PATIENCE).until(() -> committed(kafka, id, input) == 5);

                try (EmbeddedKafka.Outage outage = kafka.outage()) {
                    gate.open(); // the agent now sends while the broker is away
                    if (LogCapture.supported()) {
                        await("the worker says it retries").atMost(PATIENCE)
                                .until(() -> logs.text().contains("retrying, and fetching is paused"));
                    }
                    // the first send waits out max.block.ms or the delivery timeout, then is retried: still running
                    await().atMost(PATIENCE).until(() -> gate.arrivals() >= 6);
                    assertThat(exit).as("the worker keeps running through the outage").isNotDone();
                }

                await("every input has its output").atMost(PATIENCE)
                        .until(() -> outputIds(kafka, output).size() == RECORDS);
                assertThat(outputIds(kafka, output)).containsExactlyElementsOf(
                        IntStream.range(0, RECORDS).boxed().collect(Collectors.toCollection(TreeSet::new)));
                await("the commit reaches the end").atMost(PATIENCE)
                        .until(() -> committed(kafka, id, input) == RECORDS);
                assertThat(exit).as("the worker is still running after the outage").isNotDone();
                if (LogCapture.supported()) {
                    assertThat(logs.text()).contains("sends go through again");
                }
                app.stop();
                assertThat(exit.get()).isZero();
            }
        }
    }

    private static long committed(EmbeddedKafka kafka, String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            OffsetAndMetadata o = offsets.get(new TopicPartition(topic, 0));
            return o == null ? -1 : o.offset();
        }
    }

    private static Topic<String, Item> topic(App app, String name) {
        return app.topic(
                TopicOptions.builder(Codecs.string(), Codecs.json(Item.class)).names(name).partitions(1).build());
    }

    private static Set<Integer> outputIds(EmbeddedKafka kafka, String topic) {
        Set<Integer> ids = new TreeSet<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer",
                StringDeserializer.class.getName(),
                "group.id", "reader-" + System.nanoTime(), "auto.offset.reset", "earliest", "enable.auto.commit",
                "false"))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    ids.add(Integer.parseInt(r.key().substring(1)));
                }
            }
        }
        return ids;
    }
}
