package dev.faust4j.internal.send;

import dev.faust4j.RecordMetadata;
import dev.faust4j.spi.GroupMetadata;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransactionalProducer;
import dev.faust4j.spi.TransportProducer;
import org.jspecify.annotations.Nullable;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The worker's sends under exactly-once: every send goes into the transaction open at that moment, and the poll
 * thread commits or aborts it ({@code ExactlyOnceCommitter}).
 *
 * <p>Design. The transport's {@link TransactionalProducer} is created on first use. A send holds the read lock, a
 * commit or abort the write lock, so no send falls between a commit and the next transaction's begin (uncontended,
 * the read lock is one atomic add: exactly-once only). A send tied to an event completes when the broker has it
 * (the event's ack waits for that, and the commit waits for the acks). A send tied to nothing (from {@code main}, a
 * timer) completes only when its transaction commits, with the broker's metadata, and fails if it is aborted:
 * its future never says "written" for a record nobody will ever read.
 *
 * <p>Thread-safety: thread-safe; {@link #commit} and {@link #abort} are called by the poll thread only.
 */
public final class Transactions implements TransportProducer {
    private final Supplier<TransactionalProducer> create;
    private final ReentrantLock createLock = new ReentrantLock();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final ConcurrentLinkedQueue<Untied> untied = new ConcurrentLinkedQueue<>();
    private volatile @Nullable TransactionalProducer producer;
    private volatile boolean dirty;

    /** A send tied to nothing: the broker's answer, and the caller's future, completed at commit. */
    private record Untied(CompletableFuture<RecordMetadata> sent, CompletableFuture<RecordMetadata> result) {}

    /** @param create creates the transport's transactional producer (with its transactional id) */
    public Transactions(Supplier<TransactionalProducer> create) {
        this.create = create;
    }

    /**
     * Creates the transactional producer now (the app starts): a previous instance with the same transactional id is
     * fenced before this one reads a record, and its open transaction aborted.
     */
    public void open() {
        producer();
    }

    private TransactionalProducer producer() {
        TransactionalProducer p = producer;
        if (p != null) {
            return p;
        }
        createLock.lock();
        try {
            if (producer == null) {
                producer = create.get();
            }
            return producer;
        } finally {
            createLock.unlock();
        }
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducedRecord record) {
        TransactionalProducer p = producer();
        lock.readLock().lock();
        try {
            dirty = true;
            return p.send(record);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** A send tied to no event: its future completes when its transaction commits. */
    public CompletableFuture<RecordMetadata> sendUntied(ProducedRecord record) {
        TransactionalProducer p = producer();
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        lock.readLock().lock();
        try {
            dirty = true;
            untied.add(new Untied(p.send(record), result));
        } finally {
            lock.readLock().unlock();
        }
        return result;
    }

    @Override
    public boolean isRetriable(Throwable failure) {
        return false; // a failed send fails its transaction: aborted, and the records are processed again
    }

    @Override
    public void flush() {
        TransactionalProducer p = producer;
        if (p != null) {
            p.flush();
        }
    }

    /** True when something was sent in the open transaction. */
    public boolean dirty() {
        return dirty;
    }

    /**
     * Commits the open transaction with these offsets and begins the next. Throws what the transport throws; the
     * caller then aborts (or stops, when fenced).
     */
    @SuppressWarnings("FutureReturnValueIgnored") // the stage completes the caller's future; nothing waits on it
    public void commit(Map<TopicPartition, Long> offsets, GroupMetadata group) {
        TransactionalProducer p = producer();
        lock.writeLock().lock();
        try {
            p.flush();
            p.commitTransaction(offsets, group);
            dirty = false;
            Untied u;
            while ((u = untied.poll()) != null) {
                Untied done = u;
                done.sent().whenComplete((md, err) -> {
                    if (err != null) {
                        done.result().completeExceptionally(err);
                    } else {
                        done.result().complete(md);
                    }
                });
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Aborts the open transaction (its records are never seen) and begins the next. */
    public void abort() {
        TransactionalProducer p = producer;
        if (p == null) {
            return;
        }
        lock.writeLock().lock();
        try {
            dirty = false;
            failUntied();
            p.abortTransaction();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void failUntied() {
        Untied u;
        while ((u = untied.poll()) != null) {
            u.result().completeExceptionally(new IllegalStateException("the transaction this record was sent in "
                    + "was aborted: it was not written (send it again)"));
        }
    }

    /** Closes the producer; sends still waiting for a commit fail. */
    @Override
    public void close() {
        failUntied();
        TransactionalProducer p = producer;
        if (p != null) {
            p.close();
        }
    }

    /**
     * The transactional id of a worker: the app id and the worker id, so that a restarted worker fences its
     * predecessor at once; without a worker id ({@code ""}) a random one (the group's generation still fences a
     * predecessor's commits).
     */
    public static String transactionalId(String appId, String workerId) {
        return appId + "-" + (workerId.isEmpty() ? java.util.UUID.randomUUID().toString() : workerId);
    }
}
