package dev.faust4j.internal.table;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bound on table updates held on the heap until a commit writes them ({@code tableMaxPendingKeys}).
 *
 * <p>Design. Told on every turn of the poll loop how many keys wait for a commit (RocksDB stores' pending updates,
 * write caches' dirty keys): at the limit it requests a commit once per crossing; past twice the limit it says the
 * worker is over budget (fetching stops) until the count is back to the limit, with one log line each way. A commit
 * that leaves the count at the limit (keys updated after its snapshot) makes the next turn request another: without
 * that, a worker whose updates stopped with the count still past twice the limit would wait for the commit
 * interval, not fetching meanwhile.
 *
 * <p>Thread-safety: not thread-safe; the poll thread only.
 */
final class PendingBudget {
    private static final Logger log = LoggerFactory.getLogger(PendingBudget.class);
    private final String appId;
    private final int limit;
    private final Runnable requestCommit;
    private boolean commitRequested;
    private boolean over;

    PendingBudget(String appId, int limit, Runnable requestCommit) {
        this.appId = appId;
        this.limit = limit;
        this.requestCommit = requestCommit;
    }

    /** The limit, in keys. */
    int limit() {
        return limit;
    }

    /** A commit went through: if keys still wait at the limit, the next turn requests another. */
    void committed() {
        commitRequested = false;
    }

    /** This many keys wait for a commit: true while fetching must stop. */
    boolean over(long pending) {
        if (pending >= limit) {
            if (!commitRequested) {
                commitRequested = true;
                requestCommit.run();
            }
        } else {
            commitRequested = false;
        }
        if (!over && pending > 2L * limit) {
            over = true;
            log.info("app {}: {} table keys updated since the last commit wait for it (tableMaxPendingKeys {}):"
                    + " fetching stops until a commit writes them", appId, pending, limit);
        } else if (over && pending <= limit) {
            over = false;
            log.info("app {}: table keys waiting for a commit back to {}: fetching again", appId, pending);
        }
        return over;
    }
}
