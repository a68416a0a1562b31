package dev.faust4j.spi;

import java.util.List;

/**
 * The records one poll returned for one partition, in offset order (offsets increase but need not be
 * contiguous: compaction and transaction markers leave gaps).
 *
 * @param partition the partition
 * @param records   its records, in offset order, never empty
 */
public record PartitionRecords(TopicPartition partition, List<ConsumedRecord> records) {}
