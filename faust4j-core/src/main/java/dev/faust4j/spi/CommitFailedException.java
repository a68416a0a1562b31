package dev.faust4j.spi;

import org.jspecify.annotations.Nullable;

/**
 * An offset commit failed. The core logs it and retries on the next commit; it is never silently dropped.
 */
public class CommitFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CommitFailedException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
