package dev.faust4j;

import dev.faust4j.internal.memory.MemoryTransport;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The app's command line: {@code send} writes a record; {@code worker} runs until stopped. */
class CliTest {

    @Test
    void sendWritesTheValueAndKeyBytesToTheTopic() {
        String id = Transports.uniqueId("cli");
        App app = App.builder(id).broker("memory://" + id).build();
        int code = app.run("send", "greetings", "{\"text\":\"hi\"}", "--key", "k1");
        assertThat(code).isZero();
        List<ConsumedRecord> records = MemoryTransport.records(id, "greetings");
        assertThat(records).hasSize(1);
        assertThat(new String(records.getFirst().value(), StandardCharsets.UTF_8)).isEqualTo("{\"text\":\"hi\"}");
        assertThat(new String(records.getFirst().key(), StandardCharsets.UTF_8)).isEqualTo("k1");
    }

    @Test
    void workerRunsAgentsUntilTheAppIsStoppedAndExitsZero() {
        String id = Transports.uniqueId("cli");
        App app = App.builder(id).broker("memory://" + id).build();
        Topic<String, String> topic = app.topic(id + "-in", String.class);
        List<String> seen = new CopyOnWriteArrayList<>();
        app.agent(topic, stream -> {
            for (String s : stream) {
                seen.add(s);
            }
        }).name("printer");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> app.run("worker"));
        topic.send("k", "hello").join();
        await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("hello"));
        app.stop();
        assertThat(exit.join()).isZero();
    }

    @Test
    void unknownCommandFailsWithUsage() {
        App app = App.builder(Transports.uniqueId("cli")).build();
        assertThat(app.run("bogus")).isNotZero();
        app.stop();
    }
}
