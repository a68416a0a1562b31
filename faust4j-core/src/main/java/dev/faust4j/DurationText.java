package dev.faust4j;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations as they are written in properties and environment variables: seconds, as Faust writes them
 * ({@code 2.8}), or with a unit ({@code 250ms}, {@code 3s}). Stateless.
 */
final class DurationText {
    private DurationText() {
    }

    /**
     * Reads a duration.
     *
     * @throws NumberFormatException when the number cannot be read
     */
    static Duration parse(String text) {
        String l = text.trim().toLowerCase(Locale.ROOT);
        if (l.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(l.substring(0, l.length() - 2).trim()));
        }
        if (l.endsWith("s")) {
            l = l.substring(0, l.length() - 1).trim();
        }
        return Duration.ofNanos(Math.round(Double.parseDouble(l) * 1e9));
    }
}
