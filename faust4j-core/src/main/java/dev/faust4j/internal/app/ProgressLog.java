package dev.faust4j.internal.app;

import dev.faust4j.Partition;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The progress line, every {@code progressInterval} while records flow (Kafka Streams logs a similar summary):
 * records fetched since the last line, their rate, the lag summed over the worker's partitions, and how many are
 * paused. Silent while nothing flows, so an idle worker does not fill its log.
 *
 * <p>Design. Run by a timer thread of the app (never the poll thread: the lag asks the broker for the
 * partitions' ends); it reads the poll loop's published counters.
 *
 * <p>Thread-safety: {@link #log()} from one thread at a time (its timer).
 */
final class ProgressLog {
    private static final Logger log = LoggerFactory.getLogger(ProgressLog.class);

    private final String appId;
    private final Ticker ticker;
    private final LongSupplier fetched;
    private final Supplier<Map<Partition, Long>> lag;
    private final IntSupplier paused;
    private long lastFetched;
    private long lastAt;

    ProgressLog(String appId, Ticker ticker, LongSupplier fetched, Supplier<Map<Partition, Long>> lag,
                IntSupplier paused) {
        this.appId = appId;
        this.ticker = ticker;
        this.fetched = fetched;
        this.lag = lag;
        this.paused = paused;
        this.lastAt = ticker.nanoTime();
    }

    void log() {
        long now = ticker.nanoTime();
        long total = fetched.getAsLong();
        long n = total - lastFetched;
        double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
        lastFetched = total;
        lastAt = now;
        if (n <= 0) {
            return;
        }
        Map<Partition, Long> lags = lag.get();
        long behind = 0;
        for (long l : lags.values()) {
            behind += l;
        }
        log.info("app {}: {} records in the last {} s ({}/s), lag {} over {} partitions, {} paused", appId, n,
                Math.round(seconds), Math.round(n / seconds), behind, lags.size(), paused.getAsInt());
    }
}
