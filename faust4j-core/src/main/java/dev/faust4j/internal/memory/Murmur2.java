package dev.faust4j.internal.memory;

/**
 * Kafka's default partitioner for keyed records: {@code toPositive(murmur2(keyBytes)) % partitions}, so a key
 * lands in the same partition on the memory transport as on Kafka (checked against kafka-clients in tests).
 */
public final class Murmur2 {
    private Murmur2() {}

    /** The partition Kafka's producer picks for these key bytes. */
    public static int partition(byte[] key, int partitions) {
        return (hash(key) & 0x7fffffff) % partitions;
    }

    /** Kafka's murmur2 (seed 0x9747b28c). */
    @SuppressWarnings("fallthrough") // the tail switch falls through on purpose, as Kafka's murmur2
    public static int hash(byte[] data) {
        int length = data.length;
        int seed = 0x9747b28c;
        final int m = 0x5bd1e995;
        final int r = 24;
        int h = seed ^ length;
        int length4 = length / 4;
        for (int i = 0; i < length4; i++) {
            final int i4 = i * 4;
            int k = (data[i4] & 0xff) + ((data[i4 + 1] & 0xff) << 8) + ((data[i4 + 2] & 0xff) << 16)
                    + ((data[i4 + 3] & 0xff) << 24);
            k *= m;
            k ^= k >>> r;
            k *= m;
            h *= m;
            h ^= k;
        }
        switch (length % 4) {
            case 3:
                h ^= (data[(length & ~3) + 2] & 0xff) << 16;
            case 2:
                h ^= (data[(length & ~3) + 1] & 0xff) << 8;
            case 1:
                h ^= data[length & ~3] & 0xff;
                h *= m;
            default:
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }
}
