package dev.faust4j.internal.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

import java.util.Locale;

/**
 * {@code worker --loglevel}: the level of faust4j's loggers, as far as the logging backend lets a running program set
 * it. faust4j logs through slf4j, whose API has no way to set a level: that belongs to the backend.
 *
 * <ul>
 *   <li>When faust4j's loggers already log at the level (the JVM was started with it), nothing changes.</li>
 *   <li>slf4j-simple (the examples' backend) fixes a logger's level when the logger is made, from system properties,
 *       and faust4j's first loggers are made when the app is built, before its command line is read. So this sets
 *       {@code org.slf4j.simpleLogger.log.dev.faust4j}, which every faust4j logger made from then on follows, and
 *       says that the loggers made before keep their level and which JVM option sets all of them.</li>
 *   <li>Any other backend (Logback, Log4j, java.util.logging) reads levels from its own configuration: nothing is
 *       changed, and a note says where to set the level.</li>
 * </ul>
 *
 * <p>Thread-safety: stateless; {@link #apply} sets a system property.
 */
enum LogLevel {
    ERROR, WARN, INFO, DEBUG, TRACE;

    /** The system property slf4j-simple reads for the level of the loggers under {@code dev.faust4j}. */
    static final String SIMPLE_PROPERTY = "org.slf4j.simpleLogger.log.dev.faust4j";

    /** The level's name as the backends write it: {@code debug}. */
    String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Sets this level where the backend allows it; returns a note for the user about what it did not reach, or ""
     * when every faust4j logger logs at this level.
     *
     * @param probe a faust4j logger made when the app was built (the app's own)
     */
    String apply(Logger probe) {
        if (isLevelOf(probe)) {
            return "";
        }
        String backend = LoggerFactory.getILoggerFactory().getClass().getName();
        if (backend.startsWith("org.slf4j.simple.")) {
            System.setProperty(SIMPLE_PROPERTY, text());
            return "worker: --loglevel " + text() + " applies to the faust4j loggers made from now on; slf4j-simple"
                    + " fixed the level of those made when the app was built. To set them all, start the JVM with"
                    + " -D" + SIMPLE_PROPERTY + "=" + text();
        }
        return "worker: --loglevel " + text() + " is not applied: the logging backend (" + backend + ") reads levels"
                + " from its configuration; set logger dev.faust4j to " + name() + " there";
    }

    /** True when the logger logs this level and nothing finer. */
    boolean isLevelOf(Logger logger) {
        Level finer = switch (this) {
            case ERROR -> Level.WARN;
            case WARN -> Level.INFO;
            case INFO -> Level.DEBUG;
            case DEBUG -> Level.TRACE;
            case TRACE -> null;
        };
        return logger.isEnabledForLevel(Level.valueOf(name()))
                && (finer == null || !logger.isEnabledForLevel(finer));
    }
}
