package dev.faust4j.internal.json;

import dev.faust4j.codec.DecodeException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.StreamConstraintsException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.core.exc.UnexpectedEndOfInputException;
import tools.jackson.databind.exc.InvalidDefinitionException;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.InvalidTypeIdException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.ValueInstantiationException;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns Jackson exceptions into payload-free messages.
 *
 * <p>Design note: Jackson's own messages quote tokens from the input ("Unrecognized token
 * 'secret'", "from String \"4111...\""), so they are never copied. We classify the exception by
 * type, and add the position and a sanitized path: property names only when they look like Java
 * identifiers and do not come from a {@link Map}, indexes as {@code [n]}.
 */
final class JsonErrors {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]{0,63}");

    private JsonErrors() {
    }

    static DecodeException decodeFailure(String typeName, JacksonException e) {
        StringBuilder msg = new StringBuilder(96).append("cannot decode ").append(typeName).append(" from JSON: ");
        msg.append(kind(e));
        String path = path(e);
        msg.append(path);
        TokenStreamLocation loc = e.getLocation();
        if (loc != null && !TokenStreamLocation.NA.equals(loc) && loc.getLineNr() > 0) {
            msg.append(" (line ").append(loc.getLineNr()).append(", column ").append(loc.getColumnNr()).append(')');
        }
        return new DecodeException(msg.toString());
    }

    private static String kind(JacksonException e) {
        if (e instanceof StreamConstraintsException) {
            return "input exceeds a parser limit (nesting depth, number or string length)";
        }
        if (e instanceof UnexpectedEndOfInputException) {
            return "input ends early (truncated JSON)";
        }
        if (e instanceof StreamReadException) {
            String original = e.getOriginalMessage();
            if (original != null && original.startsWith("Invalid UTF-8")) {
                return "invalid UTF-8";
            }
            return "malformed JSON";
        }
        if (e instanceof InvalidTypeIdException) {
            return "type ids from data are not accepted (the type is fixed by the codec)";
        }
        if (e instanceof InvalidDefinitionException) {
            return "the type cannot be bound from JSON (no usable constructor or an invalid annotation)";
        }
        if (e instanceof ValueInstantiationException) {
            Throwable cause = e.getCause();
            return "the constructor rejected the values"
                    + (cause != null ? " (" + cause.getClass().getName() + ")" : "");
        }
        if (e instanceof InvalidNullException) {
            return "null where a value is required";
        }
        if (e instanceof MismatchedInputException) {
            String original = e.getOriginalMessage();
            if (original != null && original.startsWith("Trailing token")) {
                return "trailing content after the JSON value";
            }
            return "wrong JSON type or value";
        }
        Throwable cause = e.getCause();
        if (cause instanceof StreamConstraintsException) {
            return "input exceeds a parser limit (nesting depth, number or string length)";
        }
        return "cannot bind (" + e.getClass().getSimpleName() + ")";
    }

    /** {@code " at field a.b[2].c"}, or empty when there is no path. Never contains map keys. */
    static String path(JacksonException e) {
        var refs = e.getPath();
        if (refs == null || refs.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(" at field ");
        boolean first = true;
        for (JacksonException.Reference ref : refs) {
            String name = ref.getPropertyName();
            Object from = ref.from();
            boolean fromMap = from instanceof Map<?, ?>
                    || (from instanceof Class<?> c && Map.class.isAssignableFrom(c));
            if (name != null) {
                if (fromMap || !IDENTIFIER.matcher(name).matches()) {
                    sb.append("[*]");
                } else {
                    if (!first) {
                        sb.append('.');
                    }
                    sb.append(name);
                }
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            } else {
                sb.append("[?]");
            }
            first = false;
        }
        return sb.toString();
    }
}
