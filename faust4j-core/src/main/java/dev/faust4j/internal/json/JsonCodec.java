package dev.faust4j.internal.json;

import dev.faust4j.codec.Codec;
import dev.faust4j.codec.DecodeException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

import java.util.Objects;

/**
 * The JSON codec for one declared type.
 *
 * <p>Design note: the reader and writer are built once, here, and bound to the declared type only
 * (no type ids from data). Decoding goes bytes to object in one streaming pass; no tree model.
 * Jackson failures become a {@link DecodeException} whose message names the target type, the kind
 * of problem, the field path (declared property names and array indexes only; map keys are shown
 * as {@code [*]} because they come from the data) and the position, never payload text. The
 * Jackson exception is deliberately not attached as the cause, because its message quotes input.
 *
 * <p>Thread-safety: immutable; share freely.
 */
final class JsonCodec<T> implements Codec<T> {

    private final Class<T> type;
    private final String typeName;
    private final ObjectReader reader;
    private final ObjectWriter writer;

    JsonCodec(JsonMapper mapper, Class<T> type, String namespaceOverride) {
        this.type = type;
        this.typeName = type.getTypeName();
        this.reader = mapper.readerFor(type);
        ObjectWriter w = mapper.writerFor(type);
        if (namespaceOverride != null) {
            w = w.withAttribute(FaustMetadataWriter.NAMESPACE_OVERRIDE, new SerializedString(namespaceOverride));
        }
        this.writer = w;
    }

    @Override
    public byte[] encode(T value) {
        Objects.requireNonNull(value, "value");
        try {
            return writer.writeValueAsBytes(value);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("cannot encode " + typeName + " as JSON: "
                    + e.getOriginalMessage() + JsonErrors.path(e), e);
        }
    }

    @Override
    public T decode(byte[] bytes) {
        if (bytes.length == 0) {
            throw new DecodeException("cannot decode " + typeName + " from JSON: empty input");
        }
        if (RequestEnvelope.is(bytes)) { // a Python agent asked with use_reply_headers=False: its value inside
            bytes = RequestEnvelope.parse(bytes).value();
        }
        T value;
        try {
            value = reader.readValue(bytes);
        } catch (JacksonException e) {
            throw JsonErrors.decodeFailure(typeName, e);
        } catch (RuntimeException e) {
            throw new DecodeException("cannot decode " + typeName + " from JSON: "
                    + e.getClass().getName() + " while binding");
        }
        if (value == null) {
            throw new DecodeException("cannot decode " + typeName + " from JSON: the document is null");
        }
        return value;
    }

    @Override
    public Class<T> type() {
        return type;
    }

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String toString() {
        return "json(" + typeName + ")";
    }
}
