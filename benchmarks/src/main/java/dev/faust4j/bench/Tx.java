package dev.faust4j.bench;

import dev.faust4j.codec.FaustRecord;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * The benchmark record: about 100 bytes of JSON with a string key, for example
 * {@code {"account":"a1234","amount":12.5,"currency":"EUR","ts":1731000000000000,"memo":"card payment 42"}}.
 * Written without Faust's {@code __faust} member so that every contender writes the same bytes.
 */
@FaustRecord(includeMetadata = false)
public record Tx(String account, double amount, String currency, long ts, String memo) {

    /** The "change a field" step of the pipeline. */
    public Tx processed() {
        return new Tx(account, amount + 0.25, currency, ts, memo);
    }

    private static final String[] CURRENCIES = {"EUR", "USD", "GBP", "CHF"};

    /** {@code count} distinct JSON values (cycled through by the benchmarks) and their keys. */
    static byte[][] jsonValues(int count, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            String account = "a" + (1000 + r.nextInt(9000));
            double amount = Math.round(r.nextDouble() * 100000) / 100.0;
            String json = "{\"account\":\"" + account + "\",\"amount\":" + amount + ",\"currency\":\""
                    + CURRENCIES[r.nextInt(CURRENCIES.length)] + "\",\"ts\":"
                    + (1_731_000_000_000_000L + r.nextInt(1 << 30))
                    + ",\"memo\":\"card payment at store " + r.nextInt(1000) + "\"}";
            out[i] = json.getBytes(StandardCharsets.UTF_8);
        }
        return out;
    }

    /** The account of a JSON value made by {@link #jsonValues}, as key bytes. */
    static byte[] keyOf(byte[] json) {
        String s = new String(json, StandardCharsets.UTF_8);
        int i = s.indexOf("\"account\":\"") + 11;
        return s.substring(i, s.indexOf('"', i)).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code count} distinct raw values of {@code size} random bytes. */
    static byte[][] rawValues(int count, int size, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[][] out = new byte[count][size];
        for (byte[] b : out) {
            for (int i = 0; i < size; i++) {
                b[i] = (byte) r.nextInt(256);
            }
        }
        return out;
    }
}
