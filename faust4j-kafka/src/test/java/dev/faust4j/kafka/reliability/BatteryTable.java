package dev.faust4j.kafka.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The reliability battery's result table (shared/reference/reliability.md §3): each battery test adds one row,
 * printed and appended to {@code target/reliability/battery.md} of the module, which {@code ./dev reliability}
 * prints at the end and RELIABILITY.md keeps.
 *
 * <p>Thread-safety: thread-safe.
 */
final class BatteryTable {
    static final Path FILE = Path.of("target", "reliability", "battery.md");
    private static final String HEADER = "| test | records | lost | duplicated | duplicates allowed | extra "
            + "| commit violations | exit codes | result |\n|---|---:|---:|---:|---:|---:|---:|---|---|\n";
    private static final ReentrantLock LOCK = new ReentrantLock();

    private BatteryTable() {
    }

    /** One test's figures; PASS when nothing was lost, no extra output, no violation and duplicates within bounds. */
    record Row(String test, long records, long lost, long duplicated, long duplicatesAllowed, long extra,
               long commitViolations, String exitCodes) {
        boolean pass() {
            return lost == 0 && extra == 0 && commitViolations == 0 && duplicated <= duplicatesAllowed;
        }

        String markdown() {
            return "| " + test + " | " + records + " | " + lost + " | " + duplicated + " | " + duplicatesAllowed + " | "
                    + extra + " | " + commitViolations + " | " + exitCodes + " | " + (pass() ? "PASS" : "FAIL")
                    + " |\n";
        }
    }

    /** Prints the row and appends it to the table file. */
    static void add(Row row) {
        System.out.print("[reliability] " + row.markdown());
        LOCK.lock();
        try {
            Files.createDirectories(FILE.getParent());
            if (!Files.exists(FILE)) {
                Files.writeString(FILE, HEADER, StandardCharsets.UTF_8);
            }
            Files.writeString(FILE, row.markdown(), StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + FILE.toAbsolutePath(), e);
        } finally {
            LOCK.unlock();
        }
    }
}
