package dev.faust4j.internal.table;

import dev.faust4j.SetTable;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.ProducedRecord;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * A {@link SetTable}: each key's set is an unmodifiable snapshot in the partition store, replaced by a new one on
 * each change (copy on write), so reads never see a set half changed.
 *
 * <p>Design. A change takes the record in hand ({@link RecordInHand}), and in one {@code compute} of the key copies
 * the set, applies the change, and, when the set changed, sends one changelog record ({@link SetChangelog}: the
 * whole set, and the members removed) and stores the copy; an empty set removes the key.
 *
 * <p>Thread-safety: thread-safe.
 */
final class SetTableImpl<K, E> implements SetTable<K, E> {
    private final String name;
    private final String changelog;
    private final TablePartitions<K, Set<E>> parts;
    private final SetChangelog<K, E> records;

    SetTableImpl(TablePartitions<K, Set<E>> parts, SetChangelog<K, E> records) {
        this.name = parts.name;
        this.changelog = parts.changelog;
        this.parts = parts;
        this.records = records;
        parts.restoreWith(records::apply);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String changelogTopic() {
        return changelog;
    }

    @Override
    public Set<E> get(K key) {
        Objects.requireNonNull(key, "key");
        EventImpl<?, ?> event = RecordInHand.current();
        if (event != null) {
            TableStore<K, Set<E>> store = parts.storeOrNull(event.partition());
            if (store != null) {
                Set<E> v = store.get(key);
                return v == null ? Set.of() : v;
            }
        }
        for (TableStore<K, Set<E>> s : parts.all()) {
            Set<E> v = s.get(key);
            if (v != null) {
                return v;
            }
        }
        return Set.of();
    }

    @Override
    public boolean contains(K key, E member) {
        return get(key).contains(member);
    }

    @Override
    public void add(K key, E member) {
        Objects.requireNonNull(member, "member");
        change(key, "add", set -> set.add(member));
    }

    @Override
    public void discard(K key, E member) {
        Objects.requireNonNull(member, "member");
        change(key, "discard", set -> set.remove(member));
    }

    @Override
    public void addAll(K key, Collection<? extends E> members) {
        List<E> copy = List.copyOf(members); // no null members
        change(key, "addAll", set -> set.addAll(copy));
    }

    @Override
    public void removeAll(K key, Collection<? extends E> members) {
        List<E> copy = List.copyOf(members);
        change(key, "removeAll", set -> copy.forEach(set::remove));
    }

    @Override
    public void clear(K key) {
        change(key, "clear", Set::clear);
    }

    @Override
    public Map<K, Set<E>> local() {
        Map<K, Set<E>> out = new HashMap<>();
        for (TableStore<K, Set<E>> s : parts.all()) {
            s.copyTo(out);
        }
        return out;
    }

    private void change(K key, String operation, Consumer<Set<E>> change) {
        EventImpl<?, ?> event = RecordInHand.forUpdate(name, operation, key);
        int partition = event.partition();
        parts.checkCopartitioned(event.topic());
        TableStore<K, Set<E>> store = parts.store(partition);
        byte[] keyBytes = records.encodeKey(key);
        Object[] change1 = new Object[2]; // the new set, the members removed
        parts.writing(event.topic(), () -> updateRaw(store, key, stored -> {
            @SuppressWarnings("unchecked") Set<E> old = (Set<E>) stored;
            Set<E> before = old == null ? Set.of() : old;
            Set<E> next = new LinkedHashSet<>(before);
            change.accept(next);
            if (next.equals(before)) {
                return TableStore.UNCHANGED; // nothing changed: nothing written
            }
            List<E> removed = new ArrayList<>();
            for (E m : before) {
                if (!next.contains(m)) {
                    removed.add(m);
                }
            }
            change1[0] = next;
            change1[1] = removed;
            return next.isEmpty() ? null : Collections.unmodifiableSet(next);
        }, ignored -> { // Faust's operation 15: the whole set and what was removed, not the stored value's bytes
            @SuppressWarnings("unchecked") Set<E> next = (Set<E>) change1[0];
            @SuppressWarnings("unchecked") List<E> removed = (List<E>) change1[1];
            return parts.send(new ProducedRecord(changelog, partition, null, keyBytes,
                    records.encodeValue(next, removed), List.of()));
        }));
    }

    /** An update whose function may return {@link TableStore#UNCHANGED}: typed Object, so that no cast checks it. */
    @SuppressWarnings("unchecked")
    private static <K> @Nullable Object updateRaw(TableStore<K, ?> store, K key, UnaryOperator<@Nullable Object> next,
                                                  TableStore.ChangelogSend send) {
        return ((TableStore<K, Object>) store).update(key, next, send);
    }

    @Override
    public String toString() {
        return "SetTable[" + name + ", changelog " + changelog + "]";
    }
}
