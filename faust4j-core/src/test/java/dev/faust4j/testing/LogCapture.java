package dev.faust4j.testing;

import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Captures what the logging backend writes while it is open, for tests that check a failure is logged. It
 * tees {@code System.err}, where slf4j-simple (the core's test backend) writes; {@link #supported()} tells
 * whether that backend is the one in use, so a module running these tests with another backend skips the log
 * checks instead of failing on them. Close it to restore {@code System.err}. Thread-safe.
 */
public final class LogCapture implements AutoCloseable {
    private final PrintStream original;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    public LogCapture() {
        original = System.err;
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                captured.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                captured.write(b, off, len);
            }

            @Override
            public void flush() {
                original.flush();
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    /** True when the logging backend writes to {@code System.err} as it is at the time of each call. */
    public static boolean supported() {
        return LoggerFactory.getILoggerFactory().getClass().getName().startsWith("org.slf4j.simple.");
    }

    /** Everything logged so far. */
    public String text() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        System.err.flush();
        System.setErr(original);
    }
}
