package dev.faust4j.internal.stream;

import dev.faust4j.internal.failure.Misuse;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The key function of {@code groupBy(field)}: reads a record component or a getter of the value, converting to the
 * key type where that is lossless (anything to {@code String}).
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
final class FieldKey<V, K> implements Function<V, K> {
    private final MethodHandle accessor;
    private final Class<?> type;
    private final String field;
    private final Class<K> keyType;

    private FieldKey(MethodHandle accessor, Class<?> type, String field, Class<K> keyType) {
        this.accessor = accessor;
        this.type = type;
        this.field = field;
        this.keyType = keyType;
    }

    /** The key function for {@code field} of {@code type}; a field that does not exist is a misuse. */
    static <V, K> FieldKey<V, K> of(Class<V> type, String field, Class<K> keyType) {
        return new FieldKey<>(accessor(type, field), type, field, keyType);
    }

    @Override
    public K apply(V value) {
        Object raw;
        try {
            raw = accessor.invoke(value);
        } catch (Throwable t) {
            throw new IllegalStateException("groupBy could not read field " + field + " of " + type.getSimpleName(), t);
        }
        if (raw == null || keyType.isInstance(raw)) {
            return keyType.cast(raw);
        }
        if (keyType == String.class) {
            return keyType.cast(String.valueOf(raw));
        }
        throw Misuse.state("groupBy field " + type.getSimpleName() + "." + field + " is a "
                + raw.getClass().getSimpleName() + " but the topic's keys are " + keyType.getSimpleName());
    }

    private static MethodHandle accessor(Class<?> type, String field) {
        if (field == null || field.isBlank()) {
            throw Misuse.argument("groupBy needs a field name");
        }
        try {
            if (type.isRecord()) {
                List<String> names = new ArrayList<>();
                for (RecordComponent rc : type.getRecordComponents()) {
                    names.add(rc.getName());
                    if (rc.getName().equals(field)) {
                        Method m = rc.getAccessor();
                        m.setAccessible(true);
                        return MethodHandles.lookup().unreflect(m);
                    }
                }
                throw Misuse.argument(
                        "groupBy field '" + field + "' is not a component of " + type.getSimpleName() + " " + names);
            }
            String getter = "get" + Character.toUpperCase(field.charAt(0)) + field.substring(1);
            for (String name : List.of(field, getter)) {
                try {
                    return MethodHandles.lookup().unreflect(type.getMethod(name));
                } catch (NoSuchMethodException ignored) {
                    // try the next form
                }
            }
            throw Misuse.argument("groupBy field '" + field + "' not found on " + type.getSimpleName()
                    + " (no record component, " + field + "() or " + getter + "())");
        } catch (IllegalAccessException | RuntimeException e) {
            if (e instanceof Misuse) {
                throw (RuntimeException) e;
            }
            throw Misuse.argument(
                    "groupBy cannot read field '" + field + "' of " + type.getSimpleName() + ": " + e.getMessage());
        }
    }
}
