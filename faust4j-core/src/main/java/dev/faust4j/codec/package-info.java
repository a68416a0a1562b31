/** API package of faust4j; everything here is null-marked: a type without {@code @Nullable} is never null. */
@NullMarked
package dev.faust4j.codec;

import org.jspecify.annotations.NullMarked;
