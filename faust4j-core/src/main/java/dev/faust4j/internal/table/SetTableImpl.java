package dev.faust4j.internal.table;

import dev.faust4j.SetTable;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.spi.ProducedRecord;

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
            PartitionStore<K, Set<E>> store = parts.storeOrNull(event.partition());
            if (store != null) {
                return store.map.getOrDefault(key, Set.of());
            }
        }
        for (PartitionStore<K, Set<E>> s : parts.all()) {
            Set<E> v = s.map.get(key);
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
        for (PartitionStore<K, Set<E>> s : parts.all()) {
            out.putAll(s.map);
        }
        return out;
    }

    private void change(K key, String operation, Consumer<Set<E>> change) {
        EventImpl<?, ?> event = RecordInHand.forUpdate(name, operation, key);
        int partition = event.partition();
        parts.checkCopartitioned(event.topic());
        PartitionStore<K, Set<E>> store = parts.store(partition);
        store.map.compute(key, (k, old) -> {
            Set<E> before = old == null ? Set.of() : old;
            Set<E> next = new LinkedHashSet<>(before);
            change.accept(next);
            if (next.equals(before)) {
                return old; // nothing changed: nothing written
            }
            List<E> removed = new ArrayList<>();
            for (E m : before) {
                if (!next.contains(m)) {
                    removed.add(m);
                }
            }
            parts.send(new ProducedRecord(changelog, partition, null, records.encodeKey(k),
                    records.encodeValue(next, removed), List.of()));
            return next.isEmpty() ? null : Collections.unmodifiableSet(next);
        });
    }

    @Override
    public String toString() {
        return "SetTable[" + name + ", changelog " + changelog + "]";
    }
}
