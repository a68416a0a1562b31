/**
 * The {@code kafka://} transport: faust4j's {@link dev.faust4j.spi.Transport} over the Apache Kafka Java clients.
 *
 * <p>Put {@code faust4j-kafka} on the class path and point the app at a cluster:
 * {@code App.builder("orders").broker("kafka://broker1:9092;broker2:9092")}. The transport is found through
 * {@link java.util.ServiceLoader} by {@link dev.faust4j.kafka.KafkaTransportFactory}; everything else (agents,
 * acks, commits, flow control) is the same code as on the in-memory transport.
 *
 * <p>Only {@link dev.faust4j.kafka.KafkaTransportFactory} is public; the adapters behind it are package-private.
 */
@NullMarked
package dev.faust4j.kafka;

import org.jspecify.annotations.NullMarked;
