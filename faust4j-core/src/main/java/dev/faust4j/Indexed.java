package dev.faust4j;

/**
 * A value and its position among the values a stream yielded, as yielded by {@link EventStream#enumerate(long)}.
 *
 * @param index position, counting from the start given to {@code enumerate}
 * @param value the value
 */
public record Indexed<V>(long index, V value) {}
