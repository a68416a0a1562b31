package dev.faust4j;

import org.jspecify.annotations.Nullable;

/**
 * A key and a value, as yielded by {@link EventStream#items()}.
 *
 * @param key   the key (may be null)
 * @param value the value
 */
public record KeyValue<K, V>(@Nullable K key, V value) {}
