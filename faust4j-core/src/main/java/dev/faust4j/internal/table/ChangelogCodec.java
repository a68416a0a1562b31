package dev.faust4j.internal.table;

import dev.faust4j.codec.Codec;
import dev.faust4j.codec.Codecs;
import dev.faust4j.codec.DecodeException;
import dev.faust4j.spi.ConsumedRecord;

import org.jspecify.annotations.Nullable;

import java.util.Objects;

/**
 * The wire format of one table's changelog records: how a key and a new value (or a deletion) become a Kafka
 * record's key and value bytes, and back, compatible with Python Faust byte for byte
 * (faust-tables.md §2.2, faust-wire-samples.md §2).
 *
 * <ul>
 *   <li>Key: the table key as compact JSON ({@code "k1"}, with quotes, even when the source topic's key was raw);
 *       for a windowed table the array {@code [key,[start,end]]} ({@link WindowedKeyCodec}).</li>
 *   <li>Value: the value as JSON ({@code 1}, {@code 6.0}, {@code 13.5}, a record with its {@code __faust}
 *       member).</li>
 *   <li>Deletion: a tombstone, i.e. a null value; never an empty byte string or the JSON {@code null} (which
 *       Python would store as the value {@code None}).</li>
 * </ul>
 *
 * <p>Design note: the key and value codecs are the project's ordinary codecs ({@link Codecs#json}: one shared,
 * locked-down Jackson mapper, no default typing, no class names from data), so a table reads and writes its
 * records exactly as a topic of the same types would. Decoding failures become a {@link DecodeException} naming
 * the part (key or value) and what was expected, never quoting the payload.
 *
 * <p>Thread-safety: immutable; safe to share when the codecs are (codecs must be).
 *
 * @param <K> the key type (a {@link WindowedKey} for a windowed table)
 * @param <V> the value type
 */
final class ChangelogCodec<K, V> {

    private final Codec<K> keys;
    private final Codec<V> values;

    private ChangelogCodec(Codec<K> keys, Codec<V> values) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.values = Objects.requireNonNull(values, "values");
    }

    /** A plain table's changelog with the given codecs. */
    static <K, V> ChangelogCodec<K, V> of(Codec<K> keys, Codec<V> values) {
        return new ChangelogCodec<>(keys, values);
    }

    /**
     * A plain table's changelog with Faust's default serializers for the declared types: JSON, except
     * {@code byte[]}, which goes through unchanged ({@code key_type=bytes}). Unlike a topic, a {@code String} key is
     * JSON too ({@code "k1"}), because Faust's tables pass the {@code json} serializer explicitly.
     */
    static <K, V> ChangelogCodec<K, V> forTypes(Class<K> keyType, Class<V> valueType) {
        return new ChangelogCodec<>(faustDefault(keyType), faustDefault(valueType));
    }

    /** A windowed table's changelog: keys {@code [key,[start,end]]} with the key written by {@code keys}. */
    static <K, V> ChangelogCodec<WindowedKey<K>, V> windowed(Codec<K> keys, Codec<V> values) {
        return new ChangelogCodec<>(new WindowedKeyCodec<>(keys), values);
    }

    /** The key bytes of a record for {@code key}. */
    byte[] encodeKey(K key) {
        return keys.encode(Objects.requireNonNull(key, "key"));
    }

    /** The value bytes of a record setting {@code value}, or null (a tombstone) when {@code value} is null. */
    byte @Nullable [] encodeValue(@Nullable V value) {
        return value == null ? null : values.encode(value);
    }

    /** The key of a record's key bytes. */
    K decodeKey(byte[] key) {
        Objects.requireNonNull(key, "key bytes (a changelog record always has a key)");
        try {
            return keys.decode(key);
        } catch (DecodeException e) {
            throw new DecodeException("changelog key: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new DecodeException("changelog key: " + e.getClass().getName() + " from the " + keys + " codec");
        }
    }

    /** The value of a record's value bytes, or null for a tombstone (null bytes). */
    @Nullable
    V decodeValue(byte @Nullable [] value) {
        if (value == null) {
            return null;
        }
        try {
            return values.decode(value);
        } catch (DecodeException e) {
            throw new DecodeException("changelog value: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new DecodeException("changelog value: " + e.getClass().getName() + " from the " + values
                    + " codec");
        }
    }

    /** One changelog record: its key and value bytes (null for a tombstone) decoded. */
    ChangelogEntry<K, V> decode(byte[] key, byte @Nullable [] value) {
        return new ChangelogEntry<>(decodeKey(key), decodeValue(value));
    }

    /**
     * A changelog record being restored, decoded; an undecodable one fails the restore with its position (never
     * skipped: that would silently lose state).
     */
    ChangelogEntry<K, V> decodeAt(ConsumedRecord r) {
        try {
            return decode(r.key(), r.value());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot restore the changelog record at topic=" + r.topic()
                    + " partition=" + r.partition() + " offset=" + r.offset() + ": " + e.getMessage(), e);
        }
    }

    /** The key codec. */
    Codec<K> keyCodec() {
        return keys;
    }

    /** The value codec. */
    Codec<V> valueCodec() {
        return values;
    }

    @Override
    public String toString() {
        return "changelog(" + keys + ", " + values + ")";
    }

    @SuppressWarnings("unchecked")
    private static <T> Codec<T> faustDefault(Class<T> type) {
        Objects.requireNonNull(type, "type");
        return type == byte[].class ? (Codec<T>) (Codec<?>) Codecs.raw() : Codecs.json(type);
    }
}
