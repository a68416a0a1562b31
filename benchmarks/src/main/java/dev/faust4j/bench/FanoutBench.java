package dev.faust4j.bench;

import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;

import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The Conductor's fan-out, single-threaded: the per-record work of {@code Delivery.deliver} for a poll of
 * 500 records (Message, tracker append, one EventImpl per subscription staged, one {@code putAll} per
 * subscription), then what the agent side does ({@code drainTo} in chunks of {@code chunk}, ack) and the
 * prune. {@code chunk = 1} is what an agent with concurrency above 1 uses today (TopicStream: a lock per
 * record). The poll loop itself is private, so this mirrors its steps with the real classes. Score: records
 * per microsecond.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanoutBench {
    static final int BATCH = 500;

    @Param({"1", "4"})
    public int subscriptions;

    @Param({"256", "1"})
    public int chunk;

    private ConsumedRecord[] records;
    private PartitionTracker tracker;
    private Subscription[] subs;
    private EventImpl<?, ?>[] buffer;
    private java.util.List<java.util.List<EventImpl<?, ?>>> staged;

    @Setup
    public void setup() {
        records = new ConsumedRecord[BATCH];
        byte[] v = new byte[100];
        for (int i = 0; i < BATCH; i++) {
            records[i] = new ConsumedRecord("t", 0, i, 0L, null, v, List.of());
        }
        tracker = new PartitionTracker(new TopicPartition("t", 0), new LongAdder(), 0);
        subs = new Subscription[subscriptions];
        for (int s = 0; s < subscriptions; s++) {
            subs[s] = new Subscription(4096, Ticker.system(), () -> {});
        }
        staged = new java.util.ArrayList<>();
        for (int s = 0; s < subscriptions; s++) {
            staged.add(new java.util.ArrayList<>());
        }
        buffer = new EventImpl<?, ?>[chunk];
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long deliverAndAck() throws InterruptedException {
        for (int i = 0; i < BATCH; i++) {
            ConsumedRecord r = records[i];
            Message m = new Message(r, tracker.lease(), subscriptions);
            tracker.add(m);
            for (int s = 0; s < subscriptions; s++) {
                staged.get(s).add(new EventImpl<>(m, null, null, r.value()));
            }
        }
        long acked = 0;
        for (int s = 0; s < subscriptions; s++) {
            subs[s].putAll(staged.get(s));
            staged.get(s).clear();
        }
        for (Subscription sub : subs) {
            int n;
            while ((n = sub.drainTo(buffer, chunk, Long.MIN_VALUE)) > 0) {
                for (int i = 0; i < n; i++) {
                    buffer[i].handOut();
                    buffer[i].ack();
                    buffer[i] = null;
                }
                acked += n;
            }
        }
        tracker.prune();
        return acked;
    }
}
