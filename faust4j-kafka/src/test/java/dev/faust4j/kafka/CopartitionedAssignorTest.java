package dev.faust4j.kafka;

import dev.faust4j.kafka.internal.CopartitionedAssignor;
import dev.faust4j.spi.TransportConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Assignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import static dev.faust4j.kafka.KafkaTestSupport.PATIENCE;
import static dev.faust4j.kafka.KafkaTestSupport.POLL;
import static dev.faust4j.kafka.KafkaTestSupport.internal;
import static dev.faust4j.kafka.KafkaTestSupport.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The co-partitioning assignor: pure {@code assign()} calls on a constructed cluster (rebalances simulated round
 * by round, each member subscribing with what it was given, as the Kafka consumer does), and one run of two real
 * consumers on the embedded broker.
 */
@Timeout(180) // a safety net against a hung broker, not a timing assertion
class CopartitionedAssignorTest {

    private static final Node NODE = new Node(0, "127.0.0.1", 9092);

    private static Cluster cluster(Map<String, Integer> partitionCounts) {
        List<PartitionInfo> infos = new ArrayList<>();
        partitionCounts.forEach((topic, n) -> {
            for (int p = 0; p < n; p++) {
                infos.add(new PartitionInfo(topic, p, NODE, new Node[] {NODE}, new Node[] {NODE}));
            }
        });
        return new Cluster("cluster", List.of(NODE), infos, Set.of(), Set.of());
    }

    private static CopartitionedAssignor assignor(int replicas) {
        CopartitionedAssignor a = new CopartitionedAssignor();
        a.configure(Map.of(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, replicas));
        return a;
    }

    /** Subscription userData in the assignor's format: version 1, count, then the numbers as ints. */
    private static ByteBuffer userData(int... standbys) {
        ByteBuffer b = ByteBuffer.allocate(5 + 4 * standbys.length).put((byte) 1).putInt(standbys.length);
        for (int s : standbys) {
            b.putInt(s);
        }
        return b.flip();
    }

    private static Subscription subscription(List<String> topics, List<TopicPartition> owned, ByteBuffer userData,
                                             int generation) {
        return new Subscription(topics, userData, owned, generation, Optional.empty());
    }

    /** The standby numbers an assignment hands its member, read as the member's consumer would. */
    private static Set<Integer> standbys(Assignment assignment) {
        AtomicReference<Set<Integer>> seen = new AtomicReference<>();
        CopartitionedAssignor member = new CopartitionedAssignor();
        member.configure(Map.of(CopartitionedAssignor.STANDBY_LISTENER_CONFIG,
                (CopartitionedAssignor.StandbyListener) (standbys, partitions) -> seen.set(standbys)));
        member.onAssignment(assignment, null);
        return seen.get();
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    /** The partition numbers of an assignment, per topic. */
    private static Map<String, Set<Integer>> numbersPerTopic(Assignment a) {
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (TopicPartition tp : a.partitions()) {
            out.computeIfAbsent(tp.topic(), t -> new TreeSet<>()).add(tp.partition());
        }
        return out;
    }

    private static Set<Integer> numbers(Assignment a) {
        Set<Integer> out = new TreeSet<>();
        a.partitions().forEach(tp -> out.add(tp.partition()));
        return out;
    }

    /** What ConsumerCoordinator.validateCooperativeAssignment checks: no partition moves within one rebalance. */
    private static void assertCooperative(GroupSubscription in, GroupAssignment out) {
        assertThat(out.groupAssignment().keySet()).isEqualTo(in.groupSubscription().keySet());
        Set<TopicPartition> added = new HashSet<>();
        Set<TopicPartition> revoked = new HashSet<>();
        in.groupSubscription().forEach((member, s) -> {
            List<TopicPartition> assigned = out.groupAssignment().get(member).partitions();
            assigned.stream().filter(tp -> !s.ownedPartitions().contains(tp)).forEach(added::add);
            s.ownedPartitions().stream().filter(tp -> !assigned.contains(tp)).forEach(revoked::add);
        });
        added.retainAll(revoked);
        assertThat(added).as("partitions given to a member while another still owns them").isEmpty();
    }

    private static void assertEachPartitionOnce(Cluster cluster, Map<String, Assignment> out) {
        List<TopicPartition> all = new ArrayList<>();
        out.values().forEach(a -> all.addAll(a.partitions()));
        Set<TopicPartition> expected = new HashSet<>();
        for (String topic : cluster.topics()) {
            for (int p = 0; p < cluster.partitionCountForTopic(topic); p++) {
                expected.add(tp(topic, p));
            }
        }
        assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    }

    private static void assertCopartitioned(Map<String, Assignment> out) {
        Map<Integer, String> ownerOfNumber = new HashMap<>();
        out.forEach((member, a) -> a.partitions().forEach(tp -> {
            String other = ownerOfNumber.putIfAbsent(tp.partition(), member);
            assertThat(other == null || other.equals(member)).as("partition number %s on %s and %s", tp.partition(),
                    member, other).isTrue();
        }));
    }

    /**
     * A simulated group: each member has its own assignor (the leader's assigns), subscribes with the partitions
     * and standbys it was given, and the group rebalances again while anyone revoked something.
     */
    private static final class SimulatedGroup {
        final Cluster cluster;
        final int replicas;
        final Map<String, List<String>> topics = new TreeMap<>();
        final Map<String, CopartitionedAssignor> members = new TreeMap<>();
        final Map<String, Assignment> current = new TreeMap<>();
        int generation;
        int rounds;

        SimulatedGroup(Cluster cluster, int replicas) {
            this.cluster = cluster;
            this.replicas = replicas;
        }

        void join(String member, String... subscribed) {
            topics.put(member, List.of(subscribed));
            members.put(member, assignor(replicas));
        }

        void leave(String member) {
            topics.remove(member);
            members.remove(member);
            current.remove(member);
        }

        GroupSubscription subscriptions() {
            Map<String, Subscription> subs = new LinkedHashMap<>();
            members.forEach((m, a) -> subs.put(m, subscription(topics.get(m),
                    current.containsKey(m) ? current.get(m).partitions() : List.of(),
                    a.subscriptionUserData(Set.copyOf(topics.get(m))), generation)));
            return new GroupSubscription(subs);
        }

        /** One rebalance; returns true if a member revoked partitions (and so would rejoin). */
        boolean rebalance() {
            GroupSubscription in = subscriptions();
            GroupAssignment out = members.values().iterator().next().assign(cluster, in);
            assertCooperative(in, out);
            boolean revoked = false;
            for (Map.Entry<String, Assignment> e : out.groupAssignment().entrySet()) {
                List<TopicPartition> owned = in.groupSubscription().get(e.getKey()).ownedPartitions();
                revoked |= !e.getValue().partitions().containsAll(owned);
                members.get(e.getKey()).onAssignment(e.getValue(), null);
                current.put(e.getKey(), e.getValue());
            }
            generation++;
            rounds++;
            return revoked;
        }

        void settle() {
            rounds = 0;
            while (rebalance()) {
                assertThat(rounds).as("rounds to settle").isLessThan(5);
            }
            assertEachPartitionOnce(cluster, current);
        }

        Map<String, Set<Integer>> numbers() {
            Map<String, Set<Integer>> out = new TreeMap<>();
            current.forEach((m, a) -> out.put(m, CopartitionedAssignorTest.numbers(a)));
            return out;
        }

        Map<String, Set<Integer>> standbys() {
            Map<String, Set<Integer>> out = new TreeMap<>();
            current.forEach((m, a) -> out.put(m, CopartitionedAssignorTest.standbys(a)));
            return out;
        }
    }

    @Test
    void partitionNumbersOfEveryTopicGoTogether() {
        SimulatedGroup group = new SimulatedGroup(cluster(Map.of("a", 6, "b", 6, "c", 6)), 1);
        group.join("m1", "a", "b", "c");
        group.join("m2", "a", "b", "c");
        group.join("m3", "a", "b", "c");
        group.settle();

        assertThat(group.rounds).as("nothing was owned: one round").isEqualTo(1);
        assertCopartitioned(group.current);
        group.current.values().forEach(a -> {
            Map<String, Set<Integer>> perTopic = numbersPerTopic(a);
            assertThat(perTopic.keySet()).containsExactly("a", "b", "c");
            assertThat(perTopic.get("b")).isEqualTo(perTopic.get("a"));
            assertThat(perTopic.get("c")).isEqualTo(perTopic.get("a"));
        });
    }

    @Test
    void groupsAreBalancedByCountEvenWhenTopicsDifferInSize() {
        SimulatedGroup group = new SimulatedGroup(cluster(Map.of("a", 8, "b", 4)), 1);
        group.join("m1", "a", "b");
        group.join("m2", "a", "b");
        group.join("m3", "a", "b");
        group.settle();

        assertCopartitioned(group.current);
        assertThat(group.numbers().values().stream().map(Set::size).sorted().toList()).containsExactly(2, 3, 3);
    }

    @Test
    void aJoiningMemberTakesOnlyWhatBalanceNeedsAndOnlyAfterTheOwnersRevoked() {
        SimulatedGroup group = new SimulatedGroup(cluster(Map.of("a", 6, "b", 6)), 1);
        group.join("m1", "a", "b");
        group.join("m2", "a", "b");
        group.settle();
        Map<String, Set<Integer>> before = group.numbers();
        assertThat(before.values()).allSatisfy(n -> assertThat(n).hasSize(3));

        group.join("m3", "a", "b");
        GroupSubscription in = group.subscriptions();
        assertThat(group.rebalance()).as("round 1 revokes").isTrue();
        assertThat(group.current.get("m3").partitions()).as("round 1: still owned by others, so withheld")
                .isEmpty();
        assertThat(group.numbers().get("m1")).hasSize(2).isSubsetOf(before.get("m1"));
        assertThat(group.numbers().get("m2")).hasSize(2).isSubsetOf(before.get("m2"));
        assertThat(in.groupSubscription().get("m3").ownedPartitions()).isEmpty();

        assertThat(group.rebalance()).as("round 2 revokes nothing").isFalse();
        Map<String, Set<Integer>> after = group.numbers();
        assertThat(after.get("m3")).hasSize(2);
        assertThat(after.get("m1")).hasSize(2).isSubsetOf(before.get("m1"));
        assertThat(after.get("m2")).hasSize(2).isSubsetOf(before.get("m2"));
        assertEachPartitionOnce(group.cluster, group.current);
        assertCopartitioned(group.current);
    }

    @Test
    void aLeavingMembersGroupsGoToTheirStandbys() {
        SimulatedGroup group = new SimulatedGroup(cluster(Map.of("a", 6, "b", 6)), 1);
        group.join("m1", "a", "b");
        group.join("m2", "a", "b");
        group.join("m3", "a", "b");
        group.settle();
        Map<String, Set<Integer>> standbys = group.standbys();
        Set<Integer> orphaned = group.numbers().get("m3");

        group.leave("m3");
        group.settle();

        assertThat(group.rounds).as("nothing owned moves: one round").isEqualTo(1);
        for (int g : orphaned) {
            String newOwner = group.numbers().entrySet().stream().filter(e -> e.getValue().contains(g))
                    .findFirst().orElseThrow().getKey();
            assertThat(standbys.get(newOwner)).as("the new owner of %s was its standby", g).contains(g);
        }
        assertThat(group.numbers().values()).allSatisfy(n -> assertThat(n).hasSize(3));
    }

    @Test
    void anOrphanedGroupGoesToItsStandbyRatherThanByMemberOrder() {
        Cluster cluster = cluster(Map.of("a", 3));
        Map<String, Subscription> subs = new LinkedHashMap<>();
        subs.put("m1", subscription(List.of("a"), List.of(tp("a", 0)), userData(), 4));
        subs.put("m2", subscription(List.of("a"), List.of(tp("a", 1)), userData(2), 4));
        // m3, the owner of partition 2, has gone; m1 comes first in member order, m2 was 2's standby
        GroupAssignment out = assignor(1).assign(cluster, new GroupSubscription(subs));

        assertThat(numbers(out.groupAssignment().get("m1"))).containsExactly(0);
        assertThat(numbers(out.groupAssignment().get("m2"))).containsExactly(1, 2);
    }

    @Test
    void anOlderGenerationsClaimDoesNotBeatTheNewest() {
        Cluster cluster = cluster(Map.of("a", 2, "b", 2));
        Map<String, Subscription> subs = new LinkedHashMap<>();
        // m0 comes first in member order and claims group 0 from an older generation (it was away)
        subs.put("m0", subscription(List.of("a", "b"), List.of(tp("a", 0), tp("b", 0)), userData(), 3));
        subs.put("m1", subscription(List.of("a", "b"), List.of(tp("a", 0), tp("b", 0)), userData(), 7));
        subs.put("m2", subscription(List.of("a", "b"), List.of(tp("a", 1), tp("b", 1)), userData(), 7));
        GroupSubscription in = new GroupSubscription(subs);
        GroupAssignment out = assignor(1).assign(cluster, in);

        assertCooperative(in, out);
        assertThat(out.groupAssignment().get("m1").partitions()).containsExactlyInAnyOrder(tp("a", 0), tp("b", 0));
        assertThat(out.groupAssignment().get("m2").partitions()).containsExactlyInAnyOrder(tp("a", 1), tp("b", 1));
        assertThat(out.groupAssignment().get("m0").partitions()).isEmpty();
    }

    @Test
    void aGroupSplitByAnotherAssignorIsReunitedInTwoRounds() {
        // as after a rolling upgrade from the cooperative-sticky assignor: a-0 on m1, b-0 on m2
        Cluster cluster = cluster(Map.of("a", 2, "b", 2));
        Map<String, Subscription> subs = new LinkedHashMap<>();
        subs.put("m1", subscription(List.of("a", "b"), List.of(tp("a", 0), tp("a", 1)), null, 5));
        subs.put("m2", subscription(List.of("a", "b"), List.of(tp("b", 0), tp("b", 1)), null, 5));
        GroupSubscription in = new GroupSubscription(subs);
        GroupAssignment round1 = assignor(1).assign(cluster, in);
        assertCooperative(in, round1);
        assertThat(round1.groupAssignment().get("m1").partitions()).containsExactly(tp("a", 0));
        assertThat(round1.groupAssignment().get("m2").partitions()).containsExactly(tp("b", 1));

        subs.put("m1", subscription(List.of("a", "b"), List.of(tp("a", 0)), round1.groupAssignment().get("m1")
                .userData(), 6));
        subs.put("m2", subscription(List.of("a", "b"), List.of(tp("b", 1)), round1.groupAssignment().get("m2")
                .userData(), 6));
        GroupSubscription in2 = new GroupSubscription(subs);
        GroupAssignment round2 = assignor(1).assign(cluster, in2);
        assertCooperative(in2, round2);
        assertThat(round2.groupAssignment().get("m1").partitions()).containsExactlyInAnyOrder(tp("a", 0),
                tp("b", 0));
        assertThat(round2.groupAssignment().get("m2").partitions()).containsExactlyInAnyOrder(tp("a", 1),
                tp("b", 1));
    }

    @Test
    void standbysAreNeverOnTheOwnerAndAtMostOnePerOtherMember() {
        SimulatedGroup group = new SimulatedGroup(cluster(Map.of("a", 5, "b", 5)), 3);
        group.join("m1", "a", "b");
        group.join("m2", "a", "b");
        group.settle();
        Map<String, Set<Integer>> owned = group.numbers();
        Map<String, Set<Integer>> standbys = group.standbys();
        assertThat(standbys.get("m1")).isEqualTo(owned.get("m2")); // replicas 3 capped at members - 1 = 1
        assertThat(standbys.get("m2")).isEqualTo(owned.get("m1"));

        SimulatedGroup three = new SimulatedGroup(cluster(Map.of("a", 6)), 2);
        three.join("m1", "a");
        three.join("m2", "a");
        three.join("m3", "a");
        three.settle();
        Map<String, Set<Integer>> owned3 = three.numbers();
        Map<String, Set<Integer>> standbys3 = three.standbys();
        for (int g = 0; g < 6; g++) {
            int group3 = g;
            assertThat(standbys3.entrySet().stream().filter(e -> e.getValue().contains(group3)).map(Map.Entry::getKey)
                    .toList()).as("standbys of %s", g).hasSize(2)
                    .doesNotContainAnyElementsOf(owned3.entrySet().stream()
                            .filter(e -> e.getValue().contains(group3)).map(Map.Entry::getKey).toList());
        }

        SimulatedGroup none = new SimulatedGroup(cluster(Map.of("a", 4)), 0);
        none.join("m1", "a");
        none.join("m2", "a");
        none.settle();
        assertThat(none.standbys().values()).allSatisfy(s -> assertThat(s).isEmpty());
    }

    @Test
    void standbysAreSticky() {
        Cluster cluster = cluster(Map.of("a", 3));
        Map<String, Subscription> subs = new LinkedHashMap<>();
        subs.put("m1", subscription(List.of("a"), List.of(tp("a", 0)), userData(), 2));
        subs.put("m2", subscription(List.of("a"), List.of(tp("a", 1)), userData(), 2));
        subs.put("m3", subscription(List.of("a"), List.of(tp("a", 2)), userData(0, 1), 2));
        // without history, group 0's standby would be m2 (no standbys yet, first in order): m3 keeps it, but only
        // its share of them (one each), so group 1's goes to m1
        Map<String, Assignment> out = assignor(1).assign(cluster, new GroupSubscription(subs)).groupAssignment();
        assertThat(standbys(out.get("m3"))).containsExactly(0);
        assertThat(standbys(out.get("m1"))).containsExactly(1);

        SimulatedGroup group = new SimulatedGroup(cluster(Map.of("a", 6)), 1);
        group.join("m1", "a");
        group.join("m2", "a");
        group.join("m3", "a");
        group.settle();
        Map<String, Set<Integer>> standbys = group.standbys();
        group.rebalance();
        assertThat(group.standbys()).as("an unchanged group keeps its standbys").isEqualTo(standbys);
    }

    /**
     * Two workers of one host with one dataDir keep one RocksDB store per partition there: neither is a standby of
     * the other's partitions (it could not open the owner's store), a third worker elsewhere is.
     */
    @Test
    void membersSharingAStateDirectoryAreNeverStandbysOfEachOther() {
        Cluster cluster = cluster(Map.of("a", 4));
        Map<String, Subscription> subs = new LinkedHashMap<>();
        subs.put("m1", subscription(List.of("a"), List.of(tp("a", 0), tp("a", 1)),
                CopartitionedAssignor.encodeSubscription(List.of(), "host1:/data"), 2));
        subs.put("m2", subscription(List.of("a"), List.of(tp("a", 2), tp("a", 3)),
                CopartitionedAssignor.encodeSubscription(List.of(), "host1:/data"), 2));
        Map<String, Assignment> out = assignor(1).assign(cluster, new GroupSubscription(subs)).groupAssignment();
        assertThat(standbys(out.get("m1"))).as("same host and directory as m2").isEmpty();
        assertThat(standbys(out.get("m2"))).as("same host and directory as m1").isEmpty();

        subs.put("m3", subscription(List.of("a"), List.of(), CopartitionedAssignor.encodeSubscription(List.of(),
                "host2:/data"), 2));
        out = assignor(1).assign(cluster, new GroupSubscription(subs)).groupAssignment();
        assertThat(standbys(out.get("m1"))).doesNotContainAnyElementsOf(numbers(out.get("m2")));
        assertThat(standbys(out.get("m2"))).doesNotContainAnyElementsOf(numbers(out.get("m1")));
        assertThat(CopartitionedAssignor.decode(CopartitionedAssignor.encodeSubscription(List.of(3, 1), "h:/d")))
                .containsExactly(1, 3);
        assertThat(CopartitionedAssignor.decodeStateDir(CopartitionedAssignor.encodeSubscription(List.of(3), "h:/d")))
                .isEqualTo("h:/d");
        assertThat(CopartitionedAssignor.decodeStateDir(userData(1, 2))).as("version 1: none").isEmpty();
    }

    /**
     * Sticky standbys must not starve a member that joins: it gets its share of them (else, when a worker dies, its
     * partitions can only go to the newcomer cold: battery test l saw it).
     */
    @Test
    void aMemberThatJoinsGetsItsShareOfStandbys() {
        SimulatedGroup group = new SimulatedGroup(cluster(Map.of("a", 6)), 1);
        group.join("m1", "a");
        group.join("m2", "a");
        group.settle();
        group.join("m3", "a");
        group.settle();
        Map<String, Set<Integer>> standbys = group.standbys();
        assertThat(standbys.get("m3")).as("the newcomer's standbys in %s, owners %s", standbys, group.numbers())
                .hasSize(2);
        assertThat(standbys.values()).allSatisfy(s -> assertThat(s).hasSize(2));
    }

    @Test
    void membersWithDifferentSubscriptionsGetEveryPartitionOnce() {
        Cluster cluster = cluster(Map.of("a", 4, "b", 4, "c", 2));
        SimulatedGroup group = new SimulatedGroup(cluster, 1);
        group.join("m1", "a", "b");
        group.join("m2", "a");
        group.join("m3", "a", "b", "c");
        group.settle();

        group.current.forEach((m, a) -> assertThat(a.partitions()).allSatisfy(tp -> assertThat(group.topics.get(m))
                .contains(tp.topic())));
        assertThat(group.current.get("m3").partitions()).contains(tp("c", 0), tp("c", 1));
        // a partition of a topic its group owner does not subscribe goes elsewhere, the rest stays together
        for (Assignment a : group.current.values()) {
            Map<String, Set<Integer>> perTopic = numbersPerTopic(a);
            if (perTopic.containsKey("a") && perTopic.containsKey("b")) {
                assertThat(perTopic.get("b")).containsAll(perTopic.get("a"));
            }
        }
    }

    @Test
    void userDataRoundTripsThroughTheMember() {
        CopartitionedAssignor member = assignor(1);
        List<Set<Integer>> standbysSeen = new CopyOnWriteArrayList<>();
        List<Set<TopicPartition>> assignmentsSeen = new CopyOnWriteArrayList<>();
        member.configure(Map.of(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, "1",
                CopartitionedAssignor.STANDBY_LISTENER_CONFIG,
                (CopartitionedAssignor.StandbyListener) (standbys, partitions) -> {
                    standbysSeen.add(standbys);
                    assignmentsSeen.add(partitions);
                }));
        assertThat(standbys(new Assignment(List.of(), member.subscriptionUserData(Set.of("a"))))).isEmpty();

        member.onAssignment(new Assignment(List.of(tp("a", 2), tp("b", 2)), userData(7, 3)), null);
        assertThat(standbysSeen).containsExactly(Set.of(3, 7));
        assertThat(assignmentsSeen).containsExactly(Set.of(tp("a", 2), tp("b", 2)));
        ByteBuffer sent = member.subscriptionUserData(Set.of("a", "b"));
        assertThat(standbys(new Assignment(List.of(), sent))).containsExactlyInAnyOrder(3, 7);
        assertThat(standbys(new Assignment(List.of(), sent))).as("reading leaves the buffer alone")
                .containsExactlyInAnyOrder(3, 7);
    }

    @Test
    void garbageUserDataMeansNoStandbys() {
        List<ByteBuffer> garbage = new ArrayList<>();
        garbage.add(null);
        garbage.add(ByteBuffer.allocate(0));
        garbage.add(ByteBuffer.wrap(new byte[] {1}));
        garbage.add(ByteBuffer.wrap(new byte[] {9, 0, 0, 0, 1, 0, 0, 0, 1})); // unknown version
        garbage.add(ByteBuffer.wrap(new byte[] {1, 0x7f, 0, 0, 0, 0, 0, 0, 1})); // count beyond the data
        garbage.add(ByteBuffer.wrap(new byte[] {1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff})); // -1
        garbage.add(ByteBuffer.wrap(new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 0, 1, 2}));
        for (ByteBuffer data : garbage) {
            assertThat(standbys(new Assignment(List.of(tp("a", 0)), data))).isEmpty();
        }

        Cluster cluster = cluster(Map.of("a", 4));
        Map<String, Subscription> subs = new LinkedHashMap<>();
        for (int i = 0; i < garbage.size(); i++) {
            subs.put("m" + i, subscription(List.of("a"), List.of(), garbage.get(i), 1));
        }
        GroupSubscription in = new GroupSubscription(subs);
        GroupAssignment out = assignor(1).assign(cluster, in);
        assertCooperative(in, out);
        assertEachPartitionOnce(cluster, out.groupAssignment());
    }

    @Test
    void configurationIsCheckedAndTheListenerIsOptional() {
        CopartitionedAssignor a = new CopartitionedAssignor();
        a.configure(Map.of());
        a.onAssignment(new Assignment(List.of(tp("a", 0)), userData(1)), null); // no listener: nothing to tell
        assertThat(a.name()).isEqualTo("faust4j-copartitioned");
        assertThatThrownBy(() -> a.configure(Map.of(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, "x")))
                .hasMessageContaining(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG);
        assertThatThrownBy(() -> a.configure(Map.of(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG, -1)))
                .hasMessageContaining(">= 0");
        assertThatThrownBy(() -> a.configure(Map.of(CopartitionedAssignor.STANDBY_LISTENER_CONFIG, "nope")))
                .hasMessageContaining(CopartitionedAssignor.STANDBY_LISTENER_CONFIG);
    }

    @Test
    void kafkaInstantiatesItByNameAndItsKeysCountAsUsed() {
        Map<String, Object> config = new HashMap<>(KafkaClientConfigs.consumer("app",
                KafkaTestSupport.settings("app", "kafka://127.0.0.1:1", Map.of())));
        config.put(CopartitionedAssignor.STANDBY_LISTENER_CONFIG,
                (CopartitionedAssignor.StandbyListener) (standbys, partitions) -> {
                });
        ConsumerConfig consumerConfig = new ConsumerConfig(config);
        List<ConsumerPartitionAssignor> assignors = ConsumerPartitionAssignor.getAssignorInstances(
                consumerConfig.getList(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG),
                consumerConfig.originals(Map.of(ConsumerConfig.CLIENT_ID_CONFIG, "app"))); // as the consumer does
        assertThat(assignors).extracting(ConsumerPartitionAssignor::name)
                .containsExactly("faust4j-copartitioned", "cooperative-sticky");
        assertThat(consumerConfig.unused()).as("no 'supplied but not used' warning")
                .doesNotContain(CopartitionedAssignor.STANDBY_REPLICAS_CONFIG,
                        CopartitionedAssignor.STANDBY_LISTENER_CONFIG);
    }

    /** Records the standbys it is handed, besides the partitions. */
    private static class StandbyRecorder extends KafkaTestSupport.RecordingListener {
        final AtomicReference<Set<Integer>> standbys = new AtomicReference<>();

        @Override
        public void onStandbysAssigned(Set<Integer> given, Set<dev.faust4j.spi.TopicPartition> assignment) {
            events.add("standbys " + given);
            standbys.set(given);
        }
    }

    @Test
    void twoRealConsumersGetTheSamePartitionNumbersOfBothTopicsAndEachOthersAsStandbys() {
        String a = unique("a");
        String b = unique("b");
        // classic protocol: a member learns of a rebalance at its next heartbeat (3 s by default)
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"),
                Map.of("consumer.heartbeat.interval.ms", "300"));
        transport.declareTopics(List.of(internal(a, 4), internal(b, 4)));
        TransportConsumer first = transport.createConsumer();
        TransportConsumer second = transport.createConsumer();
        StandbyRecorder firstListener = new StandbyRecorder();
        StandbyRecorder secondListener = new StandbyRecorder();
        try {
            first.subscribe(List.of(a, b), firstListener);
            second.subscribe(List.of(a, b), secondListener);
            await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        first.poll(POLL);
                        second.poll(POLL);
                        Set<Integer> n1 = numbersOf(first.assignment());
                        Set<Integer> n2 = numbersOf(second.assignment());
                        return first.assignment().size() == 4 && second.assignment().size() == 4
                                && n1.equals(secondListener.standbys.get())
                                && n2.equals(firstListener.standbys.get());
                    });
            Set<dev.faust4j.spi.TopicPartition> one = first.assignment();
            Set<dev.faust4j.spi.TopicPartition> two = second.assignment();
            assertThat(numbersIn(one, a)).hasSize(2).isEqualTo(numbersIn(one, b));
            assertThat(numbersIn(two, a)).hasSize(2).isEqualTo(numbersIn(two, b));
            assertThat(firstListener.standbys.get()).isEqualTo(numbersOf(two));
            assertThat(secondListener.standbys.get()).isEqualTo(numbersOf(one));
            assertThat(firstListener.lost).isEmpty();
            for (StandbyRecorder l : List.of(firstListener, secondListener)) {
                assertThat(l.events.getFirst()).as("onAssignment comes before onPartitionsAssigned")
                        .startsWith("standbys");
            }
        } finally {
            first.close();
            second.close();
            transport.close();
        }
    }

    @Test
    void anExceptionFromOnStandbysAssignedReachesThePollCaller() {
        String topic = unique("t");
        KafkaTransport transport = KafkaTestSupport.transport(unique("group"));
        transport.declareTopics(List.of(internal(topic, 1)));
        TransportConsumer consumer = transport.createConsumer();
        IllegalStateException boom = new IllegalStateException("standby listener failed");
        StandbyRecorder listener = new StandbyRecorder() {
            @Override
            public void onStandbysAssigned(Set<Integer> given, Set<dev.faust4j.spi.TopicPartition> assignment) {
                super.onStandbysAssigned(given, assignment);
                throw boom;
            }
        };
        try {
            consumer.subscribe(List.of(topic), listener);
            List<Throwable> thrown = new ArrayList<>();
            await().atMost(PATIENCE).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                    .until(() -> {
                        try {
                            consumer.poll(POLL);
                        } catch (RuntimeException e) {
                            thrown.add(e);
                        }
                        return !thrown.isEmpty();
                    });
            assertThat(thrown.get(0)).isSameAs(boom);
            assertThat(listener.standbys.get()).as("a lone member has nobody to be a standby for").isEmpty();
            assertThat(listener.assigned).as("Kafka still reports the assignment")
                    .containsExactly(new dev.faust4j.spi.TopicPartition(topic, 0));
        } finally {
            consumer.close();
            transport.close();
        }
    }

    private static Set<Integer> numbersOf(Collection<dev.faust4j.spi.TopicPartition> partitions) {
        Set<Integer> out = new TreeSet<>();
        partitions.forEach(tp -> out.add(tp.partition()));
        return out;
    }

    private static Set<Integer> numbersIn(Collection<dev.faust4j.spi.TopicPartition> partitions, String topic) {
        Set<Integer> out = new TreeSet<>();
        partitions.stream().filter(tp -> tp.topic().equals(topic)).forEach(tp -> out.add(tp.partition()));
        return out;
    }
}
