/**
 * An embedded single-node Kafka broker for integration tests of faust4j apps:
 * {@link dev.faust4j.test.kafka.EmbeddedKafka} (a real KRaft broker in the test JVM, on 127.0.0.1 only) and
 * {@link dev.faust4j.test.kafka.EmbeddedKafkaExtension}, the JUnit 5 extension that injects it.
 * {@link dev.faust4j.test.kafka.LocalKafkaBroker} runs the same broker from the command line
 * ({@code ./dev kafka-broker}).
 *
 * <p>Add {@code dev.faust4j:faust4j-test-kafka} in test scope, next to {@code faust4j-kafka} (the {@code kafka://}
 * transport). The jar is an automatic module, {@code dev.faust4j.test.kafka}: Kafka's broker test kit underneath it
 * cannot be on the module path, so tests that use it run on the class path.
 */
@NullMarked
package dev.faust4j.test.kafka;

import org.jspecify.annotations.NullMarked;
