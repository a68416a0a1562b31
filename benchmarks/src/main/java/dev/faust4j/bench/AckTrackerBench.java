package dev.faust4j.bench;

import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.event.EventImpl;

import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;
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
 * The ack tracker on one thread: per record, a {@link Message} with {@code deliveries} references appended to
 * a {@link PartitionTracker}, one {@link EventImpl} per delivery acked, the fully acked head pruned and the
 * committable offset read, as the Conductor does per poll of 500 records. Score: records per microsecond.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AckTrackerBench {
    static final int BATCH = 500;

    @Param({"1", "4"})
    public int deliveries;

    private ConsumedRecord[] records;
    private PartitionTracker tracker;
    private final Message[] messages = new Message[BATCH];
    private final EventImpl<?, ?>[] events = new EventImpl<?, ?>[BATCH * 4];
    private long position;

    @Setup
    public void setup() {
        records = new ConsumedRecord[BATCH];
        byte[] v = new byte[100];
        for (int i = 0; i < BATCH; i++) {
            records[i] = new ConsumedRecord("t", 0, i, 0L, null, v, List.of());
        }
        tracker = new PartitionTracker(new TopicPartition("t", 0), new LongAdder(), 0);
    }

    /** Acks in delivery order (one agent instance per subscription). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long inOrder() {
        deliver();
        int n = BATCH * deliveries;
        for (int i = 0; i < n; i++) {
            events[i].ack();
        }
        return commit();
    }

    /** Acks newest first: the worst case for the head-of-line rule (nothing is prunable until the end). */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long reverseOrder() {
        deliver();
        for (int i = BATCH * deliveries - 1; i >= 0; i--) {
            events[i].ack();
        }
        return commit();
    }

    private void deliver() {
        int e = 0;
        for (int i = 0; i < BATCH; i++) {
            Message m = new Message(records[i], tracker.lease(), deliveries);
            tracker.add(m);
            messages[i] = m;
            for (int d = 0; d < deliveries; d++) {
                events[e++] = new EventImpl<>(m, null, null, records[i].value());
            }
        }
        tracker.prune();
    }

    private long commit() {
        position += BATCH;
        long c = tracker.committable(position);
        tracker.committed(c);
        return c;
    }
}
