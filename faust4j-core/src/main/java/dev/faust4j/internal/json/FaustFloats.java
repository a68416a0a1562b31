package dev.faust4j.internal.json;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Formats a {@code double} exactly as Faust writes it in JSON: faust-streaming serializes with orjson, whose float
 * output (Ryu's layout) is {@code 1796105409.9}, {@code 6.0}, {@code 0.00001}, {@code 1e16}, {@code 1.5e-6}. It
 * differs from Python's {@code repr} only in exponent notation ({@code repr} writes {@code 1e+16}, {@code 1e-05}).
 *
 * <p>Design note: changelog keys must be byte-identical to a Python worker's, or compaction keeps two versions of
 * one key and lookups miss (faust-tables.md §6), and record values should be too. Java's {@code Double.toString}
 * switches to exponent notation at 10<sup>7</sup> ({@code 1.7961054099E9}), so it cannot be used. Both produce the
 * shortest decimal that reads back as the same double (Java since JDK 19); only the layout differs, plus one corner:
 * when a single digit suffices, Java still picks the closest two-digit decimal ({@code 4.9E-324} where orjson prints
 * {@code 5e-324}), so two-digit results are checked for a one-digit alternative. Layout: with the value written as
 * {@code 0.DIGITS * 10^decpt}, positional notation when {@code -5 < decpt <= 16} (always with a fraction, at least
 * {@code .0}), otherwise {@code D[.DDD]e[-]X} (no plus sign, no padding).
 *
 * <p>Thread-safety: stateless.
 */
public final class FaustFloats {

    private FaustFloats() {
    }

    /**
     * How Faust (orjson) writes {@code value} in JSON.
     *
     * @throws IllegalArgumentException for NaN and the infinities, which JSON cannot carry
     */
    public static String repr(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("cannot write " + value + " as JSON: it has no NaN or Infinity");
        }
        double abs = Math.abs(value);
        if (abs >= 1e-3 && abs < 1e7) {
            return Double.toString(value); // the common case: Java's layout is positional here, the same as orjson's
        }
        return general(value);
    }

    /** {@link #repr} without the fast path (package-private for the test that checks the two agree). */
    static String general(double value) {
        if (value == 0.0) {
            return Double.doubleToRawLongBits(value) == 0 ? "0.0" : "-0.0";
        }
        BigDecimal shortest = shortest(Math.abs(value));
        String digits = shortest.unscaledValue().toString();
        int decpt = digits.length() - shortest.scale();
        StringBuilder out = new StringBuilder(digits.length() + 8);
        if (value < 0) {
            out.append('-');
        }
        if (decpt > -5 && decpt <= 16) {
            if (decpt <= 0) {
                out.append("0.").append("0".repeat(-decpt)).append(digits);
            } else if (decpt >= digits.length()) {
                out.append(digits).append("0".repeat(decpt - digits.length())).append(".0");
            } else {
                out.append(digits, 0, decpt).append('.').append(digits, decpt, digits.length());
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            int exponent = decpt - 1;
            out.append('e').append(exponent);
        }
        return out.toString();
    }

    /** The shortest decimal that reads back as {@code positive}, without trailing zeros (a positive value). */
    private static BigDecimal shortest(double positive) {
        BigDecimal java = new BigDecimal(Double.toString(positive)).stripTrailingZeros();
        if (java.precision() != 2) {
            return java;
        }
        // Java picks among two-digit decimals when one digit would do; orjson prints the closest one-digit one.
        BigDecimal exact = new BigDecimal(positive);
        BigDecimal best = null;
        for (RoundingMode mode : new RoundingMode[] {RoundingMode.FLOOR, RoundingMode.CEILING}) {
            BigDecimal candidate = java.round(new MathContext(1, mode)).stripTrailingZeros();
            if (candidate.signum() > 0 && Double.parseDouble(candidate.toString()) == positive
                    && (best == null || candidate.subtract(exact).abs().compareTo(best.subtract(exact).abs()) < 0)) {
                best = candidate;
            }
        }
        return best != null ? best : java;
    }
}
