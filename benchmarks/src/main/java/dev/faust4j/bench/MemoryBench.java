package dev.faust4j.bench;

import dev.faust4j.App;
import dev.faust4j.Topic;
import dev.faust4j.TopicOptions;
import dev.faust4j.codec.Codec;
import dev.faust4j.codec.Codecs;
import dev.faust4j.internal.memory.MemoryTransport;
import dev.faust4j.spi.TopicPartition;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * Memory-transport contenders (item 3 of issue 4), each run in its own JVM by {@link Main}.
 *
 * <ul>
 *   <li>{@code mem-faust}: {@code warm + records} records preloaded into {@code memory://bench}, topic of 8
 *       partitions; {@code agents} agents on that topic (each sees every record, so one record is
 *       {@code agents} deliveries), each with {@code concurrency} instances; acks and commits on (Faust's
 *       defaults: commit every 2.8 s or 10,000 acks). Measured from the moment {@code warm} deliveries per agent
 *       are done to the last one (so JIT warm-up and start-up are excluded).</li>
 *   <li>{@code ceiling-queue}: the JVM's own ceiling: a platform thread hands one freshly allocated object per
 *       record to a virtual thread through an {@code ArrayBlockingQueue(4096)} ({@code put}/{@code take}, one
 *       at a time); {@code batch=true} lets the virtual thread take in batches ({@code drainTo}).</li>
 *   <li>{@code ceiling-json}: the JSON decoding ceiling: one thread decodes the same keys and values with the
 *       same codecs as the agent ({@code Codecs.string()}, {@code Codecs.json(Tx.class)}), no hand-off.</li>
 * </ul>
 */
final class MemoryBench {
    private static final int DISTINCT = 1024;
    private static final int PARTITIONS = 8;

    private MemoryBench() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static void faust(Args a) throws Exception {
        int agents = a.integer("agents", 1);
        int concurrency = a.integer("concurrency", 1);
        long warm = a.number("warm", 500_000);
        long records = a.number("records", 2_000_000);
        boolean json = a.string("codec", "raw").equals("json");
        long total = warm + records;
        Probe probe = new Probe();

        byte[][] values = json ? Tx.jsonValues(DISTINCT, 42) : Tx.rawValues(DISTINCT, 100, 42);
        byte[][] keys = new byte[DISTINCT][];
        byte[][] jsonForKeys = Tx.jsonValues(DISTINCT, 42);
        for (int i = 0; i < DISTINCT; i++) {
            keys[i] = Tx.keyOf(jsonForKeys[i]);
        }
        String brokerName = "bench";
        long t0 = System.nanoTime();
        for (long i = 0; i < total; i++) {
            int d = (int) (i % DISTINCT);
            MemoryTransport.appendRaw(brokerName, "in", PARTITIONS, (int) (i % PARTITIONS), keys[d], values[d]);
        }
        long loadMs = (System.nanoTime() - t0) / 1_000_000;

        App app = App.builder("bench-app").broker("memory://" + brokerName).build();
        Codec<?> valueCodec = json ? Codecs.json(Tx.class) : Codecs.raw();
        Topic<String, Object> topic = app.topic(TopicOptions.builder(Codecs.string(), (Codec) valueCodec)
                .names("in").partitions(PARTITIONS).build());
        LongAdder deliveries = new LongAdder();
        for (int ag = 0; ag < agents; ag++) {
            app.agent(topic, stream -> {
                long local = 0;
                for (Object v : stream) {
                    if (v == null) {
                        throw new IllegalStateException("null value");
                    }
                    deliveries.increment();
                    local++;
                }
            }).name("agent-" + ag).concurrency(concurrency);
        }
        long start = System.nanoTime();
        app.start();
        long[] t = Probe.watch(deliveries, warm * agents, total * agents, 60_000);
        double secs = (t[2] - t[1]) / 1e9;
        app.stop();
        app.awaitTermination();
        long committed = 0;
        for (int p = 0; p < PARTITIONS; p++) {
            Long c = MemoryTransport.committed(brokerName, "bench-app", new TopicPartition("in", p));
            committed += c == null ? 0 : c;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("events_per_s", Math.round(records * agents / secs));
        f.put("records_per_s", Math.round(records / secs));
        f.put("seconds", secs);
        f.put("first_record_ms", (t[0] - start) / 1e6);
        f.put("committed", committed);
        f.put("complete", committed == total);
        f.put("load_ms", loadMs);
        f.putAll(probe.memoryFigures());
        probe.stop();
        Probe.report(a.string("name", "mem-faust"), f);
    }

    /** An object like the one the runtime hands over per record. */
    @SuppressWarnings("ArrayRecordComponent") // never compared: only allocated, as the runtime does
    private record Handed(byte[] key, byte[] value, long offset) {}

    static void ceilingQueue(Args a) throws Exception {
        long warm = a.number("warm", 500_000);
        long records = a.number("records", 2_000_000);
        boolean batch = Boolean.parseBoolean(a.string("batch", "false"));
        long total = warm + records;
        byte[][] values = Tx.rawValues(DISTINCT, 100, 42);
        ArrayBlockingQueue<Handed> queue = new ArrayBlockingQueue<>(4096);
        long[] times = new long[2];
        Thread consumer = Thread.ofVirtual().name("ceiling-consumer").start(() -> {
            try {
                long seen = 0;
                long sum = 0;
                Handed[] buf = new Handed[256];
                List<Handed> list = new ArrayList<>(256);
                while (seen < total) {
                    if (batch) {
                        int n = queue.drainTo(list, 256);
                        if (n == 0) {
                            list.add(queue.take());
                            n = 1;
                        }
                        for (int i = 0; i < n; i++) {
                            sum += list.get(i).offset;
                            seen++;
                            if (seen == warm) {
                                times[0] = System.nanoTime();
                            }
                        }
                        list.clear();
                    } else {
                        Handed h = queue.take();
                        sum += h.offset;
                        seen++;
                        if (seen == warm) {
                            times[0] = System.nanoTime();
                        }
                    }
                }
                times[1] = System.nanoTime();
                if (sum == 42 && buf.length == 0) {
                    System.out.println("unlikely");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (long i = 0; i < total; i++) {
            byte[] v = values[(int) (i % DISTINCT)];
            queue.put(new Handed(v, v, i));
        }
        consumer.join();
        double secs = (times[1] - times[0]) / 1e9;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("events_per_s", Math.round(records / secs));
        f.put("seconds", secs);
        Probe.report(a.string("name", batch ? "ceiling-queue-batch" : "ceiling-queue"), f);
    }

    static void ceilingJson(Args a) {
        long warm = a.number("warm", 500_000);
        long records = a.number("records", 2_000_000);
        long total = warm + records;
        byte[][] values = Tx.jsonValues(DISTINCT, 42);
        byte[][] keys = new byte[DISTINCT][];
        for (int i = 0; i < DISTINCT; i++) {
            keys[i] = Tx.keyOf(values[i]);
        }
        Codec<Tx> codec = Codecs.json(Tx.class);
        Codec<String> keyCodec = Codecs.string();
        double sum = 0;
        long start = 0;
        for (long i = 0; i < total; i++) {
            if (i == warm) {
                start = System.nanoTime();
            }
            int d = (int) (i % DISTINCT);
            sum += codec.decode(values[d]).amount() + keyCodec.decode(keys[d]).length();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("events_per_s", Math.round(records / secs));
        f.put("seconds", secs);
        f.put("checksum", Math.round(sum) % 1000);
        Probe.report(a.string("name", "ceiling-json"), f);
    }

}
