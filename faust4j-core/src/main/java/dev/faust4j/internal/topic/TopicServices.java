package dev.faust4j.internal.topic;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.internal.send.Sender;

/**
 * What every topic of an app shares: defaults for the topics faust4j creates, the catalog, the sender, the way to
 * subscribe and to make streams. Immutable and thread-safe.
 *
 * @param defaultPartitions  partitions of topics created without an explicit count ({@code topic_partitions})
 * @param replicationFactor  replication factor of created topics
 * @param defaultDecodePolicy the app's decode error policy, for topics without their own
 * @param catalog            registers and declares topics
 * @param sender             sends records
 * @param subscriber         subscribes readers
 * @param streams            makes streams
 */
public record TopicServices(int defaultPartitions, short replicationFactor, ErrorPolicy defaultDecodePolicy,
                            Catalog catalog, Sender sender, Subscriber subscriber, StreamFactory streams) {}
