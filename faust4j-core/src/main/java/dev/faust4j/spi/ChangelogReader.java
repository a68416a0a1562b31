package dev.faust4j.spi;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A reader of chosen partitions from chosen offsets, outside the consumer group: how a table restores its changelog
 * partitions on assignment and how a standby follows them (Kafka Streams' restore consumer). It never joins the
 * group and never commits; where it stands lives in the table's store.
 *
 * <pre>{@code
 * try (ChangelogReader reader = transport.changelogReader(readCommitted)) {
 *     reader.assign(List.of(tp));
 *     reader.seek(tp, storedOffset);               // or reader.beginningOffsets(...)
 *     long end = reader.endOffsets(List.of(tp)).get(tp);
 *     while (reader.position(tp) < end) {          // done by position, never by "saw the last record"
 *         for (PartitionRecords batch : reader.poll(Duration.ofMillis(100))) { apply(batch); }
 *     }
 * }
 * }</pre>
 *
 * <p>Completion is judged by {@link #position} against {@link #endOffsets}: a partition whose tail holds no
 * readable record (transaction markers, aborted records, compacted away) is complete when the position reaches
 * the end, which a reader that waits for a record at {@code end - 1} never sees (Faust's recovery hangs, R1). A
 * reader created with {@code readCommitted} sees the last stable offset as the end and never an aborted record.
 *
 * <p><b>Thread-safety:</b> not thread-safe: one thread at a time, except {@link #wakeup()}, which any thread may call.
 */
public interface ChangelogReader extends AutoCloseable {

    /** Reads exactly these partitions from now on (replacing earlier ones), each from its beginning until seeked. */
    void assign(Collection<TopicPartition> partitions);

    /** The partitions assigned. */
    java.util.Set<TopicPartition> assignment();

    /** The next {@link #poll} returns records of this assigned partition from {@code offset} on. */
    void seek(TopicPartition partition, long offset);

    /** The offset of the next record this assigned partition would return. */
    long position(TopicPartition partition);

    /** The first offset still in each partition (records below were removed by retention). */
    Map<TopicPartition, Long> beginningOffsets(Collection<TopicPartition> partitions);

    /** The end of each partition: its end offset, or its last stable offset when reading committed records. */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions);

    /**
     * The next records of the assigned partitions, waiting up to {@code timeout} when there are none; empty on
     * timeout or after {@link #wakeup()}. The position moves past records and past gaps (markers, aborted records).
     */
    List<PartitionRecords> poll(Duration timeout);

    /** Makes a blocked or the next {@link #poll} return at once. Thread-safe. */
    void wakeup();

    @Override
    void close();
}
