package dev.faust4j.spi;

import org.jspecify.annotations.Nullable;

/**
 * Who a consumer is in its group right now (Kafka's {@code ConsumerGroupMetadata}): sent with a transaction's
 * offsets so that the group coordinator refuses the commit of a member that has been replaced (KIP-447 fencing).
 * Immutable and thread-safe.
 *
 * @param groupId         the consumer group id (the app id)
 * @param generationId    the group generation the member belongs to
 * @param memberId        the member id the coordinator gave the consumer
 * @param groupInstanceId the static member id ({@code group.instance.id}), or null
 */
public record GroupMetadata(String groupId, int generationId, String memberId, @Nullable String groupInstanceId) {}
