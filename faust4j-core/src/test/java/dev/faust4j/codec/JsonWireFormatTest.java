package dev.faust4j.codec;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.faust4j.codec.JsonTestModels.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Codecs.json: the bytes written, compared with Faust (faust-semantics.md 4.7). */
class JsonWireFormatTest {

    @Test
    void withdrawalMatchesFaustBytesExactly() {
        byte[] expected = HexFormat.of().parseHex(("""
                7b 22 61 63 63 6f 75 6e 74 5f 69 64 22 3a 22 61
                31 22 2c 22 61 6d 6f 75 6e 74 22 3a 31 30 2e 35
                2c 22 5f 5f 66 61 75 73 74 22 3a 7b 22 6e 73 22
                3a 22 6d 79 61 70 70 2e 6d 6f 64 65 6c 73 2e 57
                69 74 68 64 72 61 77 61 6c 22 7d 7d
                """).replaceAll("\\s+", ""));
        assertThat(expected).hasSize(76);

        byte[] actual = Codecs.json(Withdrawal.class).encode(new Withdrawal("a1", 10.5));

        assertThat(actual).isEqualTo(expected);
        assertThat(text(actual))
                .isEqualTo("{\"account_id\":\"a1\",\"amount\":10.5,\"__faust\":{\"ns\":\"myapp.models.Withdrawal\"}}");
    }

    @Test
    void nestedRecordsCarryTheirOwnFaustMember() {
        User user = new User(1, 2, new Account(1, 2, true));

        String json = text(Codecs.json(User.class).encode(user));

        assertThat(json).isEqualTo("{\"id\":1,\"username\":2,\"account\":{\"id\":1,\"name\":2,\"active\":true,"
                + "\"__faust\":{\"ns\":\"t.Account\"}},\"__faust\":{\"ns\":\"t.User\"}}");
        assertThat(Codecs.json(User.class).decode(bytes(json))).isEqualTo(user);
    }

    @Test
    void recordsInsideListsAndMapsGetTheirFaustMember() {
        WithList value = new WithList(List.of(new Account(1, 2, false)), Map.of("x", 0.1));

        String json = text(Codecs.json(WithList.class).encode(value));

        assertThat(json)
                .isEqualTo("{\"accounts\":[{\"id\":1,\"name\":2,\"active\":false,\"__faust\":{\"ns\":\"t.Account\"}}],"
                        + "\"scores\":{\"x\":0.1},\"__faust\":{\"ns\":\"" + WithList.class.getCanonicalName() + "\"}}");
        assertThat(Codecs.json(WithList.class).decode(bytes(json))).isEqualTo(value);
    }

    @Test
    void defaultNamespaceIsTheJavaFullyQualifiedName() {
        String json = text(Codecs.json(Unannotated.class).encode(new Unannotated("x", null)));

        assertThat(json).isEqualTo(
                "{\"a\":\"x\",\"b\":null,\"__faust\":{\"ns\":\"dev.faust4j.codec.JsonTestModels.Unannotated\"}}");
    }

    @Test
    void includeMetadataFalseOmitsFaustMember() {
        assertThat(text(Codecs.json(Plain.class).encode(new Plain("x", 3)))).isEqualTo("{\"a\":\"x\",\"n\":3}");
    }

    @Test
    void namespaceOverrideAppliesToTheTopLevelObjectOnly() {
        Codec<User> codec = Codecs.json(User.class, "py.models.User");

        String json = text(codec.encode(new User(1, 2, new Account(3, 4, true))));

        assertThat(json).isEqualTo("{\"id\":1,\"username\":2,\"account\":{\"id\":3,\"name\":4,\"active\":true,"
                + "\"__faust\":{\"ns\":\"t.Account\"}},\"__faust\":{\"ns\":\"py.models.User\"}}");
        // the shared default codec is unaffected
        assertThat(text(Codecs.json(User.class).encode(new User(1, 2, null))))
                .endsWith("\"__faust\":{\"ns\":\"t.User\"}}");
    }

    @Test
    void namespaceOverrideIsRejectedWhereItCannotApply() {
        assertThatThrownBy(() -> Codecs.json(String.class, "x.y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("java.lang.String");
        assertThatThrownBy(() -> Codecs.json(Plain.class, "x.y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("includeMetadata = false");
        assertThatThrownBy(() -> Codecs.json(User.class, " ")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pojoFieldsKeepDeclarationOrder() {
        String json = text(Codecs.json(Pojo.class).encode(new Pojo("z", 1)));

        assertThat(json).isEqualTo("{\"zeta\":\"z\",\"alpha\":1,\"__faust\":{\"ns\":\"t.Pojo\"}}");
        Pojo back = Codecs.json(Pojo.class).decode(bytes(json));
        assertThat(back.zeta).isEqualTo("z");
        assertThat(back.alpha).isEqualTo(1);
    }

    @Test
    void unwrappedRecordDoesNotDuplicateFaustMember() {
        String json = text(Codecs.json(Outer.class).encode(new Outer("o", new Account(1, 2, true))));

        assertThat(json).isEqualTo("{\"label\":\"o\",\"id\":1,\"name\":2,\"active\":true,\"__faust\":{\"ns\":\""
                + Outer.class.getCanonicalName() + "\"}}");
        assertThat(text(Codecs.json(Prefixed.class).encode(new Prefixed("o", new Account(1, 2, true)))))
                .isEqualTo("{\"label\":\"o\",\"acct_id\":1,\"acct_name\":2,\"acct_active\":true,\"__faust\":{\"ns\":\""
                        + Prefixed.class.getCanonicalName() + "\"}}");
        // the same record class still writes its own __faust when not unwrapped
        assertThat(text(Codecs.json(Account.class).encode(new Account(1, 2, true))))
                .endsWith(",\"__faust\":{\"ns\":\"t.Account\"}}");
    }

    @Test
    void nonRecordTypesArePlainJson() {
        assertThat(text(Codecs.json(String.class).encode("hello"))).isEqualTo("\"hello\"");
        assertThat(text(Codecs.json(Integer.class).encode(42))).isEqualTo("42");
        assertThat(text(Codecs.json(Double.class).encode(10.5))).isEqualTo("10.5");
        assertThat(text(Codecs.json(Double.class).encode(0.1))).isEqualTo("0.1");
        assertThat(text(Codecs.json(Boolean.class).encode(true))).isEqualTo("true");
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("b", 1);
        map.put("a", List.of("x", 2.5));
        assertThat(text(Codecs.json(Map.class).encode(map))).isEqualTo("{\"b\":1,\"a\":[\"x\",2.5]}");
        assertThat(text(Codecs.json(List.class).encode(List.of(1, 2)))).isEqualTo("[1,2]");
    }

    @Test
    void nonAsciiIsWrittenAsRawUtf8() {
        assertThat(Codecs.json(String.class).encode("é")).isEqualTo(new byte[] {'"', (byte) 0xC3, (byte) 0xA9, '"'});
    }

    @Test
    void forwardSlashesAreWrittenAsIsLikePython() {
        // Python's json and orjson both write "/" unescaped (Jackson 3 escapes it by default)
        assertThat(text(Codecs.json(String.class).encode("https://example.com/a/b")))
                .isEqualTo("\"https://example.com/a/b\"");
        assertThat(Codecs.json(String.class).decode("\"a\\/b\"".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo("a/b");
    }

    @Test
    void javaTimeIsIso8601WithZForUtc() {
        Times t = new Times(Instant.parse("2024-01-02T03:04:05Z"),
                OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC),
                LocalDate.of(2024, 1, 2), LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_000_000));

        String json = text(Codecs.json(Times.class).encode(t));

        assertThat(json).startsWith("{\"instant\":\"2024-01-02T03:04:05Z\",\"offset\":\"2024-01-02T03:04:05Z\","
                + "\"date\":\"2024-01-02\",\"local\":\"2024-01-02T03:04:05.123\",\"__faust\":");
        assertThat(Codecs.json(Times.class).decode(bytes(json))).isEqualTo(t);
    }

    @Test
    void readsPythonIsoformatDates() {
        Times t = Codecs.json(Times.class).decode(bytes(
                "{\"instant\": \"2024-01-02T03:04:05.123456+00:00\", \"date\": \"2024-01-02T00:00:00\"}"));

        assertThat(t.instant()).isEqualTo(Instant.parse("2024-01-02T03:04:05.123456Z"));
        assertThat(t.date()).isEqualTo(LocalDate.of(2024, 1, 2));
    }

    @Test
    void bigDecimalIsAJsonStringLikeFaustDecimal() {
        Codec<Price> codec = Codecs.json(Price.class);

        assertThat(text(codec.encode(new Price(new BigDecimal("10.50"))))).startsWith("{\"value\":\"10.50\",");
        assertThat(codec.decode(bytes("{\"value\":\"10.50\"}")).value()).isEqualTo(new BigDecimal("10.50"));
        assertThat(codec.decode(bytes("{\"value\":10.50}")).value()).isEqualByComparingTo("10.5");
        assertThatThrownBy(() -> codec.decode(bytes("{\"value\":\"ten\"}"))).isInstanceOf(DecodeException.class);
    }

    /** What orjson (faust-streaming's JSON library) writes: {@code orjson.dumps([1e7, 1e-5, 1e16, 1.5e-6, 0.1])}. */
    @Test
    void floatsAreWrittenAsFaustWritesThem() {
        assertThat(text(Codecs.json(double[].class).encode(new double[] {1e7, 1e-5, 1e16, 1.5e-6, 0.1})))
                .isEqualTo("[10000000.0,0.00001,1e16,1.5e-6,0.1]");
        assertThat(text(Codecs.json(Double.class).encode(1796105409.9))).isEqualTo("1796105409.9");
        assertThat(text(Codecs.json(Withdrawal.class).encode(new Withdrawal("a1", 12_500_000.0))))
                .startsWith("{\"account_id\":\"a1\",\"amount\":12500000.0,");
        assertThat(text(Codecs.json(Float.class).encode(1e7f))).isEqualTo("10000000.0");
        assertThat(Codecs.json(Double.class).decode(bytes("1e16"))).isEqualTo(1e16);
    }

    @Test
    void nanAndInfinityCannotBeEncoded() {
        assertThatThrownBy(() -> Codecs.json(Withdrawal.class).encode(new Withdrawal("a1", Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Withdrawal.class.getTypeName())
                .hasMessageContaining("NaN")
                .hasMessageContaining("amount");
        assertThatThrownBy(() -> Codecs.json(Double.class).encode(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Infinity");
        assertThatThrownBy(() -> Codecs.json(Map.class).encode(Map.of("k", Float.NaN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> Codecs.json(double[].class).encode(new double[] {1, Double.NaN}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThat(text(Codecs.json(double[].class).encode(new double[] {1, 0.5}))).isEqualTo("[1.0,0.5]");
        assertThat(text(Codecs.json(float[].class).encode(new float[] {0.1f}))).isEqualTo("[0.1]");
    }
}
