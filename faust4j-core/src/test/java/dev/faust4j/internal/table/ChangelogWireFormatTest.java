package dev.faust4j.internal.table;

import dev.faust4j.WindowRange;
import dev.faust4j.internal.json.FaustFloats;
import dev.faust4j.codec.Codec;
import dev.faust4j.codec.Codecs;
import dev.faust4j.codec.DecodeException;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The changelog records a real Python Faust worker wrote (faust-wire-samples.md §2: tables {@code counts},
 * {@code sums} and the tumbling {@code wcounts} of app {@code interop-py-app}), read and written byte for byte.
 */
class ChangelogWireFormatTest {

    private static final HexFormat HEX = HexFormat.of();

    /** A source record of topic {@code interop-words}: key, amount, timestamp. */
    private record Word(String key, double amount, long timestampMs) {
    }

    /** In the order the worker processed them (the changelog's order). */
    private static final List<Word> WORDS = List.of(
            new Word("k1", 1.5, 1_796_105_400_000L),
            new Word("k2", 3.0, 1_796_105_401_000L),
            new Word("k3", 6.0, 1_796_105_412_000L),
            new Word("k1", 4.5, 1_796_105_402_000L),
            new Word("k1", 7.5, 1_796_105_413_000L));

    /** {@code interop-py-app-counts-changelog}, hex of key and value, in the same order. */
    private static final String[][] COUNTS = {
            {"226b3122", "31"}, {"226b3222", "31"}, {"226b3322", "31"}, {"226b3122", "32"}, {"226b3122", "33"}};

    /** {@code interop-py-app-sums-changelog}. */
    private static final String[][] SUMS = {
            {"226b3122", "312e35"}, {"226b3222", "332e30"}, {"226b3322", "362e30"}, {"226b3122", "362e30"},
            {"226b3122", "31332e35"}};

    /** {@code interop-py-app-wcounts-changelog}, {@code .tumbling(10.0, expires=3600.0)}. */
    private static final String[][] WCOUNTS = {
            {"5b226b31222c5b313739363130353430302e302c313739363130353430392e395d5d", "31"},
            {"5b226b32222c5b313739363130353430302e302c313739363130353430392e395d5d", "31"},
            {"5b226b33222c5b313739363130353431302e302c313739363130353431392e395d5d", "31"},
            {"5b226b31222c5b313739363130353430302e302c313739363130353430392e395d5d", "32"},
            {"5b226b31222c5b313739363130353431302e302c313739363130353431392e395d5d", "31"}};

    private final ChangelogCodec<String, Long> counts = ChangelogCodec.forTypes(String.class, Long.class);
    private final ChangelogCodec<String, Double> sums = ChangelogCodec.forTypes(String.class, Double.class);
    private final ChangelogCodec<WindowedKey<String>, Long> wcounts = ChangelogCodec.windowed(Codecs.json(String.class),
            Codecs.json(Long.class));
    private final Window tenSeconds = Window.tumbling(Duration.ofSeconds(10)).expires(Duration.ofHours(1));

    private static byte[] bytes(String hex) {
        return HEX.parseHex(hex);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsFaustsCountingTable() {
        assertThat(decodeAll(counts, COUNTS)).containsExactly(
                new ChangelogEntry<>("k1", 1L), new ChangelogEntry<>("k2", 1L), new ChangelogEntry<>("k3", 1L),
                new ChangelogEntry<>("k1", 2L), new ChangelogEntry<>("k1", 3L));
    }

    @Test
    void writesFaustsCountingTableForTheSameInputs() {
        Map<String, Long> table = new LinkedHashMap<>();
        for (int i = 0; i < WORDS.size(); i++) {
            String key = WORDS.get(i).key();
            long count = table.merge(key, 1L, Long::sum);
            assertThat(HEX.formatHex(counts.encodeKey(key))).isEqualTo(COUNTS[i][0]);
            assertThat(HEX.formatHex(counts.encodeValue(count))).isEqualTo(COUNTS[i][1]);
        }
        assertThat(table).containsExactly(Map.entry("k1", 3L), Map.entry("k2", 1L), Map.entry("k3", 1L));
    }

    @Test
    void readsFaustsFloatTable() {
        assertThat(decodeAll(sums, SUMS)).containsExactly(
                new ChangelogEntry<>("k1", 1.5), new ChangelogEntry<>("k2", 3.0), new ChangelogEntry<>("k3", 6.0),
                new ChangelogEntry<>("k1", 6.0), new ChangelogEntry<>("k1", 13.5));
    }

    @Test
    void writesFaustsFloatTableForTheSameInputs() {
        Map<String, Double> table = new LinkedHashMap<>();
        for (int i = 0; i < WORDS.size(); i++) {
            Word word = WORDS.get(i);
            double sum = table.merge(word.key(), word.amount(), Double::sum);
            assertThat(HEX.formatHex(sums.encodeKey(word.key()))).isEqualTo(SUMS[i][0]);
            assertThat(HEX.formatHex(sums.encodeValue(sum))).as("floats keep their .0").isEqualTo(SUMS[i][1]);
        }
    }

    @Test
    void readsFaustsTumblingWindowedTable() {
        WindowRange first = new WindowRange(1_796_105_400_000L, 1_796_105_410_000L);
        WindowRange second = new WindowRange(1_796_105_410_000L, 1_796_105_420_000L);
        assertThat(decodeAll(wcounts, WCOUNTS)).containsExactly(
                new ChangelogEntry<>(new WindowedKey<>("k1", first), 1L),
                new ChangelogEntry<>(new WindowedKey<>("k2", first), 1L),
                new ChangelogEntry<>(new WindowedKey<>("k3", second), 1L),
                new ChangelogEntry<>(new WindowedKey<>("k1", first), 2L),
                new ChangelogEntry<>(new WindowedKey<>("k1", second), 1L));
    }

    @Test
    void writesFaustsTumblingWindowedTableForTheSameInputs() {
        Map<WindowedKey<String>, Long> table = new LinkedHashMap<>();
        for (int i = 0; i < WORDS.size(); i++) {
            Word word = WORDS.get(i);
            List<WindowRange> windows = tenSeconds.ranges(word.timestampMs());
            assertThat(windows).hasSize(1);
            WindowedKey<String> key = new WindowedKey<>(word.key(), windows.get(0));
            long count = table.merge(key, 1L, Long::sum);
            assertThat(new String(wcounts.encodeKey(key), StandardCharsets.UTF_8))
                    .isEqualTo(new String(bytes(WCOUNTS[i][0]), StandardCharsets.UTF_8));
            assertThat(HEX.formatHex(wcounts.encodeKey(key))).isEqualTo(WCOUNTS[i][0]);
            assertThat(HEX.formatHex(wcounts.encodeValue(count))).isEqualTo(WCOUNTS[i][1]);
        }
        assertThat(table).hasSize(4);
    }

    @Test
    void everyCapturedRecordReadsAndWritesBackToTheSameBytes() {
        for (String[] record : COUNTS) {
            assertRoundTrip(counts, record);
        }
        for (String[] record : SUMS) {
            assertRoundTrip(sums, record);
        }
        for (String[] record : WCOUNTS) {
            assertRoundTrip(wcounts, record);
        }
    }

    private static <K, V> void assertRoundTrip(ChangelogCodec<K, V> codec, String[] record) {
        ChangelogEntry<K, V> entry = codec.decode(bytes(record[0]), bytes(record[1]));
        assertThat(HEX.formatHex(codec.encodeKey(entry.key()))).isEqualTo(record[0]);
        assertThat(HEX.formatHex(codec.encodeValue(entry.value()))).isEqualTo(record[1]);
    }

    @Test
    void aDeletionIsATombstone() {
        assertThat(counts.encodeValue(null)).isNull();
        ChangelogEntry<String, Long> deleted = counts.decode(bytes("226b3122"), null);
        assertThat(deleted).isEqualTo(new ChangelogEntry<String, Long>("k1", null));
        assertThat(deleted.isDeletion()).isTrue();
        assertThat(counts.decode(bytes("226b3122"), bytes("31")).isDeletion()).isFalse();
        ChangelogEntry<WindowedKey<String>, Long> windowDeleted = wcounts.decode(bytes(WCOUNTS[0][0]), null);
        assertThat(windowDeleted.isDeletion()).isTrue();
        assertThat(windowDeleted.key().key()).isEqualTo("k1");
    }

    @Test
    void anEmptyValueIsNotATombstone() {
        assertThatThrownBy(() -> counts.decode(bytes("226b3122"), new byte[0])).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("changelog value: ").hasMessageContaining("empty input");
    }

    @Test
    void bytesKeysAndValuesGoThroughUnchanged() {
        ChangelogCodec<byte[], Long> raw = ChangelogCodec.forTypes(byte[].class, Long.class);
        assertThat(raw.encodeKey(utf8("k1"))).isEqualTo(utf8("k1"));
        assertThat(raw.decodeKey(utf8("k1"))).isEqualTo(utf8("k1"));
    }

    @Test
    void windowsOfAnySizeAndStartReadBackToTheSameWindowAndBytes() {
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            long start = random.nextLong(-1_000_000_000_000L, 4_000_000_000_000L);
            long size = random.nextBoolean() ? 1_000 * random.nextLong(1, 100_000) : random.nextLong(1, 100_000_000);
            WindowedKey<String> key = new WindowedKey<>("k", new WindowRange(start, start + size));
            byte[] encoded = wcounts.encodeKey(key);
            WindowedKey<String> decoded = wcounts.decodeKey(encoded);
            assertThat(decoded).as("window [%s, %s)", start, start + size).isEqualTo(key);
            assertThat(wcounts.encodeKey(decoded)).isEqualTo(encoded);
        }
    }

    @Test
    void windowBoundsArePrintedAsPythonFloats() {
        WindowedKey<String> small = new WindowedKey<>("a", new WindowRange(0, 10_000));
        assertThat(wcounts.encodeKey(small)).asString(StandardCharsets.UTF_8).isEqualTo("[\"a\",[0.0,9.9]]");
        WindowedKey<String> subSecond = new WindowedKey<>("a", new WindowRange(1_796_105_400_500L,
                1_796_105_400_750L));
        assertThat(wcounts.encodeKey(subSecond)).asString(StandardCharsets.UTF_8)
                .isEqualTo("[\"a\",[1796105400.5,1796105400.65]]"); // Python: 1796105400.5 + 0.25 - 0.1
    }

    @Test
    void readsFaustsIntegerStartQuirkAndWhitespace() {
        assertThat(wcounts.decodeKey(utf8("[\"k1\",[10,19.9]]")))
                .isEqualTo(new WindowedKey<>("k1", new WindowRange(10_000, 20_000)));
        assertThat(wcounts.decodeKey(utf8(" [ \"k1\" , [ 1796105400.0 , 1796105409.9 ] ] ")))
                .isEqualTo(new WindowedKey<>("k1", new WindowRange(1_796_105_400_000L, 1_796_105_410_000L)));
    }

    /** A record key, JSON with its Faust namespace, inside the windowed key's array. */
    record Page(String path) {
    }

    @Test
    void recordKeysAreEmbeddedAsTheirJson() {
        Codec<Page> pages = Codecs.json(Page.class, "app.Page");
        ChangelogCodec<WindowedKey<Page>, Long> codec = ChangelogCodec.windowed(pages, Codecs.json(Long.class));
        WindowedKey<Page> key = new WindowedKey<>(new Page("/a,[1,2]"), new WindowRange(0, 60_000));
        byte[] encoded = codec.encodeKey(key);
        assertThat(encoded).asString(StandardCharsets.UTF_8)
                .isEqualTo("[{\"path\":\"/a,[1,2]\",\"__faust\":{\"ns\":\"app.Page\"}},[0.0,59.9]]");
        assertThat(codec.decodeKey(encoded)).isEqualTo(key);
        ChangelogCodec<WindowedKey<List<Object>>, Long> tuples = ChangelogCodec.windowed(
                castList(Codecs.json(List.class)), Codecs.json(Long.class));
        assertThat(tuples.decodeKey(utf8("[[\"a\",[1,2]],[0.0,9.9]]")).key()).containsExactly("a", List.of(1, 2));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Codec<List<Object>> castList(Codec<List> codec) {
        return (Codec<List<Object>>) (Codec) codec;
    }

    @Test
    void badPlainKeysAndValuesSayWhatWasExpected() {
        assertThatThrownBy(() -> counts.decodeKey(utf8("k1"))).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("changelog key: cannot decode java.lang.String from JSON: malformed JSON");
        assertThatThrownBy(() -> counts.decodeKey(utf8("[\"k1\",[0.0,9.9]]"))).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("changelog key: cannot decode java.lang.String from JSON");
        assertThatThrownBy(() -> counts.decodeValue(utf8("\"secret\""))).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("changelog value: cannot decode java.lang.Long from JSON")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> counts.decodeValue(utf8("1.5"))).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("changelog value: cannot decode java.lang.Long from JSON");
        assertThatThrownBy(() -> counts.decodeValue(new byte[] {(byte) 0xff, (byte) 0xfe}))
                .isInstanceOf(DecodeException.class).hasMessageStartingWith("changelog value: ");
    }

    @Test
    void badWindowedKeysSayWhatWasExpected() {
        String expected = "changelog key: cannot decode a windowed key: expected the JSON array [key,[start,end]]"
                + " (start and end in seconds), but ";
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("\"k1\"", "the input is not a JSON array");
        cases.put("", "the input is not a JSON array");
        cases.put("not json", "the input is not a JSON array");
        cases.put("[\"k1\"]", "the array does not end with the window [start,end]");
        cases.put("[\"k1\",5]", "the array does not end with the window [start,end]");
        cases.put("[[1796105400.0,1796105409.9]]", "the key is missing before the window");
        cases.put("[,[1796105400.0,1796105409.9]]", "the key is missing before the window");
        cases.put("[\"k1\",[\"a\",1796105409.9]]", "the window [start,end] holds something other than two numbers");
        cases.put("[\"k1\",[1796105400.0]]", "the window has fewer than two numbers");
        cases.put("[\"k1\",[1,2,3]]", "the window has more than two numbers");
        cases.put("[\"k1\",[1.,2.0]]", "the window's start is not a JSON number");
        cases.put("[\"k1\",[1.0,2e]]", "the window's end is not a JSON number");
        cases.put("[\"k1\",[10.0,9.0]]", "the window's end is not after its start minus 0.1 s"
                + " (Faust's end is start + size - 0.1)");
        cases.put("[\"k1\",[1e300,1e301]]", "the window's start or end is out of range");
        cases.forEach((input, problem) -> assertThatThrownBy(() -> wcounts.decodeKey(utf8(input)))
                .as(input).isInstanceOf(DecodeException.class).hasMessage(expected + problem));
        assertThatThrownBy(() -> wcounts.decodeKey(utf8("[k1,[0.0,9.9]]"))).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("changelog key: cannot decode a windowed key: the key part: "
                        + "cannot decode java.lang.String from JSON: malformed JSON");
        assertThatThrownBy(() -> wcounts.decodeKey(utf8("[\"k1\" \"k2\",[0.0,9.9]]")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("the key part: cannot decode java.lang.String from JSON: trailing content");
    }

    @Test
    void aWindowedKeyNeedsAJsonKeyCodec() {
        assertThatThrownBy(() -> ChangelogCodec.windowed(Codecs.string(), Codecs.json(Long.class)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must write JSON")
                .hasMessageContaining("not string");
        assertThatThrownBy(() -> ChangelogCodec.windowed(Codecs.raw(), Codecs.json(Long.class)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not raw");
    }

    private static <K, V> List<ChangelogEntry<K, V>> decodeAll(ChangelogCodec<K, V> codec, String[][] records) {
        return java.util.Arrays.stream(records).map(r -> codec.decode(bytes(r[0]), bytes(r[1]))).toList();
    }
}
