package dev.faust4j;

import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * A table of sets: Faust's {@code app.SetTable}. Each key holds a set of members, changed by adding and discarding
 * members; a missing key reads as the empty set.
 *
 * <pre>{@code
 * SetTable<String, String> visitors = app.setTable("visitors", String.class, String.class);
 * app.agent(pageViews, stream -> {
 *     for (PageView v : stream.groupBy("page")) {
 *         visitors.add(v.page(), v.user());
 *         int unique = visitors.get(v.page()).size();
 *     }
 * });
 * }</pre>
 *
 * <p>Updates follow the rules of {@link Table}: made by an agent for the key of the record in hand, each one
 * changelog record tied to that record, restored on assignment before any record of the partition is delivered. An
 * update that changes nothing (adding a member already there) writes nothing.
 *
 * <p><b>On the wire.</b> The changelog uses Faust's set operations, so a Python Faust app can read it: key
 * {@code [15, key]} (Faust's {@code OPERATION_UPDATE}) and value {@code [[members...], [removed...]]}. Unlike
 * Faust, which writes one record per added ({@code [1, key]}) or discarded ({@code [2, key]}) member and leaves its
 * changelog uncompacted (so sets rebuilt after the broker's retention are wrong, or the topic grows forever),
 * faust4j writes the whole set as "added" with the members just removed, so the last record of a key is its set and
 * the changelog can be compacted; replayed in full, the records still give the same set. A changelog written by
 * Python Faust (operations 1, 2 and 15) is restored too.
 *
 * <p><b>Thread-safety:</b> thread-safe. The sets returned are unmodifiable snapshots.
 *
 * @param <K> the key type
 * @param <E> the member type
 */
public interface SetTable<K, E> {

    /** The table's name: part of its changelog topic's name. */
    String name();

    /** The changelog topic: {@code {app id}-{name}-changelog}. */
    String changelogTopic();

    /** The members of {@code key}'s set, an unmodifiable snapshot; empty when the key has none. */
    Set<E> get(K key);

    /** Whether {@code key}'s set holds {@code member}. */
    boolean contains(K key, E member);

    /**
     * Adds {@code member} to {@code key}'s set.
     *
     * @throws IllegalStateException outside an agent, or for a key other than the record's (group by it first)
     */
    void add(K key, E member);

    /** Removes {@code member} from {@code key}'s set (Faust's {@code discard}). */
    void discard(K key, E member);

    /** Adds every member of {@code members} (Faust's {@code update}). */
    void addAll(K key, Collection<? extends E> members);

    /** Removes every member of {@code members} (Faust's {@code difference_update}). */
    void removeAll(K key, Collection<? extends E> members);

    /** Removes every member of {@code key}'s set. */
    void clear(K key);

    /** A copy of every key's set this worker holds (the partitions assigned to it). */
    Map<K, Set<E>> local();
}
