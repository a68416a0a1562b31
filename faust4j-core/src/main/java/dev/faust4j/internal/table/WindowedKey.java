package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import java.util.Objects;

/**
 * The key of one window of a windowed table: the table key and the window (Faust's {@code (key, (start, end))}).
 *
 * <p>Thread-safety: immutable when {@code K} is.
 *
 * @param key    the table key, not null
 * @param window the window, not null
 * @param <K>    the table's key type
 */
record WindowedKey<K>(K key, WindowRange window) {

    WindowedKey {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(window, "window");
    }
}
