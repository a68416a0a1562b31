package dev.faust4j.bench;

import dev.faust4j.Agent;
import dev.faust4j.App;
import dev.faust4j.Event;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codecs;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The slow-I/O benchmark's contenders (issue 12, "Speed"), each run in its own JVM by {@link SlowIoSuite}: every
 * record blocks its worker for 1 ms ({@link Checker#process}, as a database call would), over 8 partitions and
 * 10,000 keys. The records/s figure is what the contender's parallelism gets out of that: partition-only
 * parallelism cannot drain more than about 8 records per millisecond.
 *
 * <p>Every contender hands each record to one shared {@link Checker}, which does the 1 ms of work and checks what
 * was processed: every record of the input seen (a run ends only when all N distinct records were processed),
 * duplicates counted, and per key: no two records of a key in flight at once ("overlaps") and no record of a key
 * started after a later one of the same key ("order violations"). A key-ordered contender must show neither; the
 * harness fails its run otherwise.
 */
final class SlowIoBench {
    /** The 1 ms of blocking work per record: the workload itself. */
    static final long BLOCK_MS = 1;

    private SlowIoBench() {
    }

    /**
     * The record sink of every slow-I/O contender: the work (1 ms blocked) and the correctness checks. Keys are
     * {@code k00000}…; values are the record's index in the input (ASCII decimal), rising with the production order,
     * so within a key (one partition) the indices rise in log order.
     */
    static final class Checker {
        final long records;
        private final AtomicLongArray seen; // a bit per input index
        private final AtomicLongArray lastStarted; // per key: the highest index whose work started, -1 = none
        private final AtomicIntegerArray inFlight; // per key: records of it in the work right now
        private final AtomicInteger inFlightAll = new AtomicInteger();
        private final AtomicInteger peakInFlight = new AtomicInteger();
        final LongAdder distinct = new LongAdder();
        final LongAdder duplicates = new LongAdder();
        final LongAdder orderViolations = new LongAdder();
        final LongAdder overlaps = new LongAdder();

        Checker(long records, int keys) {
            this.records = records;
            seen = new AtomicLongArray((int) ((records + 63) / 64));
            lastStarted = new AtomicLongArray(keys);
            for (int k = 0; k < keys; k++) {
                lastStarted.set(k, -1);
            }
            inFlight = new AtomicIntegerArray(keys);
        }

        /** Processes one record: checks its place in its key's order, blocks 1 ms, marks it seen. */
        void process(String key, byte[] value) throws InterruptedException {
            int k = Integer.parseInt(key, 1, key.length(), 10);
            long index = parse(value);
            if (inFlight.incrementAndGet(k) > 1) {
                overlaps.increment(); // another record of this key is in the work at the same time
            }
            int now = inFlightAll.incrementAndGet();
            peakInFlight.accumulateAndGet(now, Math::max);
            try {
                long before = lastStarted.getAndAccumulate(k, index, Math::max);
                if (index < before && !isSeen(index)) {
                    orderViolations.increment(); // a later record of the key started before this one
                }
                Thread.sleep(BLOCK_MS); // the slow I/O: a database call, say
            } finally {
                inFlightAll.decrementAndGet();
                inFlight.decrementAndGet(k);
            }
            markSeen(index);
        }

        /** {@link #process} for callers that cannot throw checked exceptions. */
        void processUnchecked(String key, byte[] value) {
            try {
                process(key, value);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted in the work", e);
            }
        }

        private boolean isSeen(long index) {
            return (seen.get((int) (index >>> 6)) & (1L << (index & 63))) != 0;
        }

        private void markSeen(long index) {
            if (index < 0 || index >= records) {
                throw new IllegalStateException("record index " + index + " outside the input (0.." + records + ")");
            }
            long bit = 1L << (index & 63);
            long before = seen.getAndUpdate((int) (index >>> 6), w -> w | bit);
            if ((before & bit) == 0) {
                distinct.increment();
            } else {
                duplicates.increment();
            }
        }

        private static long parse(byte[] value) {
            long n = 0;
            for (byte b : value) {
                n = n * 10 + (b - '0');
            }
            return n;
        }

        /** Waits for all N distinct records (fails after 120 s without progress); see {@link Probe#watch}. */
        long[] await() throws InterruptedException {
            return Probe.watch(distinct, 0, records, 120_000);
        }

        Map<String, Object> figures() {
            Map<String, Object> f = new LinkedHashMap<>();
            f.put("distinct", distinct.sum());
            f.put("duplicates", duplicates.sum());
            f.put("order_violations", orderViolations.sum());
            f.put("key_overlaps", overlaps.sum());
            f.put("peak_in_flight", peakInFlight.get());
            return f;
        }
    }

    static Checker checker(Args a) {
        return new Checker(a.number("records", SlowIoSuite.DEFAULT_RECORDS), a.integer("keys", SlowIoSuite.KEYS));
    }

    // ---- faust4j: partition-only parallelism (concurrency(8)) and key-ordered concurrency(256) ----

    static void faust(Args a) throws Exception {
        int concurrency = a.integer("concurrency", 8);
        boolean keyed = a.string("ordered", "none").equals("key");
        String name = a.string("name", keyed ? "slowio-faust-keyed" : "slowio-faust-partitions");
        Checker checker = checker(a);
        Probe probe = new Probe();
        App app = App.builder(a.required("group")).broker("kafka://" + a.required("bootstrap")).build();
        Topic<String, byte[]> in = app
                .topic(TopicOptions.builder(Codecs.string(), Codecs.raw()).names(a.required("input")).build());
        Agent<String, byte[]> agent = app.agent(in, stream -> {
            for (Event<String, byte[]> e : stream.events()) {
                checker.process(e.key(), e.value());
            }
        }).name("slowio");
        if (keyed) {
            agent.concurrency(concurrency).orderedByKey(); // key-ordered: keys in parallel on up to n instances
        } else {
            agent.isolatedPartitions(); // partition-only parallelism: an instance per partition, in order
        }
        long start = System.nanoTime();
        app.start();
        long[] t = checker.await();
        long stopStart = System.nanoTime();
        app.stop();
        app.awaitTermination();
        report(a, name, checker, start, t, probe, stopStart);
    }

    // ---- Confluent Parallel Consumer: key order, maxConcurrency 256, periodic synchronous consumer commits ----

    static void parallelConsumer(Args a) throws Exception {
        Checker checker = checker(a);
        Probe probe = new Probe();
        Map<String, Object> p = KafkaBench.consumerProps(a.required("bootstrap"), a.required("group"));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p);
        ParallelConsumerOptions<String, byte[]> options = ParallelConsumerOptions.<String, byte[]>builder()
                .consumer(consumer)
                .ordering(ProcessingOrder.KEY)
                .maxConcurrency(a.integer("concurrency", 256))
                .commitMode(CommitMode.PERIODIC_CONSUMER_SYNC)
                .commitInterval(Duration.ofMillis(KafkaBench.COMMIT_INTERVAL_MS))
                .build();
        ParallelStreamProcessor<String, byte[]> pc = ParallelStreamProcessor.createEosStreamProcessor(options);
        long start = System.nanoTime();
        pc.subscribe(List.of(a.required("input")));
        pc.poll(ctx -> {
            ConsumerRecord<String, byte[]> r = ctx.getSingleConsumerRecord(); // batchSize 1, its default
            checker.processUnchecked(r.key(), r.value());
        });
        long[] t = checker.await();
        long stopStart = System.nanoTime();
        pc.closeDrainFirst(Duration.ofSeconds(60)); // commits what was processed, then closes the consumer
        report(a, "slowio-parallel-consumer", checker, start, t, probe, stopStart);
    }

    static void report(Args a, String name, Checker checker, long start, long[] t, Probe probe, long stopStart) {
        Map<String, Object> extra = new LinkedHashMap<>(checker.figures());
        extra.put("stop_ms", (System.nanoTime() - stopStart) / 1e6);
        KafkaBench.report(a, name, checker.records, start, t, probe, extra);
    }
}
