package dev.faust4j.internal.table;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Expected strings are Python 3's {@code repr(float)} of the same doubles. (During development the formatter was
 * also compared with Python on 300,000 random doubles, all bit patterns included, with no difference.)
 */
class PythonFloatsTest {

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
            "0.00001, 1e-05",
            "1.5e-5, 1.5e-05",
            "9999999999999998.0, 9999999999999998.0",
            "1e16, 1e+16",
            "2e23, 2e+23",
            "1e22, 1e+22",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "4.9e-324, 5e-324", // Java's Double.toString prints 4.9E-324 for Double.MIN_VALUE
    })
    void printsLikePythonRepr(double value, String python) {
        assertThat(PythonFloats.repr(value)).isEqualTo(python);
    }

    @ParameterizedTest
    @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void refusesWhatJsonCannotCarry(double value) {
        assertThatThrownBy(() -> PythonFloats.repr(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no NaN or Infinity");
    }
}
