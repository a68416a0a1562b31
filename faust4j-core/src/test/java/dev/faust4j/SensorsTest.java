package dev.faust4j;

import dev.faust4j.codec.Codecs;
import dev.faust4j.testing.CountingTransport;
import dev.faust4j.testing.Gate;
import dev.faust4j.testing.LogCapture;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The app state ({@link App#state()}), the {@link Sensor} hooks and {@link App#lag()}, on every transport: what a
 * metrics exporter, a health check and a status page rely on.
 */
class SensorsTest {
    record Item(int id) {}

    private static final String ALL = "dev.faust4j.testing.Transports#all";

    /** Records every hook as a line ("in topic-0@3", "state RUNNING", ...), in the order they came. */
    static final class Recorder implements Sensor {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<AppState> states = new CopyOnWriteArrayList<>();
        final Map<Long, Long> outTimestamps = new ConcurrentHashMap<>();
        final List<Map<Partition, Long>> commits = new CopyOnWriteArrayList<>();

        @Override
        public void onStateChange(AppState previous, AppState current) {
            states.add(current);
        }

        @Override
        public void onAgentStateChange(String agent, Agent.State state) {
            events.add("agent " + agent + " " + state);
        }

        @Override
        public void onAgentCrashed(String agent, Throwable error) {
            events.add("crashed " + agent + " " + error.getMessage());
        }

        @Override
        public void onAgentRestarted(String agent) {
            events.add("restarted " + agent);
        }

        @Override
        public void onMessageIn(String topic, int partition, long offset, long timestampMs) {
            events.add("in " + topic + "-" + partition + "@" + offset);
        }

        @Override
        public void onMessageOut(String topic, int partition, long offset) {
            events.add("out " + topic + "-" + partition + "@" + offset);
        }

        @Override
        public void onStreamEventIn(String agent, String topic, int partition, long offset) {
            events.add("event-in " + agent + " " + topic + "-" + partition + "@" + offset);
        }

        @Override
        public void onStreamEventOut(String agent, String topic, int partition, long offset, long timestampMs,
                                     long processingNanos) {
            assertThat(processingNanos).isNotNegative();
            outTimestamps.put(offset * 10 + partition, timestampMs);
            events.add("event-out " + agent + " " + topic + "-" + partition + "@" + offset);
        }

        @Override
        public void onCommitStarted() {
            events.add("commit-start");
        }

        @Override
        public void onCommitCompleted(Map<Partition, Long> offsets, long nanos) {
            commits.add(offsets);
            events.add("commit-done");
        }

        @Override
        public void onCommitFailed(Throwable error, long nanos) {
            events.add("commit-failed " + error.getMessage());
        }

        @Override
        public void onSendFailed(String topic, Throwable error, long nanos) {
            events.add("send-failed " + topic + " " + error.getMessage());
        }

        @Override
        public void onSendStarted(String topic) {
            events.add("send " + topic);
        }

        @Override
        public void onSendCompleted(String topic, int partition, long offset, long nanos) {
            events.add("sent " + topic);
        }

        @Override
        public void onRebalanceStarted(Set<Partition> revoked) {
            events.add("rebalance-start");
        }

        @Override
        public void onRebalanceEnded(Set<Partition> assigned, long nanos) {
            events.add("rebalance-end " + assigned);
        }

        @Override
        public void onPartitionsPaused(Set<Partition> partitions) {
            events.add("paused " + partitions);
        }

        @Override
        public void onPartitionsResumed(Set<Partition> partitions) {
            events.add("resumed " + partitions);
        }

        @Override
        public void onTableGet(String table, Object key) {
            events.add("get " + table + " " + key);
        }

        @Override
        public void onTableSet(String table, Object key, Object value) {
            events.add("set " + table + " " + key + "=" + value);
        }

        @Override
        public void onTableDelete(String table, Object key) {
            events.add("delete " + table + " " + key);
        }

        long count(String prefix) {
            return events.stream().filter(e -> e.startsWith(prefix)).count();
        }

        /** The last committed offset of each partition, merged over the commits. */
        Map<Partition, Long> committed() {
            Map<Partition, Long> out = new ConcurrentHashMap<>();
            commits.forEach(out::putAll);
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aWorkerGoesThroughItsStatesAndReportsEachRecordInAndOutOfItsAgent(TransportFixture transport)
            throws Exception {
        String id = Transports.uniqueId("sensors");
        Recorder recorder = new Recorder();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        App app = builder(id, transport.brokerUrl(id)).build();
        Topic<String, Item> in = topic(app, id + "-in", 2);
        Topic<String, Item> out = topic(app, id + "-out", 1);
        app.agent(in, stream -> {
            for (Item i : stream) {
                out.send("k", i).join();
                seen.add(i.id());
            }
        }).name("copy");
        app.sensor(recorder);
        assertThat(app.state()).isEqualTo(AppState.CREATED);
        try (app) {
            app.start();
            await().alias("the worker runs").atMost(TIMEOUT).until(() -> app.state() == AppState.RUNNING);
            List<CompletableFuture<RecordMetadata>> sends = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                sends.add(in.send("k" + i, new Item(i)));
            }
            Map<Long, Long> timestamps = new ConcurrentHashMap<>();
            for (CompletableFuture<RecordMetadata> s : sends) {
                RecordMetadata md = s.join();
                timestamps.put(md.offset() * 10 + md.partition(), md.timestamp());
            }
            await().alias("all processed and committed").atMost(TIMEOUT).until(() -> seen.size() == 10
                    && recorder.committed().values().stream().mapToLong(Long::longValue).sum() == 10);

            assertThat(recorder.count("in " + id + "-in-")).isEqualTo(10);
            await().alias("every record reported out once its agent acked it").atMost(TIMEOUT)
                    .until(() -> recorder.count("out " + id + "-in-") == 10);
            assertThat(recorder.count("event-in copy " + id + "-in-")).isEqualTo(10);
            await().alias("every event reported out").atMost(TIMEOUT)
                    .until(() -> recorder.count("event-out copy " + id + "-in-") == 10);
            assertThat(recorder.outTimestamps).isEqualTo(timestamps); // the records' own timestamps (e2e latency)
            assertThat(recorder.count("send " + id + "-out")).isGreaterThanOrEqualTo(10);
            assertThat(recorder.count("sent " + id + "-out")).isGreaterThanOrEqualTo(10);
            // each record: fetched, then handed to the agent, then done with
            for (String e : List.copyOf(recorder.events)) {
                if (e.startsWith("event-out copy ")) {
                    String position = e.substring("event-out copy ".length());
                    int out1 = recorder.events.indexOf(e);
                    assertThat(recorder.events.indexOf("event-in copy " + position)).isBetween(0, out1);
                    assertThat(recorder.events.indexOf("in " + position)).isBetween(0, out1);
                    assertThat(recorder.events.indexOf("out " + position)).isGreaterThan(out1);
                }
            }
            assertThat(recorder.events).contains("agent copy RUNNING", "rebalance-start");
            assertThat(recorder.events).anyMatch(e -> e.startsWith("rebalance-end [" + id + "-in-0, " + id
                    + "-in-1"));
        }
        assertThat(app.state()).isEqualTo(AppState.STOPPED);
        assertThat(recorder.states).startsWith(AppState.STARTING, AppState.REBALANCING)
                .endsWith(AppState.RUNNING, AppState.STOPPING, AppState.STOPPED);
        assertThat(recorder.events).contains("agent copy STOPPED");
        assertThat(app.lag()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void lagCountsTheRecordsNotCommittedAndAFullBufferReportsItsPause(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("lag");
        Recorder recorder = new Recorder();
        try (App app = builder(id, transport.brokerUrl(id)).streamBufferMaxsize(2).build(); Gate gate = new Gate()) {
            Topic<String, Item> in = topic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    gate.pass();
                }
            }).name("slow");
            app.sensor(recorder);
            app.start();
            await().alias("the worker runs").atMost(TIMEOUT).until(() -> app.state() == AppState.RUNNING);
            for (int i = 0; i < 20; i++) {
                in.send("k", new Item(i)).join();
            }
            Partition p = new Partition(id + "-in", 0);
            await().alias("lag of the 20 records, the first held by the agent").atMost(TIMEOUT)
                    .until(() -> app.lag().getOrDefault(p, -1L) == 20);
            await().alias("the full buffer paused the partition").atMost(TIMEOUT)
                    .until(() -> recorder.events.contains("paused [" + p + "]"));
            gate.open();
            await().alias("lag back to 0 once committed").atMost(TIMEOUT)
                    .until(() -> app.lag().getOrDefault(p, -1L) == 0);
            assertThat(recorder.events).contains("resumed [" + p + "]");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(ALL)
    void aCrashAndItsRestartAreReportedAndTableReadsAndWritesToo(TransportFixture transport) throws Exception {
        String id = Transports.uniqueId("crash");
        Recorder recorder = new Recorder();
        AtomicInteger attempts = new AtomicInteger();
        try (App app = builder(id, transport.brokerUrl(id)).agentRestartBackoff(Duration.ofMillis(1)).build()) {
            Topic<String, Item> in = topic(app, id + "-in", 1);
            Table<String, Long> counts = app.table("counts", String.class, Long.class).withDefault(() -> 0L);
            app.agent(in, stream -> {
                for (Item i : stream.groupBy(it -> "k", "key")) {
                    if (i.id() == 1 && attempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("boom once");
                    }
                    counts.update("k", n -> n + 1);
                    if (i.id() == 2) {
                        counts.get("k");
                        counts.delete("k");
                    }
                }
            }).name("count");
            app.sensor(recorder);
            app.start();
            for (int i = 0; i < 3; i++) {
                in.send("k", new Item(i)).join();
            }
            await().alias("the three records processed").atMost(TIMEOUT)
                    .until(() -> recorder.events.contains("delete counts k"));
        }
        assertThat(recorder.events).containsSubsequence("crashed count boom once", "agent count RESTARTING",
                "agent count RUNNING", "restarted count");
        assertThat(recorder.events).containsSubsequence("set counts k=1", "set counts k=2", "get counts k",
                "delete counts k");
        assertThat(recorder.states).contains(AppState.RECOVERING); // its table partitions were restored first
    }

    @Test
    void failedCommitsAndSendsAreReportedAndEveryCommitStartedEndsOnce() throws Exception {
        String id = Transports.uniqueId("failures");
        Recorder recorder = new Recorder();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        App app = builder(id, CountingTransport.url("memory://" + id)).build();
        Topic<String, Item> in = topic(app, id + "-in", 1);
        app.agent(in, stream -> {
            for (Item i : stream) {
                seen.add(i.id());
            }
        });
        app.sensor(recorder);
        try (app) {
            CountingTransport.Probe probe = CountingTransport.probe(app);
            app.start();
            probe.refuseCommits(true);
            for (int i = 0; i < 3; i++) {
                in.send("k", new Item(i)).join();
            }
            await().alias("a refused commit reported").atMost(TIMEOUT)
                    .until(() -> recorder.events.stream().anyMatch(e -> e.startsWith("commit-failed ")));
            probe.refuseCommits(false);
            await().alias("then a commit that goes through").atMost(TIMEOUT)
                    .until(() -> recorder.committed().getOrDefault(new Partition(id + "-in", 0), 0L) == 3);
            probe.failSends(true);
            CompletableFuture<RecordMetadata> failed = in.send("k", new Item(99)); // tied to nothing: fails alone
            await().alias("the failed send").atMost(TIMEOUT).until(failed::isDone);
            probe.failSends(false);
            assertThat(recorder.events).anyMatch(e -> e.startsWith("send-failed " + id + "-in "));
        }
        long started = recorder.count("commit-start");
        assertThat(started).isPositive()
                .isEqualTo(recorder.count("commit-done") + recorder.count("commit-failed "));
    }

    @Test
    void anAgentReadingAChannelReportsItsEventsInAndOutToo() throws Exception {
        String id = Transports.uniqueId("channel-sensor");
        Recorder recorder = new Recorder();
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (App app = builder(id, "memory://" + id).build()) {
            Channel<Item> channel = app.channel(Item.class);
            app.agent(channel, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                }
            }).name("from-channel");
            app.sensor(recorder);
            app.start();
            for (int i = 0; i < 3; i++) {
                channel.send(new Item(i));
            }
            await().alias("three values in and out").atMost(TIMEOUT)
                    .until(() -> recorder.count("event-out from-channel " + Sensor.CHANNEL + "--1@-1") == 3);
            assertThat(recorder.count("event-in from-channel " + Sensor.CHANNEL + "--1@-1")).isEqualTo(3);
            assertThat(recorder.outTimestamps).containsValue(-1L);
        }
    }

    @Test
    void aSensorThatThrowsNeverBreaksProcessingAndIsLoggedOnce() throws Exception {
        assumeThat(LogCapture.supported()).as("read from slf4j-simple's output").isTrue();
        String id = Transports.uniqueId("bad-sensor");
        List<Integer> seen = new CopyOnWriteArrayList<>();
        try (LogCapture logs = new LogCapture(); App app = builder(id, "memory://" + id).build()) {
            Topic<String, Item> in = topic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    seen.add(i.id());
                }
            });
            app.sensor(new Sensor() {
                @Override
                public void onMessageIn(String topic, int partition, long offset, long timestampMs) {
                    throw new IllegalStateException("sensor bug");
                }
            });
            app.start();
            for (int i = 0; i < 5; i++) {
                in.send("k", new Item(i)).join();
            }
            await().alias("processed despite the sensor").atMost(TIMEOUT).until(() -> seen.size() == 5);
            String text = logs.text();
            assertThat(text).contains("threw from onMessageIn");
            assertThat(text.split("threw from onMessageIn", -1)).hasSize(2); // once, not once per record
        }
    }

    @Test
    void aSensorIsAddedBeforeStartOnlyAndAFailedStartEndsFailed() {
        String id = Transports.uniqueId("late-sensor");
        try (App app = builder(id, "memory://" + id).build()) {
            app.start();
            assertThatThrownBy(() -> app.sensor(new Sensor() {})).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("add a sensor");
        }
        App unstarted = builder("never", "memory://never").build();
        unstarted.stop();
        assertThat(unstarted.state()).isEqualTo(AppState.STOPPED);
        assertThat(AppState.RUNNING.ready()).isTrue();
        assertThat(AppState.REBALANCING.ready()).isFalse();
        assertThat(AppState.FAILED.live()).isFalse();
    }

    @Test
    void aWorkerLogsItsProgressWhileRecordsFlow() throws Exception {
        assumeThat(LogCapture.supported()).as("read from slf4j-simple's output").isTrue();
        String id = Transports.uniqueId("progress");
        try (LogCapture logs = new LogCapture();
             App app = builder(id, "memory://" + id).progressInterval(Duration.ofMillis(50)).build()) {
            Topic<String, Item> in = topic(app, id + "-in", 1);
            app.agent(in, stream -> {
                for (Item i : stream) {
                    // counted
                }
            });
            app.start();
            for (int i = 0; i < 5; i++) {
                in.send("k", new Item(i)).join();
            }
            await().alias("a progress line").atMost(TIMEOUT).until(() -> logs.text()
                    .matches("(?s).*app " + id + ": \\d+ records in the last \\d+ s \\(\\d+/s\\), lag \\d+ over 1"
                            + " partitions, 0 paused.*"));
        }
    }

    private static App.Builder builder(String id, String url) {
        return App.builder(id).broker(url).commitInterval(Duration.ofMillis(50));
    }

    private static Topic<String, Item> topic(App app, String name, int partitions) {
        return app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Item.class)).names(name)
                .partitions(partitions).build());
    }
}
