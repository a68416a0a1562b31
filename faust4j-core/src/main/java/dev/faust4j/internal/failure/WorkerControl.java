package dev.faust4j.internal.failure;

/**
 * What failure handling may ask of the worker: to stop it with a non-zero exit, or to commit soon. Implemented by
 * the app's lifecycle; thread-safe.
 */
public interface WorkerControl {

    /**
     * Stops the worker with exit code 1. Delivery stops at once (buffered events are dropped, never handed out);
     * events being processed may finish; every finished record is committed, the failed ones are not.
     */
    void fail(String reason);

    /** Asks for a commit at the next turn of the poll loop. */
    void requestCommit();

    /**
     * Under exactly-once: asks for the open transaction to be aborted and every partition rewound to its committed
     * offset at the next turn of the poll loop ({@code cause} is logged). True when the worker is exactly-once
     * (the request was taken), false under at-least-once (nothing happens).
     */
    boolean requestAbort(String cause);
}
