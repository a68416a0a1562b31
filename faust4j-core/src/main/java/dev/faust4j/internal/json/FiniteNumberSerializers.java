package dev.faust4j.internal.json;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdScalarSerializer;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Serializers for {@code double}/{@code float} (boxed, primitive and arrays) that refuse NaN and
 * the infinities instead of writing them.
 *
 * <p>Design note: JSON has no NaN. Jackson would write {@code "NaN"} (a string) and Python's json
 * module would write a bare {@code NaN} (not JSON at all); either way another reader breaks later.
 * Failing the encode names the problem where it was made. Finite values are written as Faust (orjson) writes
 * them ({@link FaustFloats}): the shortest round-trip digits, positional from 1e-5 to below 1e16
 * ({@code 10000000.0} where Jackson would write {@code 1.0E7}), so that the bytes match a Python worker's. A
 * {@code float} is written as its shortest decimal read as a double ({@code 0.1f} as {@code 0.1}).
 */
final class FiniteNumberSerializers {

    private FiniteNumberSerializers() {
    }

    static void register(SimpleModule module) {
        DoubleSerializer doubles = new DoubleSerializer();
        FloatSerializer floats = new FloatSerializer();
        module.addSerializer(Double.class, doubles);
        module.addSerializer(double.class, doubles);
        module.addSerializer(Float.class, floats);
        module.addSerializer(float.class, floats);
        module.addSerializer(double[].class, new DoubleArraySerializer());
        module.addSerializer(float[].class, new FloatArraySerializer());
    }

    /** A float as Faust would write the double it denotes: its shortest decimal, in orjson's layout. */
    private static String floatText(float f) {
        return FaustFloats.repr(Double.parseDouble(Float.toString(f)));
    }

    private static DatabindException notFinite(JsonGenerator g, double value) {
        return DatabindException.from(g, "cannot write " + value
                + ": JSON has no NaN or Infinity (use a nullable Double set to null, or a finite value)");
    }

    private static final class DoubleSerializer extends StdScalarSerializer<Object> {
        DoubleSerializer() {
            super(Double.class, false);
        }

        @Override
        public void serialize(Object value, JsonGenerator g, SerializationContext ctxt) {
            double d = (Double) value;
            if (!Double.isFinite(d)) {
                throw notFinite(g, d);
            }
            g.writeNumber(FaustFloats.repr(d));
        }
    }

    private static final class FloatSerializer extends StdScalarSerializer<Object> {
        FloatSerializer() {
            super(Float.class, false);
        }

        @Override
        public void serialize(Object value, JsonGenerator g, SerializationContext ctxt) {
            float f = (Float) value;
            if (!Float.isFinite(f)) {
                throw notFinite(g, f);
            }
            g.writeNumber(floatText(f));
        }
    }

    private static final class DoubleArraySerializer extends StdSerializer<double[]> {
        DoubleArraySerializer() {
            super(double[].class);
        }

        @Override
        public void serialize(double[] value, JsonGenerator g, SerializationContext ctxt) {
            g.writeStartArray(value, value.length);
            for (double d : value) {
                if (!Double.isFinite(d)) {
                    throw notFinite(g, d);
                }
                g.writeNumber(FaustFloats.repr(d));
            }
            g.writeEndArray();
        }

        @Override
        public boolean isEmpty(SerializationContext ctxt, double[] value) {
            return value.length == 0;
        }
    }

    private static final class FloatArraySerializer extends StdSerializer<float[]> {
        FloatArraySerializer() {
            super(float[].class);
        }

        @Override
        public void serialize(float[] value, JsonGenerator g, SerializationContext ctxt) {
            g.writeStartArray(value, value.length);
            for (float f : value) {
                if (!Float.isFinite(f)) {
                    throw notFinite(g, f);
                }
                g.writeNumber(floatText(f));
            }
            g.writeEndArray();
        }

        @Override
        public boolean isEmpty(SerializationContext ctxt, float[] value) {
            return value.length == 0;
        }
    }
}
