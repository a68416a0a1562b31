package dev.faust4j.internal.table;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * One decoded changelog record: a key and its new value, or a deletion (a Kafka tombstone, null value).
 *
 * <p>Thread-safety: immutable when {@code K} and {@code V} are.
 *
 * @param key   the table key (for a windowed table, a {@link WindowedKey}), not null
 * @param value the new value, or null when the key was deleted
 * @param <K>   the key type
 * @param <V>   the value type
 */
record ChangelogEntry<K, V>(K key, @Nullable V value) {

    ChangelogEntry {
        Objects.requireNonNull(key, "key");
    }

    /** Whether the record deletes its key (a tombstone). */
    boolean isDeletion() {
        return value == null;
    }
}
