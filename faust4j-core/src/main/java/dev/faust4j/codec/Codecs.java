package dev.faust4j.codec;

import dev.faust4j.internal.json.FaustJson;

import java.util.Locale;
import java.util.Objects;

/**
 * The built-in codecs: {@code raw}, {@code string} and {@code json}, wire-compatible with Python
 * Faust.
 *
 * <p>A {@link Codec} turns a key or value into the bytes of a Kafka record and back. You choose it
 * when you declare a topic; it is never chosen from message data. The three built-ins:
 *
 * <table>
 * <caption>Built-in codecs</caption>
 * <tr><th>Factory</th><th>Java type</th><th>Bytes on the wire</th></tr>
 * <tr><td>{@link #raw()}</td><td>{@code byte[]}</td><td>the bytes themselves</td></tr>
 * <tr><td>{@link #string()}</td><td>{@code String}</td><td>UTF-8 text, e.g. the key {@code a1} is the 2 bytes {@code 61 31}</td></tr>
 * <tr><td>{@link #json(Class)}</td><td>any</td><td>compact UTF-8 JSON; records carry Faust's {@code __faust} member</td></tr>
 * </table>
 *
 * <h2>Records: Faust's wire format</h2>
 *
 * <p>A Java record (or a POJO) is written the way a Python {@code faust.Record} writes itself:
 * compact JSON, fields in declaration order, then a trailing {@code "__faust":{"ns":"..."}} member
 * with the model's namespace. Nested records carry their own {@code __faust}.
 *
 * <pre>{@code
 * @FaustRecord(namespace = "myapp.models.Withdrawal")   // the Python module path + class name
 * public record Withdrawal(String account_id, double amount) {}
 *
 * Codec<Withdrawal> codec = Codecs.json(Withdrawal.class);
 * byte[] bytes = codec.encode(new Withdrawal("a1", 10.5));
 * // {"account_id":"a1","amount":10.5,"__faust":{"ns":"myapp.models.Withdrawal"}}  (76 bytes)
 * Withdrawal back = codec.decode(bytes);
 * }</pre>
 *
 * <p>Component names are the JSON member names, so a record meant for Python usually uses Python's
 * snake_case names (or {@code @JsonProperty("account_id")} on a camelCase component). Without
 * {@link FaustRecord} the namespace is the Java class name; {@link #json(Class, String)} overrides
 * it per codec, and {@code @FaustRecord(includeMetadata = false)} leaves {@code __faust} out.
 *
 * <p>Other types are plain JSON: a {@code String} value becomes a JSON string ({@code "hi"} with
 * quotes), numbers and booleans as usual, {@code Map}/{@code List} as objects/arrays. Doubles use
 * Java's shortest representation ({@code 10.5}, {@code 0.1}, {@code 1.0E16}); NaN and infinities
 * cannot be written (encoding fails with an {@link IllegalArgumentException}). {@code java.time}
 * values are ISO-8601 strings, with {@code Z} for UTC ({@code "2024-01-02T03:04:05Z"}). Non-ASCII
 * text is written as raw UTF-8 (what Faust writes with {@code orjson}). {@code BigDecimal} is written
 * as a JSON string ({@code "10.50"}), as Faust writes {@code Decimal}, and read from a string or a
 * number.
 *
 * <p>Reading is tolerant the way Faust is: unknown members are ignored, {@code __faust} is ignored
 * (whatever namespace it names), both {@code {"a":1}} and Python's {@code {"a": 1}} spacing are
 * accepted, and missing members become {@code null} (or {@code 0}/{@code false} for primitives).
 * It is strict about types: a string where a number is declared, a fraction where an integer is
 * declared, or malformed, truncated, empty, non-UTF-8 or absurdly nested input all throw
 * {@link DecodeException}, whose message names the target type and the field but never quotes the
 * payload. A JSON document that is just {@code null} is also a {@code DecodeException}
 * (tombstones, i.e. records with no value bytes at all, are handled before any codec runs).
 *
 * <h2>Security</h2>
 *
 * <p>No codec ever loads a class named in the data. {@code json} binds only to the type you
 * declared: {@code __faust}, {@code "@class"} and similar members never select a class, and even
 * a {@code @JsonTypeInfo} that asks for class-name type ids is refused (logical type names listed
 * with {@code @JsonSubTypes} keep working). There is no Java-serialization
 * ("pickle") codec. Parser limits (nesting depth, number and string length) stay at or below
 * Jackson's defaults.
 *
 * <h2>Defaults by name</h2>
 *
 * <p>The app's {@code keySerializer}/{@code valueSerializer} settings name a codec; {@link
 * #forType(String, Class)} turns that name plus a topic's declared type into a codec.
 *
 * <p>Thread-safety: every codec returned here is immutable and safe to share between any number
 * of threads; {@code raw()}, {@code string()} and {@code json(type)} return shared instances.
 */
public final class Codecs {

    private Codecs() {
    }

    /**
     * The {@code raw} codec: the record's bytes are the value, unchanged and not copied (do not
     * modify an array after encoding it or after it was decoded).
     */
    public static Codec<byte[]> raw() {
        return RawCodec.INSTANCE;
    }

    /**
     * The {@code string} codec: UTF-8 text. Decoding is strict (malformed UTF-8 throws {@link
     * DecodeException} instead of producing U+FFFD); encoding a string with an unpaired surrogate
     * throws {@link IllegalArgumentException}.
     */
    public static Codec<String> string() {
        return StringCodec.INSTANCE;
    }

    /**
     * The {@code json} codec for {@code type}, in Faust's wire format (see the class description).
     * Records and POJOs get a trailing {@code __faust} member with the namespace from
     * {@link FaustRecord}, or the Java class name. Repeated calls with the same class return the
     * same instance.
     *
     * <p>Values are written as the declared type: a subclass instance is written with the
     * declared class's properties, and reading always produces the declared class.
     *
     * @param type the declared value type, e.g. a record class, {@code Map.class} or {@code Integer.class}
     */
    public static <T> Codec<T> json(Class<T> type) {
        return FaustJson.codec(type);
    }

    /**
     * The {@code json} codec for the record or POJO class {@code type}, writing {@code namespace}
     * in the top-level {@code __faust} member instead of the one from {@link FaustRecord} or the
     * class name. Nested records keep their own namespace. Reading is unaffected.
     *
     * @throws IllegalArgumentException if {@code namespace} is blank, {@code type} is not a record
     *                                  or POJO class, or it is annotated
     *                                  {@code @FaustRecord(includeMetadata = false)}
     */
    public static <T> Codec<T> json(Class<T> type, String namespace) {
        return FaustJson.codec(type, namespace);
    }

    /**
     * The codec an app uses when a topic declares only types, given the name of the app's default
     * ({@code keySerializer} is {@code raw}, {@code valueSerializer} is {@code json}, as in
     * Faust). The name is one of {@code raw}, {@code string}, {@code json}, in any case.
     *
     * <ul>
     *   <li>{@code byte[]} always gets {@link #raw()}.</li>
     *   <li>{@code String} always gets {@link #string()}, whatever the name, so a {@code String}
     *       topic reads and writes plain text. <b>Deliberate deviation from Faust:</b> Faust with
     *       the default {@code value_serializer="json"} and {@code value_type=str} expects JSON
     *       strings ({@code b'"hello"'}), which surprises most users (robinhood/faust#16). Use
     *       {@code Codecs.json(String.class)} explicitly for JSON-encoded strings.</li>
     *   <li>Any other type with {@code json} gets {@link #json(Class)}.</li>
     *   <li>Any other type with {@code raw} or {@code string} is an error: there is no raw form of,
     *       say, a record.</li>
     * </ul>
     *
     * @throws IllegalArgumentException if the name is not one of the three, or the type has no
     *                                  codec under that name
     */
    @SuppressWarnings("unchecked")
    public static <T> Codec<T> forType(String serializerName, Class<T> type) {
        Objects.requireNonNull(serializerName, "serializerName");
        Objects.requireNonNull(type, "type");
        String name = serializerName.toLowerCase(Locale.ROOT);
        if (!name.equals("raw") && !name.equals("string") && !name.equals("json")) {
            throw new IllegalArgumentException("unknown serializer '" + serializerName
                    + "': expected raw, string or json");
        }
        if (type == byte[].class) {
            return (Codec<T>) raw();
        }
        if (type == String.class) {
            return (Codec<T>) string();
        }
        if (name.equals("json")) {
            return json(type);
        }
        throw new IllegalArgumentException(
                "type " + type.getTypeName() + " needs a json codec or an explicit Codec: the '"
                        + name + "' serializer only handles byte[] and String (set the serializer to json, or pass "
                        + "Codecs.json(" + type.getSimpleName() + ".class) or your own Codec for this topic)");
    }
}
