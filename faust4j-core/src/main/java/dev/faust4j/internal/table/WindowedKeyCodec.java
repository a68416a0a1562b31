package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import dev.faust4j.internal.json.FaustFloats;
import dev.faust4j.codec.Codec;
import dev.faust4j.codec.DecodeException;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The changelog key of a windowed table, byte for byte as Python Faust writes it: the JSON array
 * {@code [key,[start,end]]}, e.g. {@code ["k1",[1796105400.0,1796105409.9]]} (faust-wire-samples.md §2).
 *
 * <p>Design note: the table key is written and read by the table's own key codec (normally the project's JSON
 * codec, so record keys, namespaces and error messages are the same as everywhere else) and placed as is inside
 * the array; no second Jackson configuration and no tree model. The window goes on the wire in Faust's form:
 * {@code start} in float seconds and the nominal end {@code start + size - 0.1}, computed in double precision in
 * that order as Python does, both printed as Faust (orjson) prints floats ({@link FaustFloats}). Reading inverts
 * it: {@code startMs = round(start * 1000)}, {@code sizeMs = round((end - start + 0.1) * 1000)}, so every key
 * written here or by Faust round-trips to the same bytes. Faust's integer-start quirk ({@code [10,19.9]},
 * faust-tables.md §5.1) is read too, but written back as {@code 10.0}, as Faust itself writes.
 *
 * <p>Reading splits the array from its end: the window array holds only numbers, so the last {@code [} before the
 * closing brackets starts it, and everything between the opening bracket and the comma before it is the key's
 * JSON. Error messages say which part was expected and never quote the payload.
 *
 * <p>Thread-safety: immutable when the key codec is thread-safe (codecs must be).
 *
 * @param <K> the table's key type
 */
final class WindowedKeyCodec<K> implements Codec<WindowedKey<K>> {

    private static final Pattern JSON_NUMBER = Pattern.compile("-?(?:0|[1-9][0-9]*)(?:\\.[0-9]+)?(?:[eE][+-]?[0-9]+)?");
    private static final String EXPECTED = "cannot decode a windowed key: expected the JSON array [key,[start,end]]"
            + " (start and end in seconds)";

    private final Codec<K> keyCodec;

    /**
     * @param keyCodec the table key's codec; it must write JSON
     * @throws IllegalArgumentException for the raw and string codecs, which do not write JSON
     */
    WindowedKeyCodec(Codec<K> keyCodec) {
        this.keyCodec = Objects.requireNonNull(keyCodec, "keyCodec");
        if ("raw".equals(keyCodec.name()) || "string".equals(keyCodec.name())) {
            throw new IllegalArgumentException("a windowed table's key codec must write JSON (the key is embedded "
                    + "in the JSON array [key,[start,end]]), not " + keyCodec.name());
        }
    }

    @Override
    public byte[] encode(WindowedKey<K> value) {
        Objects.requireNonNull(value, "value");
        byte[] key = keyCodec.encode(value.key());
        WindowRange window = value.window();
        double start = wireStart(window);
        byte[] tail = (",[" + FaustFloats.repr(start) + "," + FaustFloats.repr(wireEnd(window)) + "]]")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[1 + key.length + tail.length];
        out[0] = '[';
        System.arraycopy(key, 0, out, 1, key.length);
        System.arraycopy(tail, 0, out, 1 + key.length, tail.length);
        return out;
    }

    @Override
    public WindowedKey<K> decode(byte[] bytes) {
        int from = skipSpace(bytes, 0, bytes.length);
        int to = trimSpace(bytes, from, bytes.length);
        if (to - from < 2 || bytes[from] != '[' || bytes[to - 1] != ']') {
            throw malformed("the input is not a JSON array");
        }
        int windowEnd = trimSpace(bytes, from + 1, to - 1); // just after the window's ']'
        if (windowEnd <= from + 1 || bytes[windowEnd - 1] != ']') {
            throw malformed("the array does not end with the window [start,end]");
        }
        int windowStart = windowEnd - 2; // the window's '['
        while (windowStart > from && bytes[windowStart] != '[' && isNumberOrSeparator(bytes[windowStart])) {
            windowStart--;
        }
        if (windowStart <= from || bytes[windowStart] != '[') {
            throw malformed("the window [start,end] holds something other than two numbers");
        }
        int comma = trimSpace(bytes, from + 1, windowStart) - 1;
        if (comma <= from || bytes[comma] != ',') {
            throw malformed("the key is missing before the window");
        }
        int keyFrom = skipSpace(bytes, from + 1, comma);
        int keyTo = trimSpace(bytes, keyFrom, comma);
        if (keyFrom >= keyTo) {
            throw malformed("the key is missing before the window");
        }
        WindowRange window = window(bytes, windowStart + 1, windowEnd - 1);
        byte[] keyBytes = new byte[keyTo - keyFrom];
        System.arraycopy(bytes, keyFrom, keyBytes, 0, keyBytes.length);
        K key;
        try {
            key = keyCodec.decode(keyBytes);
        } catch (DecodeException e) {
            throw new DecodeException("cannot decode a windowed key: the key part: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new DecodeException("cannot decode a windowed key: the key part: " + e.getClass().getName()
                    + " from the " + keyCodec + " codec");
        }
        return new WindowedKey<>(key, window);
    }

    @Override
    @SuppressWarnings("unchecked")
    public Class<WindowedKey<K>> type() {
        return (Class<WindowedKey<K>>) (Class<?>) WindowedKey.class;
    }

    @Override
    public String name() {
        return "faust-windowed(" + keyCodec.name() + ")";
    }

    @Override
    public String toString() {
        return "faust-windowed(" + keyCodec + ")";
    }

    /** The window's start on the wire: float seconds. */
    static double wireStart(WindowRange window) {
        return window.startMs() / 1000.0;
    }

    /** The window's end on the wire, Faust's nominal end: {@code start + size - 0.1}, in that order. */
    static double wireEnd(WindowRange window) {
        return wireStart(window) + window.sizeMs() / 1000.0 - 0.1;
    }

    /** The window Faust writes as {@code [start,end]} (seconds), the inverse of {@link #wireStart}/{@link #wireEnd}. */
    static WindowRange fromWire(double start, double end) {
        if (!Double.isFinite(start) || !Double.isFinite(end)
                || Math.abs(start) * 1000.0 > WindowRange.MAX_MS || Math.abs(end) * 1000.0 > WindowRange.MAX_MS) {
            throw malformed("the window's start or end is out of range");
        }
        long startMs = Math.round(start * 1000.0);
        long sizeMs = Math.round((end - start + 0.1) * 1000.0);
        if (sizeMs <= 0) {
            throw malformed("the window's end is not after its start minus 0.1 s (Faust's end is start + size - 0.1)");
        }
        if (Math.abs(startMs + sizeMs) > WindowRange.MAX_MS) {
            throw malformed("the window's start or end is out of range");
        }
        return new WindowRange(startMs, startMs + sizeMs);
    }

    private static WindowRange window(byte[] bytes, int from, int to) {
        int comma = -1;
        for (int i = from; i < to; i++) {
            if (bytes[i] == ',') {
                if (comma >= 0) {
                    throw malformed("the window has more than two numbers");
                }
                comma = i;
            }
        }
        if (comma < 0) {
            throw malformed("the window has fewer than two numbers");
        }
        return fromWire(number(bytes, from, comma, "start"), number(bytes, comma + 1, to, "end"));
    }

    private static double number(byte[] bytes, int from, int to, String what) {
        int start = skipSpace(bytes, from, to);
        String text = new String(bytes, start, trimSpace(bytes, start, to) - start, StandardCharsets.US_ASCII);
        if (!JSON_NUMBER.matcher(text).matches()) {
            throw malformed("the window's " + what + " is not a JSON number");
        }
        return Double.parseDouble(text);
    }

    private static boolean isNumberOrSeparator(byte b) {
        return (b >= '0' && b <= '9') || b == '.' || b == '-' || b == '+' || b == 'e' || b == 'E' || b == ','
                || isSpace(b);
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }

    /** The first index in {@code [from, to)} that is not JSON whitespace, or {@code to}. */
    private static int skipSpace(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to && isSpace(bytes[i])) {
            i++;
        }
        return i;
    }

    /** The end of {@code [from, to)} without trailing JSON whitespace. */
    private static int trimSpace(byte[] bytes, int from, int to) {
        int i = to;
        while (i > from && isSpace(bytes[i - 1])) {
            i--;
        }
        return i;
    }

    private static DecodeException malformed(String problem) {
        return new DecodeException(EXPECTED + ", but " + problem);
    }
}
