package dev.faust4j.internal.table;

import dev.faust4j.RecordMetadata;
import dev.faust4j.codec.Codecs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.faust4j.testing.Checks.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kill -9} of a process committing a RocksDB store (faust-tables.md §8.3 scenario 11): whenever the kill
 * lands, even inside a write, the store reopens with data and offset of the same commit, both old or both new.
 *
 * <p>The child process ({@link #main}) commits rounds forever: round {@code r} sets every key to {@code r}, their
 * changelog records (acknowledged) at offsets {@code r * KEYS} to {@code r * KEYS + KEYS - 1}, so after round
 * {@code r} the store's offset must be {@code (r + 1) * KEYS} and every key {@code r}. Where a kill lands is
 * chance, so this shows the recovered state is consistent rather than proving the write atomic; that a commit is
 * one write batch holding the data and the offset is checked exactly by
 * {@link RocksStoreTest#aCommitIsOneWriteBatchHoldingTheDataAndTheOffset}.
 */
class RocksStoreCrashTest {
    private static final int KEYS = 2000;
    private static final ChangelogCodec<String, Long> CODEC = ChangelogCodec.of(Codecs.json(String.class),
            Codecs.json(Long.class));

    @TempDir
    Path dataDir;

    /** The child: commits rounds until killed, printing each round committed. */
    public static void main(String[] args) {
        RocksStores stores = new RocksStores(Path.of(args[0]), 8L << 20);
        RocksStore<String, Long> store = stores.open("t", 0, CODEC, true);
        for (long round = store.nextOffset() / KEYS;; round++) {
            long r = round;
            for (int k = 0; k < KEYS; k++) {
                CompletableFuture<RecordMetadata> ack = CompletableFuture
                        .completedFuture(new RecordMetadata("app-t-changelog", 0, r * KEYS + k, 0));
                var unused = store.update("k" + k, old -> r, bytes -> ack);
            }
            store.committed();
            System.out.println("round " + r);
            System.out.flush();
        }
    }

    @Test
    void aKilledProcessLeavesDataAndOffsetOfTheSameCommit() throws Exception {
        long previous = -1;
        for (int kill = 0; kill < 3; kill++) { // each kill lands elsewhere in a round
            long seen = runAndKill(previous + 10);
            try (RocksStores stores = new RocksStores(dataDir, 8L << 20)) {
                RocksStore<String, Long> store = stores.open("t", 0, CODEC, true);
                try {
                    Map<String, Long> content = new HashMap<>();
                    store.copyTo(content);
                    assertThat(content).hasSize(KEYS);
                    assertThat(new HashSet<>(content.values())).as("every key of one round").hasSize(1);
                    long round = content.values().iterator().next();
                    assertThat(round).as("a round at least as late as the last one reported")
                            .isGreaterThanOrEqualTo(seen);
                    assertThat(store.nextOffset()).as("the offset of that round's commit")
                            .isEqualTo((round + 1) * KEYS);
                    previous = round;
                } finally {
                    store.close();
                }
            }
        }
    }

    /** Runs the child until it reported round {@code until}, then kills it; returns the last round reported. */
    private long runAndKill(long until) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                RocksStoreCrashTest.class.getName(), dataDir.toString()).redirectErrorStream(true).start();
        long seen = -1;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            String line;
            while (seen < until && System.nanoTime() < deadline && (line = out.readLine()) != null) {
                if (line.startsWith("round ")) {
                    seen = Long.parseLong(line.substring(6));
                }
            }
            child.destroyForcibly(); // SIGKILL: somewhere in a later round, maybe inside a write
            assertThat(child.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        assertThat(seen).as("rounds the child committed before the kill").isGreaterThanOrEqualTo(until);
        return seen;
    }
}
