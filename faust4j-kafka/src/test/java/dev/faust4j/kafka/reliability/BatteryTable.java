package dev.faust4j.kafka.reliability;

import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
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
            + "| commit violations | recovery | peak heap | exit codes | result |\n"
            + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|\n";
    private static final ReentrantLock LOCK = new ReentrantLock();

    private BatteryTable() {
    }

    /**
     * One test's figures; PASS when nothing was lost, no extra output, no violation and duplicates within bounds.
     *
     * @param recovery   from the fault (kill, outage) until every partition that had records left moved again, the
     *                   longest such time of the run ({@code null}: no fault)
     * @param peakHeapMb the highest heap in use any worker of the run reported, in MiB (-1: not measured)
     */
    record Row(String test, long records, long lost, long duplicated, long duplicatesAllowed, long extra,
               long commitViolations, @Nullable Duration recovery, long peakHeapMb, String exitCodes) {

        Row(String test, long records, long lost, long duplicated, long duplicatesAllowed, long extra,
            long commitViolations, String exitCodes) {
            this(test, records, lost, duplicated, duplicatesAllowed, extra, commitViolations, null, -1, exitCodes);
        }

        boolean pass() {
            return lost == 0 && extra == 0 && commitViolations == 0 && duplicated <= duplicatesAllowed;
        }

        String markdown() {
            return "| " + test + " | " + records + " | " + lost + " | " + duplicated + " | " + duplicatesAllowed + " | "
                    + extra + " | " + commitViolations + " | "
                    + (recovery == null ? "-" : String.format(Locale.ROOT, "%.1f s", recovery.toMillis() / 1000.0))
                    + " | " + (peakHeapMb < 0 ? "-" : peakHeapMb + " MiB") + " | " + exitCodes + " | "
                    + (pass() ? "PASS" : "FAIL")
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
