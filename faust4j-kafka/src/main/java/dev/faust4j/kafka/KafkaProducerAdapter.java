package dev.faust4j.kafka;

import dev.faust4j.RecordMetadata;
import dev.faust4j.Header;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TransportProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/*
 * Design note. A thin, thread-safe shell over one KafkaProducer (itself thread-safe). send() never throws: a
 * synchronous failure of KafkaProducer.send (closed producer, interrupted metadata wait, invalid record) becomes
 * a failed future, so callers have one failure path. Futures are completed from Kafka's callback, which runs on
 * the producer's network thread: stages chained on them without an executor run there too and must be quick.
 * Records and their payloads are never logged.
 */
final class KafkaProducerAdapter implements TransportProducer {
    private volatile Runnable closedHook = () -> {};

    private static final Logger LOG = LoggerFactory.getLogger(KafkaProducerAdapter.class);

    private final Producer<byte[], byte[]> producer;
    private final Duration closeTimeout;

    KafkaProducerAdapter(Producer<byte[], byte[]> producer, Duration closeTimeout) {
        this.producer = producer;
        this.closeTimeout = closeTimeout;
    }

    @Override
    public CompletableFuture<RecordMetadata> send(ProducedRecord record) {
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            // the callback completes the result; the future Kafka returns adds nothing to it
            var unused = producer.send(toKafka(record), (md, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(new RecordMetadata(md.topic(), md.partition(), md.offset(), md.timestamp()));
                }
            });
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    /**
     * Kafka's own verdict: its {@code RetriableException}s (a timeout waiting for the broker, no leader, not enough
     * replicas, ...) may succeed later; anything else (record too large, authorization, unknown topic with
     * auto-creation off, serialization) would fail again. Looks through wrappers such as {@code ExecutionException}.
     */
    @Override
    public boolean isRetriable(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 16; depth++) { // bounded: a cause chain may loop
            if (t instanceof RetriableException) {
                return true;
            }
            t = t.getCause();
        }
        return false;
    }

    @Override
    public void flush() {
        producer.flush();
    }

    /** Runs {@code hook} once the client is closed (the transport tells the sensors). */
    void whenClosed(Runnable hook) {
        closedHook = hook;
    }

    @Override
    public void close() {
        try {
            producer.close(closeTimeout);
        } catch (RuntimeException e) {
            LOG.warn("closing the kafka producer failed: {}", e.toString());
        } finally {
            closedHook.run();
        }
    }

    static ProducerRecord<byte[], byte[]> toKafka(ProducedRecord r) {
        List<org.apache.kafka.common.header.Header> headers = null;
        if (!r.headers().isEmpty()) {
            headers = new ArrayList<>(r.headers().size());
            for (Header h : r.headers()) {
                headers.add(new RecordHeader(h.key(), h.value()));
            }
        }
        return new ProducerRecord<>(r.topic(), r.partition(), r.timestamp(), r.key(), r.value(), headers);
    }
}
