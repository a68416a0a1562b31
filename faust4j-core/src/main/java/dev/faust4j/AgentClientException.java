package dev.faust4j;

/**
 * An {@link AgentClient#ask ask} that failed for another reason than a timeout: the request could not be sent, the
 * reply could not be decoded, or the app stopped. The cause says which.
 *
 * <p><b>Thread-safety:</b> immutable once thrown.
 */
public final class AgentClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public AgentClientException(String message, Throwable cause) {
        super(message, cause);
    }
}
