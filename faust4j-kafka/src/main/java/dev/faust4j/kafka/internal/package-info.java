/**
 * Internals of the Kafka transport that the Kafka clients instantiate by class name, and that must therefore be
 * public: not an API. The module exports this package to {@code kafka.clients} only.
 */
@NullMarked
package dev.faust4j.kafka.internal;

import org.jspecify.annotations.NullMarked;
