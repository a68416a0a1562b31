package dev.faust4j.kafka.reliability;

import dev.faust4j.App;
import dev.faust4j.EventStream;
import dev.faust4j.KeyValue;
import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import dev.faust4j.Header;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker process of {@link WorkerProcessesTest}: a one-agent faust4j app that copies every value (an id) of
 * the input topic to the output topic with the same key, tagging each output with a {@code worker} header.
 *
 * <p>Arguments: {@code appId brokerUrl inputTopic outputTopic workerName delayMicros [guarantee workerId
 * [option...]]}: the optional pair is a processing guarantee ({@code at_least_once}, the default, or {@code exactly_once}) and a worker
 * id ({@code -}: none, a random transactional id under exactly-once), then options: {@code --concurrency=N} agent
 * instances, {@code --jitter} (each record parks 0 to 4 times the delay, fixed per id, so that concurrent instances
 * ack out of order), {@code --group-by} (the stream goes through a repartition topic keyed by one of 50 groups of
 * the id first), and faust4j client properties as {@code key=value} (such as
 * {@code producer.delivery.timeout.ms=10000}). {@code delayMicros} makes
 * the agent park that long per record (0: none) so a test can act mid-stream; from one second on, the worker
 * prints {@code HOLDING <value>} when it starts holding a record. It runs {@code app.main("worker")},
 * so SIGTERM stops it gracefully, and prints {@code READY <name>} once the worker runs.
 *
 * <p>The consumer uses a 6 s session timeout (the broker's minimum) so a SIGKILLed member is noticed quickly;
 * the test creates both topics beforehand.
 */
public final class PipelineWorker {

    private PipelineWorker() {
    }

    public static void main(String[] args) {
        if (args.length != 6 && args.length < 8) {
            System.err.println("usage: PipelineWorker appId brokerUrl inputTopic outputTopic workerName delayMicros"
                    + " [guarantee workerId [option...]]");
            System.exit(2);
        }
        String appId = args[0];
        String broker = args[1];
        String input = args[2];
        String output = args[3];
        String name = args[4];
        long delayNanos = Long.parseLong(args[5]) * 1000L;
        ProcessingGuarantee guarantee = args.length >= 8 ? ProcessingGuarantee.parse(args[6])
                : ProcessingGuarantee.AT_LEAST_ONCE;
        String workerId = args.length >= 8 ? args[7] : "-";

        HeapReporter.start();
        App.Builder builder = App.builder(appId)
                .broker(broker)
                .processingGuarantee(guarantee);
        if (guarantee == ProcessingGuarantee.AT_LEAST_ONCE) {
            builder.commitInterval(Duration.ofMillis(200)); // exactly-once keeps its 100 ms default
        }
        if (!workerId.equals("-")) {
            builder.workerId(workerId);
        }
        builder.shutdownGracePeriod(Duration.ofSeconds(10))
                .clientProperty("consumer.session.timeout.ms", "6000")
                .clientProperty("consumer.heartbeat.interval.ms", "1000")
                .clientProperty("consumer.max.poll.interval.ms", "30000");
        int concurrency = 1;
        boolean jitter = false;
        boolean groupBy = false;
        for (int i = 8; i < args.length; i++) {
            String arg = args[i];
            if (arg.startsWith("--concurrency=")) {
                concurrency = Integer.parseInt(arg.substring("--concurrency=".length()));
            } else if (arg.equals("--jitter")) {
                jitter = true;
            } else if (arg.equals("--group-by")) {
                groupBy = true;
            } else {
                int eq = arg.indexOf('=');
                builder.clientProperty(arg.substring(0, eq), arg.substring(eq + 1));
            }
        }
        App app = builder.build();
        Topic<String, String> in = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(input).partitions(4).build());
        Topic<String, String> out = app.topic(TopicOptions.builder(Codecs.string(), Codecs.string())
                .names(output).partitions(4).build());
        List<Header> headers = List.of(new Header("worker", name.getBytes(StandardCharsets.UTF_8)));
        boolean jittered = jitter;
        boolean regrouped = groupBy;
        app.agent(in, stream -> {
            // --group-by: through a repartition topic keyed by one of 50 groups of the id (a groupBy leg)
            EventStream<String, String> source = regrouped
                    ? stream.groupBy(v -> "g" + Math.floorMod(v.hashCode(), 50), "by-group", 4) : stream;
            for (KeyValue<String, String> kv : source.items()) {
                if (delayNanos >= 1_000_000_000L) {
                    System.out.println("HOLDING " + kv.value()); // a slow record: the test may act while it is held
                    System.out.flush();
                }
                if (delayNanos > 0) {
                    // --jitter: 0 to 4 times the delay, fixed per id, so that concurrent instances finish out of order
                    LockSupport.parkNanos(jittered ? delayNanos * Math.floorMod(kv.value().hashCode(), 5) : delayNanos);
                }
                // not joined: the Conductor flushes the producer before committing this record's offset; keyed by
                // the input's key (the id), which --group-by replaced by a group: then by the value (the id)
                out.send(regrouped ? kv.value() : kv.key(), kv.value(), headers, null);
            }
        }).name("copy").concurrency(concurrency);
        app.task(() -> {
            System.out.println("READY " + name);
            System.out.flush();
        });
        app.main("worker");
    }
}
