package dev.faust4j.internal.table;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import dev.faust4j.codec.Codec;
import dev.faust4j.codec.DecodeException;
import dev.faust4j.spi.ConsumedRecord;
import org.jspecify.annotations.Nullable;

import java.io.ByteArrayOutputStream;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A set table's changelog records, in Faust's set-operation format ({@code faust/tables/sets.py}).
 *
 * <p>Design note. Faust's key is {@code [operation, key]} and its value the member (1 = add, 2 = discard) or
 * {@code [added, removed]} (15 = update). Writes here are always operation 15 with the whole set as "added" and the
 * members just removed as "removed": the last record of a key is then its set (so the topic can be compacted), and
 * a full replay gives the same set, because each record removes what it removed and re-adds all that is left.
 * Restore applies operations 1, 2 and 15, so a Python-written changelog restores too. Keys and members are JSON, by
 * the table's JSON codecs; the JSON array around them is parsed with Jackson (on the restore path only).
 *
 * <p>Thread-safety: immutable.
 */
final class SetChangelog<K, E> {
    static final int ADD = 1;
    static final int DISCARD = 2;
    static final int UPDATE = 15;
    private static final ObjectMapper TREES = JsonMapper.builder().build();
    private static final byte[] UPDATE_PREFIX = "[15,".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Codec<K> keys;
    private final Codec<E> members;

    SetChangelog(Codec<K> keys, Codec<E> members) {
        this.keys = keys;
        this.members = members;
    }

    /** The key bytes of an update of {@code key}: {@code [15,<key>]}. */
    byte[] encodeKey(K key) {
        byte[] k = keys.encode(key);
        ByteArrayOutputStream out = new ByteArrayOutputStream(k.length + 5);
        out.writeBytes(UPDATE_PREFIX);
        out.writeBytes(k);
        out.write(']');
        return out.toByteArray();
    }

    /** The value bytes of an update: {@code [[<set>...],[<removed>...]]}. */
    byte[] encodeValue(Collection<? extends E> set, Collection<? extends E> removed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 + 8 * (set.size() + removed.size()));
        out.write('[');
        writeArray(out, set);
        out.write(',');
        writeArray(out, removed);
        out.write(']');
        return out.toByteArray();
    }

    private void writeArray(ByteArrayOutputStream out, Collection<? extends E> values) {
        out.write('[');
        boolean first = true;
        for (E v : values) {
            if (!first) {
                out.write(',');
            }
            out.writeBytes(members.encode(v));
            first = false;
        }
        out.write(']');
    }

    /** Applies one restored record to the partition's sets. */
    void apply(ConcurrentHashMap<K, Set<E>> map, ConsumedRecord record) {
        byte[] keyBytes = record.key();
        byte[] valueBytes = record.value();
        if (keyBytes == null) {
            throw new DecodeException("set table changelog record without a key");
        }
        JsonNode key = tree(keyBytes, "key");
        if (!key.isArray() || key.size() != 2 || !key.get(0).canConvertToInt()) {
            throw new DecodeException("set table changelog key: expected the JSON array [operation, key]");
        }
        int op = key.get(0).asInt();
        K k = keys.decode(bytes(key.get(1)));
        if (valueBytes == null) {
            throw new DecodeException("set table changelog record without a value (operation " + op + ")");
        }
        JsonNode value = tree(valueBytes, "value");
        Set<E> next = new LinkedHashSet<>(map.getOrDefault(k, Set.of()));
        switch (op) {
            case ADD -> next.add(members.decode(bytes(value)));
            case DISCARD -> next.remove(members.decode(bytes(value)));
            case UPDATE -> {
                if (!value.isArray() || value.size() != 2 || !value.get(0).isArray() || !value.get(1).isArray()) {
                    throw new DecodeException("set table changelog value of operation 15: expected the JSON array"
                            + " [[added...], [removed...]]");
                }
                for (JsonNode m : value.get(0)) {
                    next.add(members.decode(bytes(m)));
                }
                for (JsonNode m : value.get(1)) {
                    next.remove(members.decode(bytes(m)));
                }
            }
            default -> throw new DecodeException("set table changelog: unknown operation " + op
                    + " (Faust's are 1 = add, 2 = discard, 15 = update)");
        }
        if (next.isEmpty()) {
            map.remove(k);
        } else {
            map.put(k, Collections.unmodifiableSet(next));
        }
    }

    /** The value codec of the table's store: a set as Faust's update value, {@code [[members...],[]]}. */
    Codec<Set<E>> asValueCodec() {
        return new Codec<>() {
            @Override
            public byte[] encode(Set<E> value) {
                return encodeValue(value, Set.of());
            }

            @Override
            public Set<E> decode(byte[] bytes) {
                JsonNode v = tree(bytes, "value");
                if (!v.isArray() || v.size() != 2) {
                    throw new DecodeException("expected [[added...], [removed...]]");
                }
                Set<E> out = new LinkedHashSet<>();
                v.get(0).forEach(m -> out.add(members.decode(bytes(m))));
                return Collections.unmodifiableSet(out);
            }

            @Override
            @SuppressWarnings("unchecked")
            public Class<Set<E>> type() {
                return (Class<Set<E>>) (Class<?>) Set.class;
            }

            @Override
            public String name() {
                return "faust-set(" + members.name() + ")";
            }
        };
    }

    private static JsonNode tree(byte[] bytes, String what) {
        try {
            return TREES.readTree(bytes);
        } catch (JacksonException e) {
            // the parser's message may quote the bytes: never in a log line
            throw new DecodeException("set table changelog " + what + " is not JSON (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return TREES.writeValueAsBytes(node);
        } catch (JacksonException e) {
            throw new DecodeException("set table changelog: cannot write a JSON member back", e);
        }
    }
}
