package dev.faust4j.internal.json;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Expected strings are what orjson 3 (faust-streaming's JSON library) writes for the same doubles,
 * {@code orjson.dumps([...])}.
 */
class FaustFloatsTest {

    @ParameterizedTest
    @CsvSource({
            "1796105400.0, 1796105400.0",
            "1796105409.9, 1796105409.9",
            "6.0, 6.0",
            "13.5, 13.5",
            "0.1, 0.1",
            "100.0, 100.0",
            "-1.25, -1.25",
            "-0.0, -0.0",
            "0.0, 0.0",
            "1e7, 10000000.0",
            "123456789.123, 123456789.123",
            "1796105400.123, 1796105400.123",
            "0.3333333333333333, 0.3333333333333333",
            "0.0001, 0.0001",
            "0.00001, 0.00001",
            "1.5e-5, 0.000015",
            "9999999999999998.0, 9999999999999998.0",
            "1e16, 1e16",
            "2e23, 2e23",
            "1e22, 1e22",
            "1.7976931348623157e308, 1.7976931348623157e308",
            "4.9e-324, 5e-324", // Java's Double.toString prints 4.9E-324 for Double.MIN_VALUE
            "1e-6, 1e-6",
            "1.5e-6, 1.5e-6",
            "0.00001234, 0.00001234",
            "2.5e-10, 2.5e-10",
            "-1e-7, -1e-7",
    })
    void printsLikeOrjson(double value, String orjson) {
        assertThat(FaustFloats.repr(value)).isEqualTo(orjson);
    }

    @org.junit.jupiter.api.Test
    void theFastPathAgreesWithTheGeneralLayout() {
        java.util.Random random = new java.util.Random(20261202);
        for (int i = 0; i < 200_000; i++) {
            // uniform in log scale over the fast path's range, both signs
            double value = Math.pow(10, -3 + 10 * random.nextDouble()) * (random.nextBoolean() ? 1 : -1);
            if (Math.abs(value) >= 1e-3 && Math.abs(value) < 1e7) {
                assertThat(FaustFloats.repr(value)).as("bits %x", Double.doubleToRawLongBits(value))
                        .isEqualTo(FaustFloats.general(value));
            }
        }
        for (double edge : new double[] {1e-3, Math.nextDown(1e7), 0.001, 9999999.999999998, 1.0, 0.5, 123.0}) {
            assertThat(FaustFloats.repr(edge)).isEqualTo(FaustFloats.general(edge));
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void refusesWhatJsonCannotCarry(double value) {
        assertThatThrownBy(() -> FaustFloats.repr(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no NaN or Infinity");
    }
}
