package dev.faust4j.internal.reply;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.Transport;
import dev.faust4j.time.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * This worker's reply topic (Faust's {@code reply_to}): created with one partition when the app starts, read from its
 * end by a reader of its own outside the consumer group, and the requests still waiting for their replies, by
 * correlation id.
 *
 * <p>Design (faust-semantics.md §4.2, where Faust stumbles): the topic exists and the reader stands at its end before
 * the first request is sent, so no reply can come before the reader looks (Faust subscribes its consumer group to
 * the topic on the first {@code ask} and answers it after the next rebalance, 46 s later). A request that gets no
 * reply fails at its deadline, checked by the reader's thread after each poll (at most {@value #POLL_MS} ms late,
 * on the app's ticker); a reply for a request that is no longer waiting (timed out, or never ours) is dropped and
 * counted, never kept. Stopping fails the requests still waiting and closes the reader, so a worker that has asked
 * stops at once (Faust's did not stop on SIGTERM after an {@code ask}).
 *
 * <p>Thread-safety: thread-safe. {@link #start} and {@link #stop} are serialized by a lock; the waiting requests are
 * a concurrent map; the reader is used by its own thread only (and {@code wakeup} from the stopping one).
 */
public final class ReplyTopic {
    private static final Logger log = LoggerFactory.getLogger(ReplyTopic.class);
    static final long POLL_MS = 100;

    /** How a reply topic is named, kept and read. */
    public record Config(String name, short replicationFactor, Duration expires, Ticker ticker) {
    }

    private record Waiting(CompletableFuture<byte[]> reply, long deadlineNanos, String describe) {
    }

    private final Config config;
    private final Supplier<Transport> transport;
    private final BiFunction<String, Runnable, Thread> threads;
    private final Map<String, Waiting> waiting = new ConcurrentHashMap<>();
    private final AtomicLong dropped = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private volatile boolean started;
    private volatile boolean stopped;
    private @Nullable ChangelogReader reader;
    private @Nullable Thread follower;

    /**
     * @param transport the app's transport
     * @param threads   starts a named thread of the app
     */
    public ReplyTopic(Config config, Supplier<Transport> transport, BiFunction<String, Runnable, Thread> threads) {
        this.config = config;
        this.transport = transport;
        this.threads = threads;
    }

    /** The topic's name: what requests carry in {@code Faust-Ag-ReplyTo}. */
    public String name() {
        return config.name();
    }

    /** Creates the topic (when missing), stands the reader at its end and starts following it. Idempotent. */
    public void start() {
        if (started) { // every ask calls this: no lock once started
            return;
        }
        lock.lock();
        try {
            if (started || stopped) {
                return;
            }
            Transport t = transport.get();
            t.declareTopics(List.of(new TopicSpec(config.name(), 1, config.replicationFactor(), false,
                    Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(config.expires().toMillis())))));
            ChangelogReader r = t.changelogReader(false);
            TopicPartition tp = new TopicPartition(config.name(), 0);
            r.assign(List.of(tp));
            long end = r.endOffsets(List.of(tp)).get(tp);
            r.seek(tp, end);
            r.position(tp); // resolved now: a reply sent after this call is read
            reader = r;
            started = true;
            follower = threads.apply("faust4j-replies", () -> follow(r));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the reply to {@code correlationId}: a future of the reply's bytes, failed with a
     * {@link TimeoutException} after {@code timeout}. Register before the request is sent.
     */
    public CompletableFuture<byte[]> expect(String correlationId, Duration timeout, String describe) {
        CompletableFuture<byte[]> reply = new CompletableFuture<>();
        if (stopped) {
            reply.completeExceptionally(new CancellationException("the app has stopped: " + describe));
            return reply;
        }
        waiting.put(correlationId, new Waiting(reply, config.ticker().nanoTime() + timeout.toNanos(), describe));
        var unused = reply.whenComplete((v, e) -> waiting.remove(correlationId));
        return reply;
    }

    /** Replies dropped because nobody waited for them any more (or never did). */
    public long dropped() {
        return dropped.get();
    }

    /** Requests waiting for a reply. */
    public int waiting() {
        return waiting.size();
    }

    /** Fails the requests still waiting, and stops reading. */
    public void stop() {
        Thread f;
        lock.lock();
        try {
            if (stopped) {
                return;
            }
            stopped = true;
            f = follower;
            if (reader != null) {
                reader.wakeup();
            }
        } finally {
            lock.unlock();
        }
        if (f != null) {
            try {
                f.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Waiting w : List.copyOf(waiting.values())) {
            w.reply().completeExceptionally(new CancellationException("the app stopped before the reply came: "
                    + w.describe()));
        }
    }

    private void follow(ChangelogReader r) {
        try {
            while (!stopped) {
                for (PartitionRecords batch : r.poll(Duration.ofMillis(POLL_MS))) {
                    for (ConsumedRecord rec : batch.records()) {
                        deliver(rec);
                    }
                }
                expire();
            }
        } catch (RuntimeException e) {
            if (!stopped) {
                log.error("Reply topic {}: reading replies failed; requests waiting will time out", config.name(), e);
            }
        } finally {
            r.close();
        }
    }

    private void deliver(ConsumedRecord rec) {
        byte[] value = rec.value();
        if (value == null) {
            return;
        }
        ReplyWire.Response response;
        try {
            response = ReplyWire.parseResponse(value);
        } catch (RuntimeException e) {
            dropped.incrementAndGet();
            log.warn("Reply topic {}: dropped the record at partition {} offset {}: {}", config.name(),
                    rec.partition(), rec.offset(), e.getMessage());
            return;
        }
        Waiting w = waiting.remove(response.correlationId());
        if (w == null) {
            long n = dropped.incrementAndGet();
            log.debug("Reply topic {}: dropped a reply nobody waits for (correlation id {}); {} in all",
                    config.name(), response.correlationId(), n);
            return;
        }
        w.reply().complete(response.value());
    }

    private void expire() {
        if (waiting.isEmpty()) {
            return;
        }
        long now = config.ticker().nanoTime();
        for (Map.Entry<String, Waiting> e : waiting.entrySet()) {
            Waiting w = e.getValue();
            if (now - w.deadlineNanos() >= 0) {
                w.reply().completeExceptionally(new TimeoutException("no reply within the ask timeout: "
                        + w.describe() + " (correlation id " + e.getKey() + ")"));
            }
        }
    }
}
