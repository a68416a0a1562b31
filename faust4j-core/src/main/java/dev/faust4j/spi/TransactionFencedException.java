package dev.faust4j.spi;

import org.jspecify.annotations.Nullable;

/**
 * A transaction could not be committed because this worker has been replaced: another instance with the same
 * transactional id started (Kafka's {@code ProducerFencedException}), or the consumer group moved on without this
 * member (a commit with a stale generation). The worker is a zombie: it must stop, not retry.
 */
public class TransactionFencedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransactionFencedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
