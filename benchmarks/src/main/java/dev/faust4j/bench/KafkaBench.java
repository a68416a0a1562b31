package dev.faust4j.bench;

import dev.faust4j.App;
import dev.faust4j.Event;
import dev.faust4j.ProcessingGuarantee;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * Kafka contenders (items 1, 2, 4 and 5 of issue 4), each run in its own JVM by {@link Main} against the
 * same broker and the same input topic. Every contender counts processed records in a {@link LongAdder} that
 * the main thread watches: the rate is {@code records / (time of the last record - time of the first)}, so
 * start-up is reported separately ({@code first_record_ms}, from the call that starts the worker).
 */
final class KafkaBench {
    static final ObjectMapper MAPPER = JsonMapper.builder().build();
    static final long COMMIT_INTERVAL_MS = 2800; // faust4j's default, used by every at-least-once contender
    /** The commit interval of every exactly-once contender: faust4j's and Kafka Streams' default under EOS. */
    static final long EOS_COMMIT_INTERVAL_MS = 100;

    private KafkaBench() {
    }

    // ---- (a) hand-written consumer + producer loop ----

    static void pipeRaw(Args a) throws Exception {
        String bootstrap = a.required("bootstrap");
        long records = a.number("records", 2_000_000);
        Probe probe = new Probe();
        LongAdder count = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        long start = System.nanoTime();
        Thread loop = Thread.ofPlatform().name("raw-loop").start(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    consumerProps(bootstrap, a.required("group")));
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(bootstrap, Map.of()))) {
                String out = a.required("output");
                consumer.subscribe(List.of(a.required("input")));
                long lastCommit = System.nanoTime();
                while (!stop.get()) {
                    ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                    for (ConsumerRecord<byte[], byte[]> r : polled) {
                        Tx tx = MAPPER.readValue(r.value(), Tx.class).processed();
                        var unused = producer.send(new ProducerRecord<>(out, r.key(), MAPPER.writeValueAsBytes(tx)));
                        count.increment();
                    }
                    if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL_MS * 1_000_000L) {
                        producer.flush(); // at-least-once: what was sent is durable before its input is committed
                        consumer.commitSync();
                        lastCommit = System.nanoTime();
                    }
                }
                producer.flush();
                consumer.commitSync();
            }
        });
        long[] t = Probe.watch(count, 0, records, 120_000);
        stop.set(true);
        loop.join();
        report(a, "pipe-raw", records, start, t, probe, Map.of());
    }

    // ---- (f) hand-written transactional consume-transform-produce loop (KIP-447) ----

    /**
     * The loop a Kafka user writes for exactly-once without a framework: a {@code read_committed} consumer, one
     * transactional producer, and every 100 ms {@code sendOffsetsToTransaction(offsets, groupMetadata)} then
     * {@code commitTransaction}. A fenced producer ends the loop; any other Kafka error aborts the transaction and
     * rewinds the consumer to the last committed offsets, so the aborted records are processed again.
     */
    static void pipeRawTx(Args a) throws Exception {
        String bootstrap = a.required("bootstrap");
        String group = a.required("group");
        long records = a.number("records", 2_000_000);
        Probe probe = new Probe();
        LongAdder count = new LongAdder();
        LongAdder aborts = new LongAdder();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Map<String, Object> cp = consumerProps(bootstrap, group);
        cp.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> pp = producerProps(bootstrap,
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, group + "-tx", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                        true));
        long start = System.nanoTime();
        Thread loop = Thread.ofPlatform().name("raw-tx-loop").start(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(cp);
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(pp)) {
                String out = a.required("output");
                Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>(); // consumed, not yet committed
                producer.initTransactions();
                consumer.subscribe(List.of(a.required("input")), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                        // hand over cleanly: what was processed for these partitions commits before they go
                        if (!pending.isEmpty()) {
                            producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
                            producer.commitTransaction();
                            pending.clear();
                            producer.beginTransaction();
                        }
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    }
                });
                producer.beginTransaction();
                long lastCommit = System.nanoTime();
                while (!stop.get()) {
                    try {
                        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(100));
                        for (ConsumerRecord<byte[], byte[]> r : polled) {
                            Tx tx = MAPPER.readValue(r.value(), Tx.class).processed();
                            var unused = producer
                                    .send(new ProducerRecord<>(out, r.key(), MAPPER.writeValueAsBytes(tx)));
                            pending.put(new TopicPartition(r.topic(), r.partition()),
                                    new OffsetAndMetadata(r.offset() + 1));
                            count.increment();
                        }
                        if (System.nanoTime() - lastCommit >= EOS_COMMIT_INTERVAL_MS * 1_000_000L) {
                            if (!pending.isEmpty()) {
                                producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
                                producer.commitTransaction(); // flushes the sends, then commits sends + offsets
                                pending.clear();
                                producer.beginTransaction();
                            }
                            lastCommit = System.nanoTime();
                        }
                    } catch (ProducerFencedException e) {
                        throw e; // another instance took over this transactional id: stop, do not abort
                    } catch (KafkaException e) {
                        aborts.increment();
                        producer.abortTransaction();
                        pending.clear();
                        rewind(consumer);
                        producer.beginTransaction();
                    }
                }
                if (!pending.isEmpty()) {
                    producer.sendOffsetsToTransaction(pending, consumer.groupMetadata());
                    pending.clear();
                }
                producer.commitTransaction();
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        long[] t;
        try {
            t = Probe.watch(count, 0, records, 120_000);
        } catch (IllegalStateException e) {
            Throwable f = failure.get();
            throw f == null ? e : new IllegalStateException("transactional loop failed: " + f, f);
        }
        long stopStart = System.nanoTime();
        stop.set(true);
        loop.join();
        if (failure.get() != null) {
            throw new IllegalStateException("transactional loop failed: " + failure.get(), failure.get());
        }
        report(a, "pipe-raw-tx", records, start, t, probe,
                Map.of("stop_ms", (System.nanoTime() - stopStart) / 1e6, "aborts", aborts.sum()));
    }

    /** After an abort: back to the last committed offset of every assigned partition (the start where none). */
    private static void rewind(KafkaConsumer<byte[], byte[]> consumer) {
        var assigned = consumer.assignment();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata o = committed.get(tp);
            if (o == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, o.offset());
            }
        }
    }

    // ---- (b), (c) faust4j agent ----

    static void pipeFaust(Args a) throws Exception {
        long records = a.number("records", 2_000_000);
        int concurrency = a.integer("concurrency", 1);
        // guarantee=exactly_once: (e), the same agent; the commit interval is then faust4j's EOS default, 100 ms
        ProcessingGuarantee guarantee = ProcessingGuarantee.parse(a.string("guarantee", "at_least_once"));
        Probe probe = new Probe();
        App app = App.builder(a.required("group")).broker("kafka://" + a.required("bootstrap"))
                .processingGuarantee(guarantee).build();
        Topic<String, Tx> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(a.required("input")).build());
        Topic<String, Tx> out = app.topic(
                TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(a.required("output")).build());
        LongAdder count = new LongAdder();
        app.agent(in, stream -> {
            for (Event<String, Tx> e : stream.events()) {
                var unused = out.send(e.key(), e.value().processed()); // throughput: no wait per record
                count.increment();
            }
        }).name("pipeline").concurrency(concurrency);
        long start = System.nanoTime();
        app.start();
        long[] t = Probe.watch(count, 0, records, 120_000);
        long stopStart = System.nanoTime();
        app.stop();
        app.awaitTermination();
        report(a, "pipe-faust", records, start, t, probe, Map.of("stop_ms", (System.nanoTime() - stopStart) / 1e6));
    }

    // ---- (d) Kafka Streams mapValues + to ----

    static void pipeStreams(Args a) throws Exception {
        long records = a.number("records", 2_000_000);
        Probe probe = new Probe();
        LongAdder count = new LongAdder();
        StreamsBuilder b = new StreamsBuilder();
        Serde<Tx> tx = txSerde();
        b.stream(a.required("input"), Consumed.with(Serdes.String(), tx))
                .mapValues(v -> {
                    count.increment();
                    return v.processed();
                })
                .to(a.required("output"), Produced.with(Serdes.String(), tx));
        runStreams(a, b, records, count, probe, "pipe-streams");
    }

    // ---- repartition: faust4j groupBy + a HashMap count (not durable); the table contenders are in TableBench ----

    static void repFaust(Args a) throws Exception {
        long records = a.number("records", 2_000_000);
        Probe probe = new Probe();
        App app = App.builder(a.required("group")).broker("kafka://" + a.required("bootstrap")).build();
        Topic<String, Tx> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(a.required("input")).build());
        LongAdder count = new LongAdder();
        Map<String, Long> counts = new HashMap<>(); // NOT durable: the extra contender beside the Table one
        app.agent(in, stream -> {
            for (Tx t : stream.groupBy("account")) {
                counts.merge(t.account(), 1L, Long::sum);
                count.increment();
            }
        }).name(KafkaBench.repartitionAgent(a)); // its repartition topic is named after the agent
        long start = System.nanoTime();
        app.start();
        long[] t = Probe.watch(count, 0, records, 120_000);
        long stopStart = System.nanoTime();
        app.stop();
        app.awaitTermination();
        long total = counts.values().stream().mapToLong(Long::longValue).sum(); // the harness checks it
        report(a, "rep-faust", records, start, t, probe, Map.of("keys", counts.size(), "total", total, "processed",
                count.sum(), "stop_ms", (System.nanoTime() - stopStart) / 1e6));
    }

    /**
     * The name of a repartitioning faust4j agent: "counter-" and the run's group id. faust4j names a groupBy topic
     * after the agent, {@code <agent>-<topic>-<Class>.<field>-repartition}, not after the app, so with a fixed
     * name every run would share one repartition topic and a new group (reading from the earliest offset) would
     * count the records forwarded by every earlier run too; with the group id in it, the harness deletes it after
     * the run like the other topics of the run.
     */
    static String repartitionAgent(Args a) {
        return "counter-" + a.required("group");
    }

    static void runStreams(Args a, StreamsBuilder b, long records, LongAdder count, Probe probe, String name)
            throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, a.required("group"));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, a.required("bootstrap"));
        // guarantee=exactly_once_v2: (g), transactions per task, read_committed, commits every 100 ms (its EOS default)
        boolean eos = a.string("guarantee", "at_least_once").equals(StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG,
                eos ? StreamsConfig.EXACTLY_ONCE_V2 : StreamsConfig.AT_LEAST_ONCE);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, eos ? EOS_COMMIT_INTERVAL_MS : COMMIT_INTERVAL_MS);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        Path state = Files.createTempDirectory("bench-streams");
        p.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        if (a.values.containsKey("cache_max_bytes")) { // the record cache of stores: 10 MiB by default, 0 = off
            p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, a.number("cache_max_bytes", 10 * 1024 * 1024));
        }
        KafkaStreams streams = new KafkaStreams(b.build(), p);
        long start = System.nanoTime();
        streams.start();
        long[] t = Probe.watch(count, 0, records, 120_000);
        long stopStart = System.nanoTime();
        if (!streams.close(Duration.ofSeconds(60))) {
            throw new IllegalStateException("Kafka Streams did not close within 60 s");
        }
        report(a, name, records, start, t, probe, Map.of("stop_ms", (System.nanoTime() - stopStart) / 1e6));
    }

    static Serde<Tx> txSerde() {
        Serializer<Tx> ser = (topic, v) -> MAPPER.writeValueAsBytes(v);
        Deserializer<Tx> de = (topic, bytes) -> MAPPER.readValue(bytes, Tx.class);
        return Serdes.serdeFrom(ser, de);
    }

    // ---- latency at a fixed rate ----

    /** Produces {@code rate} records/s with linger 0: {@code warmup} seconds marked "w", then {@code seconds} marked "m". */
    static void latProducer(Args a) throws Exception {
        String topic = a.required("topic");
        int rate = a.integer("rate", 10_000);
        long warmup = a.number("warmup", 3);
        long seconds = a.number("seconds", 20);
        byte[][] values = Tx.jsonValues(1024, 7);
        Tx[] txs = new Tx[values.length];
        for (int i = 0; i < values.length; i++) {
            txs[i] = MAPPER.readValue(values[i], Tx.class);
        }
        Map<String, Object> extra = new HashMap<>();
        extra.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        long total = rate * (warmup + seconds);
        long warmCount = rate * warmup;
        long late = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                producerProps(a.required("bootstrap"), extra))) {
            long start = System.nanoTime();
            double interval = 1e9 / rate;
            for (long i = 0; i < total; i++) {
                long due = start + (long) (i * interval);
                long wait = due - System.nanoTime();
                if (wait > 20_000) {
                    java.util.concurrent.locks.LockSupport.parkNanos(wait - 10_000);
                }
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                if (System.nanoTime() - due > 1_000_000) {
                    late++;
                }
                Tx base = txs[(int) (i % txs.length)];
                Tx tx = new Tx(base.account(), base.amount(), base.currency(), Probe.epochMicros(),
                        i < warmCount ? "w" : "m");
                byte[] v = MAPPER.writeValueAsBytes(tx);
                var unused = producer.send(new ProducerRecord<>(topic,
                        base.account().getBytes(java.nio.charset.StandardCharsets.UTF_8), v));
            }
            producer.flush();
            double secs = (System.nanoTime() - start) / 1e9;
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("sent", total);
            f.put("measured", total - warmCount);
            f.put("achieved_rate", Math.round(total / secs));
            f.put("late_over_1ms", late);
            Probe.report("lat-producer", f);
        }
    }

    static void latRaw(Args a) throws Exception {
        long expected = a.number("expected", 200_000);
        Latencies lat = new Latencies((int) expected);
        AtomicBoolean stop = new AtomicBoolean();
        Probe probe = new Probe();
        Thread loop = Thread.ofPlatform().name("raw-latency").start(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                    consumerProps(a.required("bootstrap"), a.required("group")))) {
                consumer.subscribe(List.of(a.required("topic")), new ConsumerRebalanceListener() {
                    @Override
                    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    }

                    @Override
                    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                        System.out.println(Probe.READY + " assigned=" + partitions.size());
                    }
                });
                long lastCommit = System.nanoTime();
                while (!stop.get()) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                        lat.seen(MAPPER.readValue(r.value(), Tx.class));
                    }
                    if (System.nanoTime() - lastCommit >= COMMIT_INTERVAL_MS * 1_000_000L) {
                        consumer.commitAsync();
                        lastCommit = System.nanoTime();
                    }
                }
            }
        });
        lat.await(expected, 120_000);
        stop.set(true);
        loop.join();
        Map<String, Object> f = lat.figures();
        f.putAll(probe.memoryFigures());
        Probe.report("lat-raw", f);
    }

    static void latFaust(Args a) throws Exception {
        long expected = a.number("expected", 200_000);
        Latencies lat = new Latencies((int) expected);
        Probe probe = new Probe();
        App app = App.builder(a.required("group")).broker("kafka://" + a.required("bootstrap")).build();
        Topic<String, Tx> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(a.required("topic")).build());
        app.agent(in, stream -> {
            for (Tx t : stream) {
                lat.seen(t);
            }
        }).name("latency");
        app.start();
        System.out.println(Probe.READY + " started=1");
        lat.await(expected, 120_000);
        app.stop();
        app.awaitTermination();
        Map<String, Object> f = lat.figures();
        f.putAll(probe.memoryFigures());
        Probe.report("lat-faust", f);
    }

    /** Latency samples in microseconds, from the producer's timestamp in the record to the agent seeing it. */
    static final class Latencies {
        private final long[] samples;
        private final LongAdder count = new LongAdder();
        private int n; // written by the one consuming thread

        Latencies(int capacity) {
            samples = new long[capacity];
        }

        void seen(Tx t) {
            long now = Probe.epochMicros();
            if ("m".equals(t.memo()) && n < samples.length) {
                samples[n++] = now - t.ts();
                count.increment();
            }
        }

        void await(long expected, long timeoutMs) throws InterruptedException {
            Probe.watch(count, 0, expected, timeoutMs);
        }

        Map<String, Object> figures() {
            long[] s = Arrays.copyOf(samples, n);
            Arrays.sort(s);
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("samples", s.length);
            f.put("p50_ms", pct(s, 0.50) / 1000.0);
            f.put("p99_ms", pct(s, 0.99) / 1000.0);
            f.put("p999_ms", pct(s, 0.999) / 1000.0);
            f.put("max_ms", s.length == 0 ? Double.NaN : s[s.length - 1] / 1000.0);
            return f;
        }

        private static double pct(long[] s, double q) {
            if (s.length == 0) {
                return Double.NaN;
            }
            return s[Math.min(s.length - 1, (int) Math.ceil(q * s.length) - 1)];
        }
    }

    // ---- memory: a 2,000,000-record backlog and a slow agent ----

    static void backlogFaust(Args a) throws Exception {
        long seconds = a.number("seconds", 30);
        long sleepEvery = a.number("sleep_every", 10);
        Probe probe = new Probe();
        App app = App.builder(a.required("group")).broker("kafka://" + a.required("bootstrap")).build();
        Topic<String, Tx> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.json(Tx.class)).names(a.required("input")).build());
        LongAdder count = new LongAdder();
        app.agent(in, stream -> {
            long i = 0;
            for (Tx unused : stream) {
                count.increment();
                if (++i % sleepEvery == 0) {
                    Thread.sleep(1); // the slow agent: about 10,000 records/s at most, far below the backlog
                }
            }
        }).name("slow");
        app.start();
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        long maxRss = 0;
        while (System.nanoTime() < deadline) {
            Thread.sleep(100);
            maxRss = Math.max(maxRss, Probe.rssBytes());
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("processed", count.sum());
        f.putAll(probe.memoryFigures());
        app.stop();
        app.awaitTermination();
        Probe.report("backlog-faust", f);
    }

    // ---- helpers ----

    static Map<String, Object> consumerProps(String bootstrap, String group) {
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return p;
    }

    static Map<String, Object> producerProps(String bootstrap, Map<String, Object> extra) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.putAll(extra);
        return p;
    }

    static void report(Args a, String dflt, long records, long start, long[] t, Probe probe,
                       Map<String, Object> extra) {
        double secs = (t[2] - t[0]) / 1e9;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("records_per_s", Math.round(records / secs));
        f.put("seconds", secs);
        f.put("first_record_ms", (t[0] - start) / 1e6);
        f.put("jvm_uptime_at_first_ms", Probe.uptimeMs() - (System.nanoTime() - t[0]) / 1_000_000);
        f.putAll(extra);
        f.putAll(probe.memoryFigures());
        probe.stop();
        Probe.report(a.string("name", dflt), f);
    }
}
