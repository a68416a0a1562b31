package dev.faust4j.bench;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.BatchMessageListener;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.MessageListener;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Spring for Apache Kafka contenders: what most Java teams write instead of a stream library, a
 * {@code @KafkaListener}. No Spring Boot and no application context: the listener container a
 * {@code @KafkaListener} method gets, built by hand ({@link ConcurrentMessageListenerContainer} with
 * {@link ContainerProperties}), container concurrency = partition count (8), one consumer thread per partition.
 *
 * <p>Commits: {@link AckMode#BATCH}, Spring's default: after the listener has returned for every record of a poll,
 * the container commits that poll's offsets (synchronously, its default). At-least-once, one commit per poll;
 * {@code RECORD} would commit after every record.
 */
final class SpringKafkaBench {
    private SpringKafkaBench() {
    }

    /**
     * Pipeline contender (h): consume, decode JSON, change a field, produce, commit. The listener is what
     * {@code @KafkaListener(topics = ..., batch = "true")} on a {@code List<ConsumerRecord>} method gets: it sends
     * each record through a {@link KafkaTemplate} and flushes the template before returning, so that with
     * {@code AckMode.BATCH} a poll's outputs are durable before its offsets are committed (at-least-once; a
     * record-at-a-time listener that returns before its sends are acknowledged would commit offsets of outputs
     * that a crash could still lose).
     */
    static void pipe(Args a) throws Exception {
        String bootstrap = a.required("bootstrap");
        long records = a.number("records", 2_000_000);
        String out = a.required("output");
        Probe probe = new Probe();
        LongAdder count = new LongAdder();
        DefaultKafkaProducerFactory<byte[], byte[]> pf = new DefaultKafkaProducerFactory<>(
                KafkaBench.producerProps(bootstrap, Map.of()));
        KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(pf);
        ContainerProperties cp = new ContainerProperties(a.required("input"));
        cp.setAckMode(AckMode.BATCH);
        cp.setMessageListener((BatchMessageListener<byte[], byte[]>) batch -> {
            for (ConsumerRecord<byte[], byte[]> r : batch) {
                Tx tx = KafkaBench.MAPPER.readValue(r.value(), Tx.class).processed();
                var unused = template.send(out, r.key(), KafkaBench.MAPPER.writeValueAsBytes(tx));
                count.increment();
            }
            template.flush(); // the batch's outputs durable before the container commits its offsets
        });
        ConcurrentMessageListenerContainer<byte[], byte[]> container = new ConcurrentMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<>(KafkaBench.consumerProps(bootstrap, a.required("group"))), cp);
        container.setConcurrency(a.integer("concurrency", 8));
        long start = System.nanoTime();
        container.start();
        long[] t = Probe.watch(count, 0, records, 120_000);
        long stopStart = System.nanoTime();
        container.stop(); // waits for the consumer threads; each commits what it processed
        pf.destroy();
        KafkaBench.report(a, "pipe-spring", records, start, t, probe,
                Map.of("stop_ms", (System.nanoTime() - stopStart) / 1e6));
    }

    /**
     * Slow-I/O contender: a record listener (what {@code @KafkaListener} on a {@code ConsumerRecord} method gets)
     * doing the 1 ms of work of {@link SlowIoBench.Checker#process}; container concurrency 8 = one consumer thread
     * per partition, so a partition's records (and so a key's) are processed one at a time, in order.
     */
    static void slowIo(Args a) throws Exception {
        SlowIoBench.Checker checker = SlowIoBench.checker(a);
        Probe probe = new Probe();
        Map<String, Object> p = KafkaBench.consumerProps(a.required("bootstrap"), a.required("group"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        ContainerProperties cp = new ContainerProperties(a.required("input"));
        cp.setAckMode(AckMode.BATCH);
        cp.setMessageListener(
                (MessageListener<String, byte[]>) r -> checker.processUnchecked(r.key(), r.value()));
        ConcurrentMessageListenerContainer<String, byte[]> container = new ConcurrentMessageListenerContainer<>(
                new DefaultKafkaConsumerFactory<>(p), cp);
        container.setConcurrency(a.integer("concurrency", 8));
        long start = System.nanoTime();
        container.start();
        long[] t = checker.await();
        long stopStart = System.nanoTime();
        container.stop();
        SlowIoBench.report(a, "slowio-spring", checker, start, t, probe, stopStart);
    }
}
