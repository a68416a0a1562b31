package dev.faust4j.internal.app;

import dev.faust4j.codec.FaustRecord;
import dev.faust4j.internal.cli.Listing;
import org.jspecify.annotations.Nullable;

import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The app's models, as Faust's {@code faust models} lists them: the record types its topics, channels and tables
 * carry as keys or values, and the record types their fields hold ({@code List<Item>} finds {@code Item}).
 *
 * <p>Design. A model is a Java record, or a class marked {@link FaustRecord}; other types ({@code String},
 * {@code Long}, {@code byte[]}, a {@code Map}) are not models, as {@code str} or {@code dict} are not in Faust. The
 * types come from the codecs ({@code Codec.type()}), so a topic with a custom codec is listed with the type that
 * codec declares. Its fields are read by reflection on the class, never from data: a record's components in
 * order, else the instance fields it declares (what {@code model} prints; Jackson may bind a POJO through its
 * accessors instead).
 *
 * <p>Thread-safety: stateless.
 */
final class Models {
    private Models() {
    }

    /** One use of a type: the type (null when a codec declares none) and where, for the user. */
    record Use(@Nullable Class<?> type, String where) {
    }

    /** The models among these uses and the types their fields hold, by name. */
    static List<Listing.Model> of(List<Use> uses) {
        Map<Class<?>, Set<String>> found = new LinkedHashMap<>();
        Deque<Use> todo = new ArrayDeque<>(uses);
        while (!todo.isEmpty()) {
            Use use = todo.poll();
            Class<?> type = use.type();
            if (type == null || !isModel(type)) {
                continue;
            }
            boolean first = !found.containsKey(type);
            found.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(use.where());
            if (first) {
                for (Member m : members(type)) {
                    for (Class<?> held : classesIn(m.type())) {
                        todo.add(new Use(held, type.getSimpleName() + "." + m.name()));
                    }
                }
            }
        }
        Map<String, Integer> simpleNames = new HashMap<>();
        for (Class<?> type : found.keySet()) {
            simpleNames.merge(name(type), 1, Integer::sum);
        }
        List<Listing.Model> models = new ArrayList<>();
        found.forEach((type, where) -> {
            String name = simpleNames.get(name(type)) > 1 ? canonical(type) : name(type);
            List<Listing.Field> fields = new ArrayList<>();
            for (Member m : members(type)) {
                fields.add(new Listing.Field(m.name(), typeName(m.type())));
            }
            models.add(new Listing.Model(name, canonical(type), List.copyOf(where), fields));
        });
        models.sort(Comparator.comparing(Listing.Model::name));
        return models;
    }

    private static boolean isModel(Class<?> type) {
        return type.isRecord() || type.isAnnotationPresent(FaustRecord.class);
    }

    /** Its {@code @FaustRecord} namespace when it sets one, else its simple name. */
    private static String name(Class<?> type) {
        FaustRecord r = type.getAnnotation(FaustRecord.class);
        return r != null && !r.namespace().isBlank() ? r.namespace() : type.getSimpleName();
    }

    private static String canonical(Class<?> type) {
        String c = type.getCanonicalName();
        return c != null ? c : type.getName();
    }

    private record Member(String name, Type type) {
    }

    /** A record's components, else the instance fields the class declares (not static, transient or synthetic). */
    private static List<Member> members(Class<?> type) {
        List<Member> members = new ArrayList<>();
        if (type.isRecord()) {
            for (RecordComponent c : type.getRecordComponents()) {
                members.add(new Member(c.getName(), c.getGenericType()));
            }
            return members;
        }
        for (Field f : type.getDeclaredFields()) {
            int mod = f.getModifiers();
            if (!Modifier.isStatic(mod) && !Modifier.isTransient(mod) && !f.isSynthetic()) {
                members.add(new Member(f.getName(), f.getGenericType()));
            }
        }
        return members;
    }

    /** The classes a field's type names: itself, its array component, its type arguments and their bounds. */
    private static List<Class<?>> classesIn(Type type) {
        List<Class<?>> out = new ArrayList<>();
        Deque<Type> todo = new ArrayDeque<>(List.of(type));
        while (!todo.isEmpty()) {
            Type t = todo.poll();
            switch (t) {
                case Class<?> c when c.isArray() -> todo.add(c.getComponentType());
                case Class<?> c -> out.add(c);
                case ParameterizedType p -> {
                    todo.add(p.getRawType());
                    todo.addAll(List.of(p.getActualTypeArguments()));
                }
                case GenericArrayType a -> todo.add(a.getGenericComponentType());
                case WildcardType w -> {
                    todo.addAll(List.of(w.getUpperBounds()));
                    todo.addAll(List.of(w.getLowerBounds()));
                }
                default -> {
                    // a type variable: no class of its own
                }
            }
        }
        return out;
    }

    /** A type as Java source reads it, with simple names: {@code List<Item>}, {@code Map<String, Long>}. */
    static String typeName(Type type) {
        return switch (type) {
            case Class<?> c -> c.getSimpleName();
            case ParameterizedType p -> {
                StringBuilder sb = new StringBuilder(typeName(p.getRawType())).append('<');
                Type[] args = p.getActualTypeArguments();
                for (int i = 0; i < args.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(typeName(args[i]));
                }
                yield sb.append('>').toString();
            }
            case GenericArrayType a -> typeName(a.getGenericComponentType()) + "[]";
            case WildcardType w -> w.getLowerBounds().length > 0 ? "? super " + typeName(w.getLowerBounds()[0])
                    : w.getUpperBounds().length == 0 || w.getUpperBounds()[0] == Object.class ? "?"
                            : "? extends " + typeName(w.getUpperBounds()[0]);
            default -> type.getTypeName();
        };
    }
}
