package dev.faust4j.kafka;

import dev.faust4j.App;
import dev.faust4j.Settings;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import dev.faust4j.test.kafka.EmbeddedKafka;
import dev.faust4j.testing.Checks;
import dev.faust4j.testing.LogCapture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * reliability.md S1 and S2 with SASL: a broker whose second listener is {@code SASL_PLAINTEXT} with the {@code PLAIN}
 * mechanism and one user (127.0.0.1 only, {@link EmbeddedKafka#startWithSaslPlain}). A faust4j app configured only
 * through client properties ({@code security.protocol}, {@code sasl.mechanism}, {@code sasl.jaas.config}) consumes
 * and produces through it; with a wrong password it fails at once with one clear authentication error. Neither run
 * logs the password or the JAAS configuration, and neither does any config dump.
 */
class SaslPassThroughTest {

    private static final String USER = "faust4j-user";
    private static final String PASSWORD = "s3cr3t-Pa55word-7f1c";
    private static final String WRONG_PASSWORD = "wr0ng-Pa55word-9d2e";
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final int RECORDS = 10;

    record Item(int id) {}

    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.startWithSaslPlain(Map.of(USER, PASSWORD));
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static String jaas(String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + USER
                + "\" password=\"" + password + "\";";
    }

    private static App.Builder saslApp(String id, String password) {
        return App.builder(id).broker("kafka://" + kafka.saslBootstrapServers())
                .clientProperty("security.protocol", "SASL_PLAINTEXT")
                .clientProperty("sasl.mechanism", "PLAIN")
                .clientProperty("sasl.jaas.config", jaas(password));
    }

    @Test
    void anAppConfiguredOnlyByClientPropertiesConsumesAndProducesOverSasl() throws Exception {
        assertThat(kafka.saslBootstrapServers()).startsWith("127.0.0.1:").isNotEqualTo(kafka.bootstrapServers());
        String id = "sasl-" + Long.toHexString(System.nanoTime());
        try (LogCapture logs = new LogCapture(); App app = saslApp(id, PASSWORD).build()) {
            Topic<String, Item> in = topic(app, id + "-in");
            Topic<String, Item> out = topic(app, id + "-out");
            app.agent(in, stream -> {
                for (Item item : stream) {
                    out.send("k" + item.id(), new Item(item.id() * 10)).join(); // the agent acks once it is sent
                }
            }).name("forward");
            app.start(); // declares the topics through the admin client, over SASL
            CompletableFuture.allOf(IntStream.range(0, RECORDS)
                    .mapToObj(i -> in.send("k" + i, new Item(i))).toArray(CompletableFuture[]::new))
                    .get(PATIENCE.toSeconds(), TimeUnit.SECONDS);

            await("every output, read on the plaintext listener").atMost(PATIENCE)
                    .until(() -> readAll(id + "-out").size() == RECORDS);
            assertThat(readAll(id + "-out")).containsExactlyElementsOf(
                    IntStream.range(0, RECORDS).mapToObj(i -> "{\"id\":" + i * 10 + ",\"__faust\":{\"ns\":\""
                            + Item.class.getCanonicalName() + "\"}}").toList());
            await("the commit reaches the end").atMost(PATIENCE).until(() -> committed(id, id + "-in") == RECORDS);
            app.stop();
            assertThat(app.awaitTermination()).isZero();

            assertNoSecret(logs.text(), PASSWORD);
        }
    }

    @Test
    void aWrongPasswordIsOneClearAuthenticationErrorAndStopsTheApp() throws Exception {
        String id = "sasl-wrong-" + Long.toHexString(System.nanoTime());
        try (LogCapture logs = new LogCapture(); App app = saslApp(id, WRONG_PASSWORD).build()) {
            Topic<String, Item> in = topic(app, id + "-in");
            app.agent(in, stream -> {
                for (Item ignored : stream) {
                    // never reached
                }
            }).name("sink");
            assertThatThrownBy(app::start)
                    .as("start fails at once: declaring the topics needs the admin client, which cannot log in")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(id + "-in")
                    .hasMessageContaining("SaslAuthenticationException: Authentication failed: Invalid username or "
                            + "password");
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
                try {
                    return app.awaitTermination();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(exit.get(5, TimeUnit.SECONDS)).as("the app is stopped, exit code 1").isEqualTo(1);

            List<String> atFailure = authenticationLines(logs.text());
            // a client still retrying in the background would log again meanwhile
            Checks.assertStays("no retry loop: nothing more is logged once start has failed",
                    () -> authenticationLines(logs.text()).size() == atFailure.size());
            String text = logs.text();
            List<String> lines = authenticationLines(text);
            System.out.println("authentication lines (" + lines.size() + "):\n" + String.join("\n", lines));
            assertThat(lines).as("no retry loop: nothing more is logged once start has failed")
                    .hasSameSizeAs(atFailure);
            // Kafka's admin client logs its ERROR once per failed login; it may try a second time before the
            // describe call fails, never more here
            List<String> errors = lines.stream().filter(l -> l.contains(" ERROR ")).toList();
            assertThat(errors).as("ERROR lines, all from the Kafka admin client").hasSizeBetween(1, 2)
                    .allMatch(l -> l.contains("[AdminClient clientId=" + id + "-admin")
                            && l.contains("failed authentication"));
            assertThat(lines).as("the log is not flooded").hasSizeLessThanOrEqualTo(4);
            assertThat(committed(id, id + "-in")).as("nothing committed").isEqualTo(-1);
            assertNoSecret(text, WRONG_PASSWORD);
            assertNoSecret(text, PASSWORD);
        }
    }

    private static List<String> authenticationLines(String log) {
        return log.lines().filter(l -> lower(l).contains("authentication")).toList();
    }

    @Test
    void configDumpsMaskThePasswordAndTheJaasConfig() {
        Settings settings = saslApp("sasl-dump", PASSWORD).clientProperty("ssl.truststore.password", PASSWORD)
                .build().settings();
        assertThat(settings.toString()).contains("sasl.jaas.config=[hidden]")
                .contains("ssl.truststore.password=[hidden]").contains("security.protocol=SASL_PLAINTEXT");
        assertNoSecret(settings.toString(), PASSWORD);
        // what the Kafka clients print as their config dump at INFO ("ConsumerConfig values: ..."): the values map,
        // where sasl.jaas.config and *.password are Kafka's Password type, printed as [hidden]
        Map<String, Object> consumer = KafkaClientConfigs.consumer("sasl-dump", settings);
        Map<String, Object> producer = KafkaClientConfigs.producer("sasl-dump", settings);
        Map<String, Object> admin = KafkaClientConfigs.admin("sasl-dump", settings);
        for (Map<String, Object> c : List.of(consumer, producer, admin)) {
            assertThat(c).containsEntry("sasl.jaas.config", jaas(PASSWORD)).containsEntry("sasl.mechanism", "PLAIN")
                    .containsEntry("security.protocol", "SASL_PLAINTEXT");
        }
        for (String dump : List.of(new ConsumerConfig(consumer).values().toString(),
                new ProducerConfig(producer).values().toString(), new AdminClientConfig(admin).values().toString())) {
            assertThat(dump).contains("sasl.jaas.config=[hidden]").contains("ssl.truststore.password=[hidden]");
            assertNoSecret(dump, PASSWORD);
        }
    }

    private static void assertNoSecret(String text, String password) {
        assertThat(text).doesNotContain(password).doesNotContain("PlainLoginModule required");
    }

    private static Topic<String, Item> topic(App app, String name) {
        return app.topic(
                TopicOptions.builder(Codecs.string(), Codecs.json(Item.class)).names(name).partitions(1).build());
    }

    private static long committed(String group, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return o == null ? -1 : o.offset();
        }
    }

    private static List<String> readAll(String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                "key.deserializer", StringDeserializer.class.getName(), "value.deserializer",
                StringDeserializer.class.getName(), "enable.auto.commit", "false"))) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
