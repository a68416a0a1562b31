/**
 * Micrometer metrics for faust4j apps. {@link dev.faust4j.micrometer.FaustMetrics#bind} is the one entry point;
 * its class comment lists every meter.
 */
@NullMarked
package dev.faust4j.micrometer;

import org.jspecify.annotations.NullMarked;
