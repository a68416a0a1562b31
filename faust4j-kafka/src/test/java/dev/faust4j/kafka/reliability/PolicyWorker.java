package dev.faust4j.kafka.reliability;

import dev.faust4j.App;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.Header;
import dev.faust4j.KeyValue;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The worker process of {@link ErrorPoliciesBatteryTest}: a one-agent faust4j app (at-least-once) whose input
 * values are JSON {@link Item}s; the agent copies each item's id to the output topic with the same key, tagging
 * each output with a {@code worker} header, and throws on the items whose id matches a chosen pattern.
 *
 * <p>Arguments: {@code appId brokerUrl inputTopic outputTopic workerName decodePolicy agentPolicy throwOn}: the
 * two policies in {@link ErrorPolicy#parse} form (the app's decode error policy, the agent's {@code onError}),
 * {@code throwOn} a regular expression for the ids to throw on ({@code -}: none). The error it throws names no
 * payload. It runs {@code app.main("worker")}, so SIGTERM stops it gracefully (exit 0) and a fail policy exits
 * with 1; it prints {@code READY <name>} once the worker runs. Same client settings as {@link PipelineWorker};
 * the test creates the input and output topics beforehand (the dead-letter topic is the product's to declare).
 *
 * <p>Thread-safety: a main class; the agent runs on the app's threads.
 */
public final class PolicyWorker {

    /** The input value. */
    public record Item(String id) {
    }

    private PolicyWorker() {
    }

    public static void main(String[] args) {
        if (args.length != 8) {
            System.err.println("usage: PolicyWorker appId brokerUrl inputTopic outputTopic workerName decodePolicy"
                    + " agentPolicy throwOn");
            System.exit(2);
        }
        String appId = args[0];
        String broker = args[1];
        String input = args[2];
        String output = args[3];
        String name = args[4];
        ErrorPolicy decodePolicy = ErrorPolicy.parse(args[5]);
        ErrorPolicy agentPolicy = ErrorPolicy.parse(args[6]);
        Pattern throwOn = args[7].equals("-") ? null : Pattern.compile(args[7]);

        HeapReporter.start();
        App app = App.builder(appId)
                .broker(broker)
                .commitInterval(Duration.ofMillis(200))
                .decodeErrorPolicy(decodePolicy)
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .clientProperty("consumer.session.timeout.ms", "6000")
                .clientProperty("consumer.heartbeat.interval.ms", "1000")
                .clientProperty("consumer.max.poll.interval.ms", "30000")
                .build();
        Topic<String, Item> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.json(Item.class))
                .names(input).partitions(4).build());
        Topic<String, String> out = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(output).partitions(4).build());
        List<Header> headers = List.of(new Header("worker", name.getBytes(StandardCharsets.UTF_8)));
        app.agent(in, stream -> {
            for (KeyValue<String, Item> kv : stream.items()) {
                if (throwOn != null && throwOn.matcher(kv.value().id()).matches()) {
                    throw new IllegalStateException("this record is one the test chose to fail on");
                }
                // not joined: the Conductor flushes the producer before committing this record's offset
                out.send(kv.key(), kv.value().id(), headers, null);
            }
        }).name("copy").onError(agentPolicy);
        app.task(() -> {
            System.out.println("READY " + name);
            System.out.flush();
        });
        app.main("worker");
    }
}
