package dev.faust4j.internal.conductor;

import dev.faust4j.AppState;
import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.buffer.PartitionWatcher;
import dev.faust4j.internal.commit.CommitProtocol;
import dev.faust4j.internal.flow.FlowControl;
import dev.faust4j.internal.sensor.Partitions;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Partition assignment changes, on the poll thread from inside {@code poll}.
 *
 * <p>Design. Assigned: start tracking at the consumer's position, let the partition state (tables) restore
 * itself, and re-apply pauses. Revoked: the commit protocol
 * releases them (readers drop their buffered events, the events in readers' hands get the grace period, what was
 * processed is committed, see {@link CommitProtocol#release}), then they are forgotten. Lost: the same without
 * committing (someone else owns them already). The same release runs for every partition when the worker stops.
 *
 * <p>Thread-safety: poll thread only.
 */
final class Rebalancer implements RebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(Rebalancer.class);

    private final String appId;
    private final TransportConsumer consumer;
    private final Assignment assignment;
    private final FlowControl flow;
    private final CommitProtocol committer;
    private final PartitionState state;
    private final Sensors sensors;
    private final Consumer<AppState> phase;
    private final PartitionWatcher readers;
    /** When the rebalance being reported started (a {@link Sensors#start()} reading), or -1 when none is. */
    private long startedAt = -1;

    Rebalancer(String appId, TransportConsumer consumer, Assignment assignment, FlowControl flow,
               CommitProtocol committer, PartitionState state, Sensors sensors, Consumer<AppState> phase,
               PartitionWatcher readers) {
        this.readers = readers;
        this.state = state;
        this.sensors = sensors;
        this.phase = phase;
        this.appId = appId;
        this.consumer = consumer;
        this.assignment = assignment;
        this.flow = flow;
        this.committer = committer;
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            assignment.assign(tp, consumer.position(tp));
        }
        log.info("app {} assigned {}", appId, partitions);
        readers.assigned(partitions); // isolated partitions start their instances
        flow.restoring(state.assigned(partitions)); // paused until their tables are restored
        flow.apply();
        started(List.of()); // a cooperative rebalance that revokes nothing starts unannounced
        sensors.onRebalanceEnded(Partitions.of(assignment.partitions()), Sensors.since(startedAt));
        startedAt = -1;
        phase.accept(flow.restoring().isEmpty() ? AppState.RUNNING : AppState.RECOVERING);
    }

    /** A rebalance begins (joining, or partitions taken away): announce it once. */
    void started(Collection<TopicPartition> revoked) {
        if (startedAt < 0) {
            startedAt = System.nanoTime();
            phase.accept(AppState.REBALANCING);
            sensors.onRebalanceStarted(Partitions.of(revoked));
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        log.info("app {} revoking {}", appId, partitions);
        started(partitions);
        release(assignment.of(partitions), true);
    }

    @Override
    public void onStandbysAssigned(Set<Integer> standbys, Set<TopicPartition> assigned) {
        state.standbys(standbys, assigned);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        log.warn("app {} lost {} (not committing)", appId, partitions);
        started(partitions);
        release(assignment.of(partitions), false);
    }

    /**
     * Stops processing these partitions: the commit protocol drops their buffered events, gives the events being
     * processed up to the grace period and (when {@code commit}) commits; then they are forgotten.
     */
    void release(List<PartitionTracker> released, boolean commit) {
        committer.release(released, commit);
        List<TopicPartition> gone = new ArrayList<>();
        for (PartitionTracker t : released) {
            assignment.remove(t.partition());
            gone.add(t.partition());
        }
        flow.forget(gone);
        state.released(gone);
        readers.released(gone); // dispatchers drop what they queued; isolated partitions' instances stop
    }
}
