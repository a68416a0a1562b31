package dev.faust4j;

import dev.faust4j.spi.TopicPartition;
import dev.faust4j.testing.TransportFixture;
import dev.faust4j.testing.Transports;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SmokeTest {
    record Withdrawal(String account, double amount) {}

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.faust4j.testing.Transports#all")
    void agentSeesEveryRecordAndCommitReachesTheEnd(TransportFixture transport) {
        String id = Transports.uniqueId("smoke");
        String url = transport.brokerUrl(id);
        List<Withdrawal> seen = new CopyOnWriteArrayList<>();
        try (App app = App.builder(id).broker(url).commitInterval(Duration.ofMillis(50)).build()) {
            Topic<String, Withdrawal> topic = app.topic(TopicOptions.builder(dev.faust4j.codec.Codecs.string(),
                    dev.faust4j.codec.Codecs.json(Withdrawal.class)).names(id + "-withdrawals").partitions(1).build());
            app.agent(topic, stream -> {
                for (Withdrawal w : stream) {
                    seen.add(w);
                }
            });
            app.start();
            for (int i = 0; i < 100; i++) {
                topic.send("a" + i, new Withdrawal("a" + i, i)).join();
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 100);
            await().atMost(Duration.ofSeconds(20)).until(() -> Long.valueOf(100)
                    .equals(transport.committed(url, id, new TopicPartition(id + "-withdrawals", 0))));
        }
        assertThat(seen).extracting(Withdrawal::account).startsWith("a0", "a1");
    }
}
