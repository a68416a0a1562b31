package dev.faust4j.spi;

/**
 * An offset commit failed. The core logs it and retries on the next commit; it is never silently dropped.
 */
public class CommitFailedException extends RuntimeException {
    public CommitFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
