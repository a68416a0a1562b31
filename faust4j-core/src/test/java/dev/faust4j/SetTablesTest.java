package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.memory.Murmur2;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Set tables (issue 10; faust-tables.md §1.5 and scenario 24) on every transport: adds and discards survive a
 * restart, the changelog holds Faust's set operations (compactable: each record is the whole set), a change that
 * changes nothing writes nothing, and a changelog written by Python Faust (operations 1, 2 and 15) is restored.
 */
class SetTablesTest {

    private static final String ALL = "dev.faust4j.testing.Transports#all";
    private static final int PARTITIONS = 2;

    /** An app whose agent applies "add:N" / "discard:N" to the set of the record's key; counts records seen. */
    private static App app(TransportFixture transport, String id, SetTable<String, Integer>[] table,
                           AtomicInteger seen) {
        App app = App.builder(id).broker(transport.brokerUrl(id)).commitInterval(Duration.ofMillis(50))
                .topicPartitions(PARTITIONS).shutdownGracePeriod(Duration.ofSeconds(10)).build();
        SetTable<String, Integer> members = app.setTable("members", String.class, Integer.class);
        table[0] = members;
        Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(id + "-in").partitions(PARTITIONS).build());
        app.agent(in, stream -> {
            for (KeyValue<String, String> kv : stream.items()) {
                String[] op = kv.value().split(":");
                int member = Integer.parseInt(op[1]);
                if (op[0].equals("add")) {
                    members.add(kv.key(), member);
                } else {
                    members.discard(kv.key(), member);
                }
                seen.incrementAndGet();
            }
        }).name("sets");
        app.start();
        return app;
    }

    private static void send(TransportFixture transport, String id, String key, String... values) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        for (String v : values) {
            transport.appendRaw(transport.brokerUrl(id), id + "-in", PARTITIONS, Murmur2.partition(k, PARTITIONS), k,
                    v.getBytes(StandardCharsets.UTF_8));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void addsAndDiscardsSurviveARestartAsFaustSetOperations(TransportFixture transport) {
        String id = Transports.uniqueId("set-table");
        @SuppressWarnings("unchecked") SetTable<String, Integer>[] table = new SetTable[1];
        AtomicInteger seen = new AtomicInteger();
        try (App app = app(transport, id, table, seen)) {
            send(transport, id, "k", "add:1", "add:2", "add:2", "discard:1", "discard:7");
            await().atMost(TIMEOUT).until(() -> seen.get() == 5);
            assertThat(table[0].get("k")).containsExactly(2);
            assertThat(table[0].get("none")).isEmpty();
        }
        try (App again = app(transport, id, table, seen)) {
            await().atMost(TIMEOUT).until(() -> table[0].local().equals(Map.of("k", Set.of(2))));
            assertThat(table[0].contains("k", 2)).isTrue();
        }
        List<ConsumedRecord> changelog = transport.records(transport.brokerUrl(id), id + "-members-changelog");
        assertThat(changelog).extracting(r -> utf8(r.key())).as("Faust's OPERATION_UPDATE for the key")
                .containsOnly("[15,\"k\"]");
        assertThat(changelog).extracting(r -> utf8(r.value()))
                .as("the whole set, and what was removed; nothing for the changes that changed nothing")
                .containsExactly("[[1],[]]", "[[1,2],[]]", "[[2],[1]]");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aChangelogWrittenByPythonFaustIsRestored(TransportFixture transport) {
        String id = Transports.uniqueId("set-table-py");
        String changelog = id + "-members-changelog";
        byte[] p = "p".getBytes(StandardCharsets.UTF_8);
        int partition = Murmur2.partition(p, PARTITIONS);
        // what faust/tables/sets.py writes for s["p"].add(1); s["p"].add(2); s["p"].discard(1);
        // s["q"] |= {3, 4} (operation 15, [added, removed])
        String[][] records = {{"[1,\"p\"]", "1"}, {"[1,\"p\"]", "2"}, {"[2,\"p\"]", "1"},
                {"[15,\"q\"]", "[[3,4],[]]"}};
        for (String[] r : records) {
            transport.appendRaw(transport.brokerUrl(id), changelog, PARTITIONS, partition,
                    r[0].getBytes(StandardCharsets.UTF_8), r[1].getBytes(StandardCharsets.UTF_8));
        }
        @SuppressWarnings("unchecked") SetTable<String, Integer>[] table = new SetTable[1];
        try (App app = app(transport, id, table, new AtomicInteger())) {
            await().atMost(TIMEOUT).until(() -> table[0].local().equals(Map.of("p", Set.of(2), "q", Set.of(3, 4))));
        }
    }

    private static String utf8(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
