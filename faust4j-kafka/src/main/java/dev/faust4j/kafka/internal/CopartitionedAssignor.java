package dev.faust4j.kafka.internal;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * faust4j's partition assignor for Kafka's classic consumer group protocol: co-partitioned, sticky, and placing
 * the tables' standby replicas. Internal to the Kafka transport, not an API: it is public only because the Kafka
 * consumer instantiates the classes named in {@code partition.assignment.strategy} by reflection.
 */
/*
 * Design. A "group" is a partition number p: (t, p) for every subscribed topic t with more than p partitions. A
 * table keeps one store per partition number, so each group goes whole to one member, its owner.
 *
 * Owners. Groups are balanced by count (at most G mod M members hold ceil(G/M)). A member keeps the groups it
 * owned (the ones most of whose partitions it claims in Subscription.ownedPartitions, claims of the newest
 * generation only, a partition claimed twice in that generation being nobody's) as far as its quota allows; the
 * other groups go, in ascending order, to a member that was their standby and has room (a warm store: only a tail
 * to replay), else to the member with the fewest groups. Members are ordered by group instance id, then member
 * id, so the result is deterministic. With different subscriptions (a rolling change), a group only goes to a
 * member subscribing one of its topics, and a partition whose topic its owner does not subscribe goes to that
 * topic's subscriber holding the fewest partitions.
 *
 * Standbys. min(replicas, candidates) members per group, among those holding none of its partitions in the
 * target assignment: members that were its standby or its owner first (their stores are warm), then the fewest
 * standbys so far, then member order; never a member that shares the group owner's state directory (two workers of
 * one host with one dataDir: one RocksDB store per partition there). A member learns its standby numbers from the assignment's userData
 * (version byte, count, ints) and reports them back in its subscription userData (same format), which keeps them
 * sticky and lets the next assignment promote them. Undecodable userData counts as "no standbys".
 *
 * Cooperative rule. The target assignment above is computed first; then a partition any member still claims in
 * its ownedPartitions (any generation, as ConsumerCoordinator.validateCooperativeAssignment checks the raw
 * claims) is withheld from every member that does not claim it. Its old owner, not assigned it any more, revokes
 * it and rejoins; the next rebalance hands it over. Standbys are those of the target, so the old owner usually
 * keeps the moved group as a standby. With the eager protocol nothing is claimed and nothing is withheld.
 *
 * Thread-safety: configure() runs at the consumer's construction; assign(), onAssignment() and
 * subscriptionUserData() on the consumer's poll thread. The few fields are volatile; assign() has no other state.
 */
public final class CopartitionedAssignor implements ConsumerPartitionAssignor, Configurable {

    /** The assignor's name in the group protocol. */
    public static final String NAME = "faust4j-copartitioned";
    /** Consumer configuration key: the number of standby replicas per partition number (Integer or String). */
    public static final String STANDBY_REPLICAS_CONFIG = "faust4j.table.standby.replicas";
    /** Consumer configuration key: the {@link StandbyListener} told of each assignment's standbys. */
    public static final String STANDBY_LISTENER_CONFIG = "faust4j.standby.listener";
    /**
     * Config key: where this member keeps its table stores on disk (host and directory), or absent: members that
     * share it never keep standbys of each other's partitions (one store per partition there).
     */
    public static final String STATE_DIR_CONFIG = "faust4j.state.dir";

    private static final Logger LOG = LoggerFactory.getLogger(CopartitionedAssignor.class);
    private static final byte USER_DATA_VERSION = 1;
    /** Subscription userData: version 1's standbys, then the state directory (int length, UTF-8). */
    private static final byte SUBSCRIPTION_VERSION = 2;
    private static final int NO_GENERATION = -1;

    /** Receives the member's standby partition numbers with its whole assignment, on the poll thread. */
    @FunctionalInterface
    public interface StandbyListener {
        /**
         * Called from {@link #onAssignment} in every rebalance this assignor decides, after the revocations and
         * before the new partitions are reported assigned.
         *
         * @param standbys the partition numbers this member keeps standby replicas of (never null)
         * @param assignment every partition assigned to this member
         */
        void assigned(Set<Integer> standbys, Set<TopicPartition> assignment);
    }

    private volatile int replicas;
    private volatile @Nullable StandbyListener listener;
    private volatile Set<Integer> currentStandbys = Set.of();
    private volatile String stateDir = "";

    /** Used by the Kafka consumer, which then calls {@link #configure}. */
    public CopartitionedAssignor() {
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(STANDBY_REPLICAS_CONFIG);
        int count = 0;
        if (value != null) {
            try {
                count = value instanceof Number n ? n.intValue() : Integer.parseInt(value.toString().trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(STANDBY_REPLICAS_CONFIG + " must be an integer >= 0", e);
            }
            if (count < 0) {
                throw new IllegalArgumentException(STANDBY_REPLICAS_CONFIG + " must be >= 0, was " + count);
            }
        }
        replicas = count;
        Object l = configs.get(STANDBY_LISTENER_CONFIG);
        if (l != null && !(l instanceof StandbyListener)) {
            throw new IllegalArgumentException(STANDBY_LISTENER_CONFIG + " must be a "
                    + StandbyListener.class.getName() + ", was a " + l.getClass().getName());
        }
        listener = (StandbyListener) l;
        Object dir = configs.get(STATE_DIR_CONFIG);
        stateDir = dir == null ? "" : dir.toString();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.EAGER, RebalanceProtocol.COOPERATIVE);
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        return encodeSubscription(currentStandbys, stateDir);
    }

    @Override
    public void onAssignment(Assignment assignment, @Nullable ConsumerGroupMetadata metadata) {
        Set<Integer> standbys = decode(assignment.userData());
        currentStandbys = standbys;
        StandbyListener l = listener;
        if (l != null) {
            l.assigned(standbys, Collections.unmodifiableSet(new HashSet<>(assignment.partitions())));
        }
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        List<Member> members = members(groupSubscription.groupSubscription());
        if (members.isEmpty()) {
            return new GroupAssignment(Map.of());
        }
        Map<String, Integer> partitionCounts = partitionCounts(metadata, members);
        int groupCount = 0;
        for (int n : partitionCounts.values()) {
            groupCount = Math.max(groupCount, n);
        }
        int[] previousOwner = previousOwners(members, partitionCounts, groupCount);
        int[] owner = owners(members, partitionCounts, groupCount, previousOwner);

        List<List<TopicPartition>> target = new ArrayList<>(members.size());
        int[] partitionsHeld = new int[members.size()];
        List<Set<Integer>> groupsTouched = new ArrayList<>(members.size()); // groups with a partition in target
        for (int i = 0; i < members.size(); i++) {
            target.add(new ArrayList<>());
            groupsTouched.add(new HashSet<>());
        }
        for (int g = 0; g < groupCount; g++) {
            for (Map.Entry<String, Integer> topic : partitionCounts.entrySet()) {
                if (topic.getValue() <= g) {
                    continue;
                }
                int to = members.get(owner[g]).topics.contains(topic.getKey()) ? owner[g]
                        : fewestPartitions(members, topic.getKey(), partitionsHeld);
                target.get(to).add(new TopicPartition(topic.getKey(), g));
                partitionsHeld[to]++;
                groupsTouched.get(to).add(g);
            }
        }

        List<Set<Integer>> standbys = standbys(members, groupCount, previousOwner, groupsTouched);

        Map<TopicPartition, Set<Integer>> claimers = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            for (TopicPartition tp : members.get(i).owned) {
                claimers.computeIfAbsent(tp, k -> new HashSet<>()).add(i);
            }
        }
        Map<String, Assignment> out = new LinkedHashMap<>();
        int withheld = 0;
        for (int i = 0; i < members.size(); i++) {
            List<TopicPartition> assigned = new ArrayList<>(target.get(i).size());
            for (TopicPartition tp : target.get(i)) {
                Set<Integer> claimedBy = claimers.get(tp);
                if (claimedBy == null || claimedBy.contains(i)) {
                    assigned.add(tp);
                } else {
                    withheld++; // still claimed by another member: it revokes first, the next round hands it over
                }
            }
            out.put(members.get(i).id, new Assignment(assigned, encode(standbys.get(i))));
        }
        LOG.info("co-partitioned assignment: {} partition numbers over {} members, {} standby replicas each,"
                + " {} partitions held back until their current owners revoke them", groupCount, members.size(),
                Math.min(replicas, Math.max(0, members.size() - 1)), withheld);
        return new GroupAssignment(out);
    }

    /** One member's subscription, decoded. */
    private record Member(String id, String sortKey, Set<String> topics, Set<Integer> standbys, String stateDir,
                          int generation, List<TopicPartition> owned) {
    }

    private static List<Member> members(Map<String, Subscription> subscriptions) {
        List<Member> members = new ArrayList<>(subscriptions.size());
        for (Map.Entry<String, Subscription> e : subscriptions.entrySet()) {
            Subscription s = e.getValue();
            members.add(new Member(e.getKey(), s.groupInstanceId().orElse(e.getKey()), Set.copyOf(s.topics()),
                    decode(s.userData()), decodeStateDir(s.userData()), s.generationId().orElse(NO_GENERATION),
                    s.ownedPartitions() == null ? List.of() : s.ownedPartitions()));
        }
        members.sort(Comparator.comparing(Member::sortKey).thenComparing(Member::id));
        return members;
    }

    /** Partition counts of the subscribed topics the metadata knows, sorted by topic name. */
    private static Map<String, Integer> partitionCounts(Cluster metadata, List<Member> members) {
        Map<String, Integer> counts = new TreeMap<>();
        for (Member m : members) {
            for (String topic : m.topics) {
                Integer n = metadata.partitionCountForTopic(topic);
                if (n != null && n > 0) {
                    counts.put(topic, n);
                }
            }
        }
        return counts;
    }

    /** Per group, the index of the member that owned it (newest generation's claims), or -1. */
    private static int[] previousOwners(List<Member> members, Map<String, Integer> partitionCounts, int groupCount) {
        int newest = NO_GENERATION;
        for (Member m : members) {
            if (!m.owned.isEmpty()) {
                newest = Math.max(newest, m.generation);
            }
        }
        Map<TopicPartition, Integer> claimedBy = new HashMap<>();
        Set<TopicPartition> contested = new HashSet<>();
        for (int i = 0; i < members.size(); i++) {
            Member m = members.get(i);
            if (m.generation != newest) {
                continue; // an older generation's claim is stale: its partitions may have moved since
            }
            for (TopicPartition tp : m.owned) {
                Integer n = partitionCounts.get(tp.topic());
                if (n == null || tp.partition() >= n || !m.topics.contains(tp.topic())) {
                    continue;
                }
                Integer other = claimedBy.putIfAbsent(tp, i);
                if (other != null && other != i) {
                    contested.add(tp);
                }
            }
        }
        contested.forEach(claimedBy::remove);
        int[][] held = new int[groupCount][members.size()];
        claimedBy.forEach((tp, i) -> held[tp.partition()][i]++);
        int[] previous = new int[groupCount];
        for (int g = 0; g < groupCount; g++) {
            previous[g] = -1;
            int best = 0;
            for (int i = 0; i < members.size(); i++) {
                if (held[g][i] > best) {
                    best = held[g][i];
                    previous[g] = i;
                }
            }
        }
        return previous;
    }

    /** The owner of each group in the target assignment. */
    private static int[] owners(List<Member> members, Map<String, Integer> partitionCounts, int groupCount,
                                int[] previousOwner) {
        int memberCount = members.size();
        int base = memberCount == 0 ? 0 : groupCount / memberCount;
        int extraLeft = memberCount == 0 ? 0 : groupCount % memberCount;
        int[] owner = new int[groupCount];
        Arrays.fill(owner, -1);
        int[] count = new int[memberCount];

        List<List<Integer>> previouslyOwned = new ArrayList<>(memberCount);
        for (int i = 0; i < memberCount; i++) {
            previouslyOwned.add(new ArrayList<>());
        }
        for (int g = 0; g < groupCount; g++) {
            if (previousOwner[g] >= 0 && eligible(members.get(previousOwner[g]), partitionCounts, g)) {
                previouslyOwned.get(previousOwner[g]).add(g);
            }
        }
        // sticky: everyone keeps up to the base quota, then the G mod M extra slots go in member order
        for (int i = 0; i < memberCount; i++) {
            for (int g : previouslyOwned.get(i)) {
                if (count[i] == base) {
                    break;
                }
                owner[g] = i;
                count[i]++;
            }
        }
        for (int i = 0; i < memberCount && extraLeft > 0; i++) {
            for (int g : previouslyOwned.get(i)) {
                if (owner[g] < 0) {
                    owner[g] = i;
                    count[i]++;
                    extraLeft--;
                    break;
                }
            }
        }
        for (int g = 0; g < groupCount; g++) {
            if (owner[g] >= 0) {
                continue;
            }
            int best = -1;
            for (int i = 0; i < memberCount; i++) { // a warm standby with room first
                if (members.get(i).standbys.contains(g) && hasRoom(count[i], base, extraLeft)
                        && eligible(members.get(i), partitionCounts, g) && (best < 0 || count[i] < count[best])) {
                    best = i;
                }
            }
            if (best < 0) {
                for (int i = 0; i < memberCount; i++) {
                    if (eligible(members.get(i), partitionCounts, g) && (best < 0 || count[i] < count[best])) {
                        best = i;
                    }
                }
            }
            owner[g] = best; // some member subscribes a topic with more than g partitions: that is why g exists
            if (count[best] >= base) {
                extraLeft = Math.max(0, extraLeft - 1);
            }
            count[best]++;
        }
        return owner;
    }

    private static boolean hasRoom(int count, int base, int extraLeft) {
        return count < base || (count == base && extraLeft > 0);
    }

    /** True if the member subscribes a topic with more than {@code group} partitions. */
    private static boolean eligible(Member m, Map<String, Integer> partitionCounts, int group) {
        for (String topic : m.topics) {
            Integer n = partitionCounts.get(topic);
            if (n != null && n > group) {
                return true;
            }
        }
        return false;
    }

    private static int fewestPartitions(List<Member> members, String topic, int[] partitionsHeld) {
        int best = -1;
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).topics.contains(topic) && (best < 0 || partitionsHeld[i] < partitionsHeld[best])) {
                best = i;
            }
        }
        return best; // the topic is in partitionCounts because some member subscribes it
    }

    private List<Set<Integer>> standbys(List<Member> members, int groupCount, int[] previousOwner,
                                        List<Set<Integer>> groupsTouched) {
        int memberCount = members.size();
        List<Set<Integer>> standbys = new ArrayList<>(memberCount);
        for (int i = 0; i < memberCount; i++) {
            standbys.add(new TreeSet<>());
        }
        int wanted = replicas;
        if (wanted == 0) {
            return standbys;
        }
        List<Integer> candidates = new ArrayList<>(memberCount);
        int perGroup = Math.min(wanted, memberCount - 1);
        int share = memberCount == 0 ? 0 : (groupCount * perGroup + memberCount - 1) / memberCount;
        for (int g = 0; g < groupCount; g++) {
            int group = g;
            candidates.clear();
            Set<String> ownerDirs = new HashSet<>(); // a member sharing an owner's state directory shares its stores
            for (int i = 0; i < memberCount; i++) {
                if ((groupsTouched.get(i).contains(g) || previousOwner[g] == i) && !members.get(i).stateDir.isEmpty()) {
                    ownerDirs.add(members.get(i).stateDir);
                }
            }
            for (int i = 0; i < memberCount; i++) {
                if (!groupsTouched.get(i).contains(g) && !ownerDirs.contains(members.get(i).stateDir)) {
                    candidates.add(i);
                }
            }
            // warm first (its standby or its owner before) while under its share of standbys (else a member that
            // joins never gets any), then the fewest standbys so far, then member order
            candidates.sort(Comparator
                    .comparingInt((Integer i) -> (members.get(i).standbys.contains(group) || previousOwner[group] == i)
                            && standbys.get(i).size() < share ? 0 : 1)
                    .thenComparingInt(i -> standbys.get(i).size())
                    .thenComparingInt(i -> i));
            for (int k = 0; k < Math.min(wanted, candidates.size()); k++) {
                standbys.get(candidates.get(k)).add(g);
            }
        }
        rebalanceStandbys(members, groupsTouched, previousOwner, standbys);
        return standbys;
    }

    /**
     * Evens out the standbys the greedy pass left uneven (warm members fill up on the groups a newcomer could take,
     * and then only they can take the newcomer's own groups): while the most loaded member holds two more than the
     * least loaded, one of its standbys that the least loaded may hold moves there.
     */
    private static void rebalanceStandbys(List<Member> members, List<Set<Integer>> groupsTouched, int[] previousOwner,
                                          List<Set<Integer>> standbys) {
        int memberCount = members.size();
        for (int moves = 0; moves < 10_000; moves++) {
            int most = 0;
            int least = 0;
            for (int i = 1; i < memberCount; i++) {
                if (standbys.get(i).size() > standbys.get(most).size()) {
                    most = i;
                }
                if (standbys.get(i).size() < standbys.get(least).size()) {
                    least = i;
                }
            }
            if (standbys.get(most).size() - standbys.get(least).size() <= 1) {
                return;
            }
            Integer movable = null;
            for (int g : standbys.get(most)) {
                if (!groupsTouched.get(least).contains(g) && !standbys.get(least).contains(g)
                        && !sharesOwnerDir(members, groupsTouched, previousOwner, g, least)) {
                    movable = g;
                    break;
                }
            }
            if (movable == null) {
                return; // the least loaded member may take none of them (it owns them, or shares their directory)
            }
            standbys.get(most).remove(movable);
            standbys.get(least).add(movable);
        }
    }

    /** True when member {@code i} shares the state directory of group {@code g}'s owner (now or before). */
    private static boolean sharesOwnerDir(List<Member> members, List<Set<Integer>> groupsTouched, int[] previousOwner,
                                          int g, int i) {
        String dir = members.get(i).stateDir;
        if (dir.isEmpty()) {
            return false;
        }
        for (int o = 0; o < members.size(); o++) {
            if ((groupsTouched.get(o).contains(g) || previousOwner[g] == o) && dir.equals(members.get(o).stateDir)) {
                return true;
            }
        }
        return false;
    }

    /** userData: a version byte, the count, then the partition numbers, as big-endian ints. */
    static ByteBuffer encode(Collection<Integer> partitionNumbers) {
        int[] sorted = partitionNumbers.stream().mapToInt(Integer::intValue).sorted().toArray();
        ByteBuffer buffer = ByteBuffer.allocate(1 + Integer.BYTES * (1 + sorted.length));
        buffer.put(USER_DATA_VERSION).putInt(sorted.length);
        for (int n : sorted) {
            buffer.putInt(n);
        }
        return buffer.flip();
    }

    /** Subscription userData: {@link #encode}'s, with version 2, then the state directory (int length, UTF-8). */
    public static ByteBuffer encodeSubscription(Collection<Integer> partitionNumbers, String stateDir) {
        ByteBuffer numbers = encode(partitionNumbers);
        byte[] dir = stateDir.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(numbers.remaining() + Integer.BYTES + dir.length);
        buffer.put(numbers).put(0, SUBSCRIPTION_VERSION).putInt(dir.length).put(dir);
        return buffer.flip();
    }

    /** The state directory of {@link #encodeSubscription}'s userData; empty when absent or damaged. */
    public static String decodeStateDir(@Nullable ByteBuffer userData) {
        if (userData == null || userData.remaining() < 1 + Integer.BYTES) {
            return "";
        }
        ByteBuffer buffer = userData.duplicate();
        try {
            if (buffer.get() != SUBSCRIPTION_VERSION) {
                return "";
            }
            int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining() / Integer.BYTES) {
                return "";
            }
            buffer.position(buffer.position() + count * Integer.BYTES);
            int length = buffer.getInt();
            if (length < 0 || length > buffer.remaining()) {
                return "";
            }
            byte[] dir = new byte[length];
            buffer.get(dir);
            return new String(dir, java.nio.charset.StandardCharsets.UTF_8);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            return "";
        }
    }

    /**
     * The partition numbers of {@link #encode}d (or {@link #encodeSubscription}'d) userData; empty for null, empty,
     * foreign or damaged data.
     */
    public static Set<Integer> decode(@Nullable ByteBuffer userData) {
        if (userData == null || userData.remaining() < 1 + Integer.BYTES) {
            return Set.of();
        }
        ByteBuffer buffer = userData.duplicate(); // big-endian, and the caller's position is left alone
        try {
            byte version = buffer.get();
            if (version != USER_DATA_VERSION && version != SUBSCRIPTION_VERSION) {
                return Set.of();
            }
            int count = buffer.getInt();
            if (count < 0 || count > buffer.remaining() / Integer.BYTES) {
                return Set.of();
            }
            Set<Integer> numbers = new TreeSet<>();
            for (int k = 0; k < count; k++) {
                int n = buffer.getInt();
                if (n >= 0) {
                    numbers.add(n);
                }
            }
            return Collections.unmodifiableSet(numbers);
        } catch (BufferUnderflowException e) {
            return Set.of();
        }
    }
}
