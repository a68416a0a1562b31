package dev.faust4j.internal.json;

import dev.faust4j.codec.Codec;
import dev.faust4j.codec.FaustRecord;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * Entry point of faust4j's JSON implementation: one shared, immutable {@link JsonMapper} and the
 * factory for JSON codecs. Internal API; users go through {@code dev.faust4j.codec.Codecs}.
 *
 * <p>Design note. Everything expensive happens once: the mapper is built once per class loader,
 * each JSON codec holds its own prefetched {@code ObjectReader}/{@code ObjectWriter}, and codecs
 * for the default namespace are cached per class in a {@link ClassValue}. Jackson builds and
 * caches one serializer per record class, and the {@code __faust} member is added to that
 * serializer as a virtual property ({@link FaustMetadataModifier}), so nested records get their own
 * {@code __faust} and the namespace annotation is read once per class, never per record.
 *
 * <p>Security settings (see reliability.md S4, S5): no default typing; a polymorphic type
 * validator that refuses every class name found in data (so even a user type whose
 * {@code @JsonTypeInfo} asks for class-name type ids cannot be used to instantiate arbitrary
 * classes); parser limits at or below Jackson's defaults (nesting depth: the smaller of
 * {@value #MAX_NESTING_DEPTH} and Jackson's default, 500 in Jackson 3), so absurdly deep input
 * fails with an exception instead of a {@link StackOverflowError}; no source excerpts in parser
 * locations.
 *
 * <p>Thread-safety: everything here is immutable and safe to share between threads.
 */
public final class FaustJson {

    /** Upper bound for the parser's nesting depth; the effective value is also capped by Jackson's default. */
    public static final int MAX_NESTING_DEPTH = 1000;

    /** The shared mapper. Never reconfigured after construction. */
    static final JsonMapper MAPPER = buildMapper();

    private static final ClassValue<JsonCodec<?>> DEFAULT_CODECS = new ClassValue<>() {
        @Override
        protected JsonCodec<?> computeValue(Class<?> type) {
            return new JsonCodec<>(MAPPER, type, null);
        }
    };

    private FaustJson() {
    }

    /**
     * The JSON codec for {@code type}, writing the namespace from {@link FaustRecord} or the class
     * name. The same instance is returned for the same class.
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> codec(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return (Codec<T>) DEFAULT_CODECS.get(type);
    }

    /**
     * The JSON codec for the record or POJO class {@code type}, writing {@code namespace} in the
     * top-level {@code __faust} member (nested records keep their own namespace).
     *
     * @throws IllegalArgumentException if the namespace is blank, the type is not a record or POJO
     *                                  class, or the type is annotated {@code includeMetadata = false}
     */
    public static <T> Codec<T> codec(Class<T> type, String namespace) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(namespace, "namespace");
        if (namespace.isBlank()) {
            throw new IllegalArgumentException("namespace for " + type.getTypeName() + " must not be blank");
        }
        if (!FaustMetadataModifier.isModelClass(type)) {
            throw new IllegalArgumentException("a Faust namespace only applies to record or POJO classes, not "
                    + type.getTypeName() + "; use Codecs.json(" + type.getSimpleName() + ".class)");
        }
        FaustRecord annotation = type.getAnnotation(FaustRecord.class);
        if (annotation != null && !annotation.includeMetadata()) {
            throw new IllegalArgumentException(type.getTypeName()
                    + " is annotated @FaustRecord(includeMetadata = false), so a namespace would never be written");
        }
        return new JsonCodec<>(MAPPER, type, namespace);
    }

    private static JsonMapper buildMapper() {
        StreamReadConstraints readConstraints = StreamReadConstraints.builder()
                .maxNestingDepth(Math.min(MAX_NESTING_DEPTH, StreamReadConstraints.DEFAULT_MAX_DEPTH))
                .build();
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(readConstraints)
                // Faust's stdlib JSON writer emits bare NaN/Infinity; accept them on read (never written).
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
                // Per-thread buffers: the Conductor (decode) and agents (encode) are long-lived threads, and the
                // shared deque pool made them contend on every record (JFR, BENCHMARKS.md).
                .recyclerPool(tools.jackson.core.util.JsonRecyclerPools.threadLocalPool())
                .build();

        SimpleModule module = new SimpleModule("faust4j");
        module.setSerializerModifier(new FaustMetadataModifier());
        FiniteNumberSerializers.register(module);

        return JsonMapper.builder(factory)
                .annotationIntrospector(new FaustAnnotationIntrospector())
                .addModule(module)
                .polymorphicTypeValidator(NoClassNameTypeValidator.INSTANCE)
                // Output: compact, declared field order, ISO-8601 dates.
                .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(MapperFeature.SORT_CREATOR_PROPERTIES_FIRST)
                .disable(SerializationFeature.INDENT_OUTPUT)
                .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(DateTimeFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .changeDefaultPropertyInclusion(v -> JsonInclude.Value.construct(JsonInclude.Include.ALWAYS,
                        JsonInclude.Include.ALWAYS))
                // Input: tolerant of unknown members (and __faust), strict about types.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // Faust writes Decimal as a JSON string (str(Decimal)); do the same, and read either form.
                .withConfigOverride(BigDecimal.class,
                        o -> o.setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING)))
                .withCoercionConfig(BigDecimal.class,
                        c -> c.setCoercion(CoercionInputShape.String, CoercionAction.TryConvert))
                .build();
    }
}
