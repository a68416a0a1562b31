package dev.faust4j.kafka;

import dev.faust4j.RecordMetadata;
import dev.faust4j.spi.GroupMetadata;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransactionFencedException;
import dev.faust4j.spi.TransactionalProducer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/*
 * Design note. One KafkaProducer with a transactional.id, initialised (which fences an older producer with the same
 * id and aborts its open transaction). A transaction is begun by the first send after a commit or abort (a
 * volatile check per send), so an idle worker holds no open transaction and closes at once. Sends, retriability and
 * flush are the plain adapter's. commitTransaction is KIP-447's consume-transform-produce step: the consumer's group
 * metadata rides with the offsets, so a member the group has replaced cannot commit. Fatal errors (fenced, not
 * authorised, a broker without transactions) become TransactionFencedException: the core stops the worker.
 */
final class KafkaTransactionalProducer implements TransactionalProducer {

    private final Producer<byte[], byte[]> producer;
    private final KafkaProducerAdapter sends;
    private final String transactionalId;
    private final ReentrantLock beginLock = new ReentrantLock();
    /** A transaction was begun and not yet committed or aborted. */
    private volatile boolean inTransaction;

    KafkaTransactionalProducer(Producer<byte[], byte[]> producer, String transactionalId, Duration closeTimeout) {
        this.producer = producer;
        this.sends = new KafkaProducerAdapter(producer, closeTimeout);
        this.transactionalId = transactionalId;
        try {
            producer.initTransactions();
        } catch (RuntimeException e) {
            sends.close();
            throw fatalOr(e, "cannot start the transactional producer " + transactionalId);
        }
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducedRecord record) {
        if (!inTransaction) {
            try {
                begin();
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return sends.send(record);
    }

    @Override
    public boolean isRetriable(Throwable failure) {
        return false; // a failed send inside a transaction fails the transaction: it is aborted and redone
    }

    @Override
    public void flush() {
        sends.flush();
    }

    @Override
    @SuppressWarnings("removal") // the group metadata crosses the SPI as a record; rebuilt here (KIP-447's fields)
    public void commitTransaction(Map<TopicPartition, Long> offsets, GroupMetadata group) {
        if (!inTransaction) {
            if (offsets.isEmpty()) {
                return; // nothing sent, nothing to commit
            }
            begin();
        }
        try {
            if (!offsets.isEmpty()) {
                Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> kafka = new HashMap<>();
                offsets.forEach((tp, offset) -> kafka.put(new org.apache.kafka.common.TopicPartition(tp.topic(),
                        tp.partition()), new OffsetAndMetadata(offset)));
                producer.sendOffsetsToTransaction(kafka, new ConsumerGroupMetadata(group.groupId(),
                        group.generationId(), group.memberId(), Optional.ofNullable(group.groupInstanceId())));
            }
            producer.commitTransaction();
            inTransaction = false;
        } catch (RuntimeException e) {
            throw fatalOr(e, "the transaction of " + transactionalId + " failed to commit");
        }
    }

    @Override
    public void abortTransaction() {
        if (!inTransaction) {
            return;
        }
        try {
            producer.abortTransaction();
            inTransaction = false;
        } catch (RuntimeException e) {
            throw fatalOr(e, "the transaction of " + transactionalId + " failed to abort");
        }
    }

    /** Begins a transaction, once, for the first send after a commit or abort (senders race for it). */
    private void begin() {
        beginLock.lock();
        try {
            if (!inTransaction) {
                producer.beginTransaction();
                inTransaction = true;
            }
        } catch (RuntimeException e) {
            throw fatalOr(e, "cannot begin a transaction of " + transactionalId);
        } finally {
            beginLock.unlock();
        }
    }

    /** Fencing and other errors that no abort can cure become {@link TransactionFencedException}. */
    private static RuntimeException fatalOr(RuntimeException e, String what) {
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException
                || e instanceof FencedInstanceIdException) {
            return new TransactionFencedException(what + ": this worker was fenced by a newer instance with the same"
                    + " transactional id, or left its group (" + e.getClass().getSimpleName() + ")", e);
        }
        if (e instanceof AuthorizationException || e instanceof UnsupportedVersionException) {
            return new TransactionFencedException(what + ": " + e.getMessage(), e);
        }
        return e;
    }

    /** Runs {@code hook} once the producer is closed (the transport tells the sensors). */
    void whenClosed(Runnable hook) {
        sends.whenClosed(hook);
    }

    @Override
    public void close() {
        sends.close();
    }
}
