package dev.faust4j;

import dev.faust4j.internal.memory.Murmur2;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Our partitioner must put every key where Kafka's default partitioner puts it. */
class Murmur2Test {

    private static int kafkaPartition(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    @Test
    void randomKeysOfEveryLengthLandInKafkasPartition() {
        Random random = new Random(20240601L); // fixed seed: a failure is reproducible
        int[] partitionCounts = {1, 2, 3, 4, 6, 7, 8, 12, 16, 31, 64, 100, 997, 1024};
        for (int i = 0; i < 100_000; i++) {
            byte[] key = new byte[random.nextInt(i < 50_000 ? 16 : 300)];
            random.nextBytes(key);
            assertThat(Murmur2.hash(key)).as("murmur2 of %d random bytes (key #%d)", key.length, i)
                    .isEqualTo(Utils.murmur2(key));
            int n = partitionCounts[i % partitionCounts.length];
            assertThat(Murmur2.partition(key, n)).as("partition of key #%d over %d partitions", i, n)
                    .isEqualTo(kafkaPartition(key, n));
        }
    }

    @Test
    void typicalStringKeysAndEdgeCasesMatchKafka() {
        List<String> keys = List.of("", "a", "ab", "abc", "abcd", "abcde", "a1", "account-42", "k0", "k1", "k399",
                "ünïcödé", "日本語のキー", "\u0000", "\uFFFF");
        for (String k : keys) {
            byte[] key = k.getBytes(StandardCharsets.UTF_8);
            for (int n = 1; n <= 64; n++) {
                assertThat(Murmur2.partition(key, n)).as("key '%s' over %d partitions", k, n)
                        .isEqualTo(kafkaPartition(key, n));
            }
        }
        for (int v = 0; v < 256; v++) {
            byte[] one = {(byte) v};
            byte[] four = {(byte) v, (byte) (v * 7), (byte) (255 - v), (byte) 0x80};
            assertThat(Murmur2.hash(one)).isEqualTo(Utils.murmur2(one));
            assertThat(Murmur2.hash(four)).isEqualTo(Utils.murmur2(four));
        }
    }

    @Test
    void hashesWhoseSignBitIsSetStillGiveANonNegativePartition() {
        Random random = new Random(7);
        int negative = 0;
        for (int i = 0; i < 10_000; i++) {
            byte[] key = new byte[8];
            random.nextBytes(key);
            if (Murmur2.hash(key) < 0) {
                negative++;
            }
            assertThat(Murmur2.partition(key, 10)).isBetween(0, 9).isEqualTo(kafkaPartition(key, 10));
        }
        assertThat(negative).as("some hashes were negative, so toPositive was exercised").isPositive();
    }
}
