package dev.faust4j.internal.table;

import dev.faust4j.spi.ChangelogReader;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.time.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Brings table partitions up to date from their changelog partitions: the recovery step that runs before an agent
 * sees any record of a newly assigned partition (issue 10; faust-tables.md §4, §8.2 items 1, 14 and 15).
 *
 * <p>Design. Each changelog partition is read from the offset its store says it applied up to (the next offset to
 * read, Kafka's convention; 0 for an empty store) to the end offset taken when the restore starts, through one
 * {@link ChangelogReader}. A partition is done when the reader's <em>position</em> reaches that end, never by
 * waiting for a record at {@code end - 1}, so tails of transaction markers, aborted or compacted-away records
 * complete (Faust's hang R1). A stored offset beyond the end (the topic was deleted and recreated, or the store
 * belongs to another cluster) fails at once with the partition and both offsets (Faust's {@code ConsistencyError},
 * R3) instead of silently reading nothing; so does a store holding data whose offset lies before the beginning
 * (the records between were deleted: the store cannot be brought up to date). Records are handed to the
 * partition's {@link Target} in batches, in offset order, together with the position they bring the store to, so
 * that a store can persist data and offset together. Progress (records, rate, remaining) is logged every 5 s by
 * the app's {@link Ticker} while a restore runs. A cancelled restore (the partition was revoked meanwhile) stops between batches and applies nothing more.
 *
 * <p>Thread-safety: not thread-safe; one restore at a time, on the caller's thread (a restore thread, never the
 * poll thread), with the reader it was given.
 */
final class ChangelogRestorer {
    private static final Logger log = LoggerFactory.getLogger(ChangelogRestorer.class);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final long PROGRESS_EVERY = Duration.ofSeconds(5).toNanos();

    /** One table partition's store, as the restore sees it. */
    interface Target {
        /** The next changelog offset this store needs (everything below is applied); 0 when it holds nothing. */
        long nextOffset();

        /**
         * Applies these records (in offset order; a null value deletes the key) and records that everything below
         * {@code nextOffset} is applied.
         */
        void apply(List<ConsumedRecord> records, long nextOffset);
    }

    /** What one restore did, per changelog partition: records applied, and the offsets it went from and to. */
    record Restored(TopicPartition partition, long from, long to, long records) {}

    /**
     * A store whose stored offset lies outside its changelog: beyond its end, or (for a store that holds data) before
     * its beginning.
     */
    static final class InconsistentOffsetException extends IllegalStateException {
        private static final long serialVersionUID = 1L;
        private final transient TopicPartition partition;

        InconsistentOffsetException(TopicPartition partition, String message) {
            super(message);
            this.partition = partition;
        }

        /** The changelog partition whose store is inconsistent. */
        TopicPartition partition() {
            return partition;
        }
    }

    private final ChangelogReader reader;
    private final Ticker ticker;
    private final String appId;

    ChangelogRestorer(ChangelogReader reader, Ticker ticker, String appId) {
        this.reader = reader;
        this.ticker = ticker;
        this.appId = appId;
    }

    /**
     * Restores every target to its changelog partition's end as of now; returns what was applied, or what was
     * applied until {@code cancelled} said stop.
     *
     * @throws InconsistentOffsetException when a store's offset lies beyond its partition's end
     */
    List<Restored> restore(Map<TopicPartition, Target> targets, BooleanSupplier cancelled) {
        if (targets.isEmpty()) {
            return List.of();
        }
        reader.assign(targets.keySet());
        Map<TopicPartition, Long> end = reader.endOffsets(targets.keySet());
        Map<TopicPartition, Long> beginning = reader.beginningOffsets(targets.keySet());
        Map<TopicPartition, Long> from = new HashMap<>();
        long remaining = 0;
        for (Map.Entry<TopicPartition, Target> e : targets.entrySet()) {
            TopicPartition tp = e.getKey();
            long stored = e.getValue().nextOffset();
            long last = end.get(tp);
            long first = beginning.getOrDefault(tp, 0L);
            if (stored > last) {
                throw new InconsistentOffsetException(tp, "app " + appId + ": the table store of " + tp
                        + " has applied the changelog up to offset " + stored + ", beyond its end " + last
                        + " (the changelog's offsets range from " + first + " to " + last + "; was the topic deleted"
                        + " and recreated?); remove the local table state to rebuild it from the changelog");
            }
            if (stored > 0 && stored < first) {
                throw new InconsistentOffsetException(tp, "app " + appId + ": the table store of " + tp
                        + " has applied the changelog up to offset " + stored + ", before its beginning " + first
                        + " (the changelog's offsets range from " + first + " to " + last + "; the records between were"
                        + " deleted, so the store cannot be brought up to date); remove the local table state to"
                        + " rebuild it from the changelog");
            }
            long start = Math.max(stored, first); // retention removed the records below (an empty store)
            reader.seek(tp, start);
            from.put(tp, start);
            remaining += last - start;
        }
        Map<TopicPartition, Long> applied = new HashMap<>();
        long total = remaining;
        long started = ticker.nanoTime();
        long lastProgress = started;
        List<TopicPartition> pending = new ArrayList<>(targets.keySet());
        if (total > 0) {
            log.info("app {}: restoring {} table partition(s) from their changelogs, {} offsets to read", appId,
                    pending.size(), total);
        }
        while (!pending.isEmpty() && !cancelled.getAsBoolean()) {
            for (PartitionRecords batch : reader.poll(POLL)) {
                TopicPartition tp = batch.partition();
                Target target = targets.get(tp);
                if (target == null) {
                    continue;
                }
                long limit = end.get(tp);
                List<ConsumedRecord> records = batch.records();
                int n = 0;
                while (n < records.size() && records.get(n).offset() < limit) {
                    n++; // records written after the restore began belong to the next owner's work, not ours
                }
                if (n > 0) {
                    target.apply(records.subList(0, n), Math.min(limit, records.get(n - 1).offset() + 1));
                    applied.merge(tp, (long) n, Long::sum);
                }
            }
            pending.removeIf(tp -> {
                long position = reader.position(tp);
                if (position >= end.get(tp)) {
                    long next = end.get(tp);
                    if (targets.get(tp).nextOffset() < next) {
                        targets.get(tp).apply(List.of(), next); // a tail without records: markers, gaps
                    }
                    return true;
                }
                return false;
            });
            long now = ticker.nanoTime();
            if (!pending.isEmpty() && now - lastProgress >= PROGRESS_EVERY) {
                lastProgress = now;
                long done = 0;
                for (TopicPartition tp : targets.keySet()) {
                    done += Math.min(reader.position(tp), end.get(tp)) - from.get(tp);
                }
                double seconds = (now - started) / 1e9;
                log.info("app {}: restoring tables, {} of {} offsets read ({} records/s), {} partition(s) left",
                        appId, done, total, Math.round(done / Math.max(seconds, 1e-3)), pending.size());
            }
        }
        List<Restored> out = new ArrayList<>(targets.size());
        for (TopicPartition tp : targets.keySet()) {
            out.add(new Restored(tp, from.get(tp), targets.get(tp).nextOffset(), applied.getOrDefault(tp, 0L)));
        }
        if (total > 0 && !cancelled.getAsBoolean()) {
            log.info("app {}: tables restored in {} ms: {}", appId, (ticker.nanoTime() - started) / 1_000_000, out);
        }
        return out;
    }
}
