package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.memory.Murmur2;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Global tables (issue 10; faust-tables.md §1.4 and scenario 23) on every transport: every worker reads every key,
 * whoever wrote it; a worker that starts has the whole table before it reads a record; a count keeps counting as
 * partitions move between workers, also under exactly-once.
 */
class GlobalTablesTest {

    private static final String ALL = "dev.faust4j.testing.Transports#all";
    private static final int PARTITIONS = 2;

    /** A worker whose agent puts each record's value (or, for "+1", the count plus one) under its key. */
    private record Worker(App app, Table<String, Long> table) implements AutoCloseable {
        static Worker start(TransportFixture transport, String id, ProcessingGuarantee guarantee) {
            App app = App.builder(id).broker(transport.brokerUrl(id)).commitInterval(Duration.ofMillis(50))
                    .topicPartitions(PARTITIONS).processingGuarantee(guarantee)
                    .shutdownGracePeriod(Duration.ofSeconds(10)).build();
            Table<String, Long> table = app.globalTable("values", String.class, Long.class).withDefault(() -> 0L);
            Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                    .names(id + "-in").partitions(PARTITIONS).build());
            app.agent(in, stream -> {
                for (KeyValue<String, String> kv : stream.items()) {
                    if (kv.value().equals("+1")) {
                        table.update(kv.key(), n -> n + 1);
                    } else {
                        table.put(kv.key(), Long.parseLong(kv.value()));
                    }
                }
            }).name("values");
            app.start();
            return new Worker(app, table);
        }

        @Override
        public void close() {
            app.close();
        }
    }

    private static void send(TransportFixture transport, String id, String key, String value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        transport.appendRaw(transport.brokerUrl(id), id + "-in", PARTITIONS, Murmur2.partition(k, PARTITIONS), k,
                value.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void everyWorkerReadsEveryKeyAndAWorkerThatStartsHasTheWholeTable(TransportFixture transport) {
        String id = Transports.uniqueId("global-table");
        Map<String, Long> expected = new HashMap<>();
        try (Worker w1 = Worker.start(transport, id, ProcessingGuarantee.AT_LEAST_ONCE);
             Worker w2 = Worker.start(transport, id, ProcessingGuarantee.AT_LEAST_ONCE)) {
            for (int i = 0; i < 10; i++) {
                send(transport, id, "k" + i, String.valueOf(i));
                expected.put("k" + i, (long) i);
            }
            await().atMost(TIMEOUT).until(() -> w1.table().local().equals(expected));
            await().atMost(TIMEOUT).until(() -> w2.table().local().equals(expected));
            assertThat(w1.table().get("k7")).isEqualTo(7L);
            assertThat(w2.table().get("k7")).isEqualTo(7L);
            assertThatThrownBy(() -> w1.table().put("k1", 1L)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("only possible in an agent");
        }
        try (Worker w3 = Worker.start(transport, id, ProcessingGuarantee.AT_LEAST_ONCE)) {
            assertThat(w3.table().local()).as("restored at start, before a record is read").isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void underExactlyOnceACountKeepsCountingAsPartitionsMoveBetweenWorkers(TransportFixture transport) {
        String id = Transports.uniqueId("global-count");
        try (Worker w1 = Worker.start(transport, id, ProcessingGuarantee.EXACTLY_ONCE)) {
            for (int i = 0; i < 3; i++) {
                send(transport, id, "a", "+1");
                send(transport, id, "b", "+1");
            }
            await().atMost(TIMEOUT).until(() -> w1.table().local().equals(Map.of("a", 3L, "b", 3L)));
            try (Worker w2 = Worker.start(transport, id, ProcessingGuarantee.EXACTLY_ONCE)) {
                await().atMost(TIMEOUT).until(() -> w2.table().local().equals(Map.of("a", 3L, "b", 3L)));
                for (int i = 0; i < 3; i++) {
                    send(transport, id, "a", "+1");
                    send(transport, id, "b", "+1");
                }
                await().atMost(TIMEOUT).until(() -> w1.table().local().equals(Map.of("a", 6L, "b", 6L)));
                await().atMost(TIMEOUT).until(() -> w2.table().local().equals(Map.of("a", 6L, "b", 6L)));
            }
            for (int i = 0; i < 3; i++) {
                send(transport, id, "a", "+1");
                send(transport, id, "b", "+1");
            }
            await().atMost(TIMEOUT).until(() -> w1.table().local().equals(Map.of("a", 9L, "b", 9L)));
        }
    }
}
