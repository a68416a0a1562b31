/**
 * placeholder
 */
@NullMarked
package dev.faust4j.test;

import org.jspecify.annotations.NullMarked;
