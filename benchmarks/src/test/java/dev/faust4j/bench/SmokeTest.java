package dev.faust4j.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Keeps the harness compiling and working in CI: the memory-transport suite with tiny sizes (every contender
 * in its own JVM, once) and one short pass of every JMH benchmark in this JVM. No broker, no real benchmark.
 */
class SmokeTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void harnessRunsWithTinySizes() throws Exception {
        assertEquals(0, Main.harness("smoke", List.of("--runs", "1")));
    }
}
