package dev.faust4j.internal.conductor;

import dev.faust4j.AppState;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.Partition;
import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.buffer.PartitionWatcher;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.commit.CommitProtocol;
import dev.faust4j.internal.commit.Committer;
import dev.faust4j.internal.commit.ExactlyOnceCommitter;
import dev.faust4j.internal.send.Transactions;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.flow.FlowControl;
import dev.faust4j.internal.topic.TopicImpl;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;
import dev.faust4j.time.Ticker;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker's one consumer and its poll loop, on one platform thread that never runs user code.
 *
 * <p>Design. Each turn: apply new subscriptions ({@link Router}), resume drained partitions and pause all during a
 * send outage ({@link FlowControl}), poll, hand the records to the subscriptions ({@link Delivery}), commit when
 * due ({@link Committer}). Rebalance callbacks run inside the poll ({@link Rebalancer}). On stop: mark every
 * partition revoked, close the subscriptions (buffered events are dropped, to be fetched again), let the events
 * being processed finish within the grace period, commit what is acked, close the consumer. Data flows one way:
 * nothing here is called from a reader's thread except the thread-safe requests ({@link #register},
 * {@link #requestCommit}, {@link #requestResume}, {@link #requestStop}).
 *
 * <p>Thread-safety: the request methods are thread-safe; the loop is confined to its thread.
 */
public final class Conductor {
    private static final Logger log = LoggerFactory.getLogger(Conductor.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** Records kept back during an exactly-once commit before fetching pauses. */
    private static final int HOLD_LIMIT = 8_192;

    /** The Conductor's configuration and the few things it needs from the app; no transactions: at-least-once. */
    public record Config(String appId, Ticker ticker, Duration commitInterval, int commitEvery, Duration grace,
                         int maxRecordBytes, Supplier<TransportConsumer> consumer, Runnable flushProducer,
                         BooleanSupplier sendOutage, Runnable closeSubscriptions, Consumer<Throwable> onFailure,
                         @Nullable Transactions transactions, PartitionState partitionState, Sensors sensors,
                         Consumer<AppState> phase) {}

    private final Config config;
    private final Router router;
    private volatile TransportConsumer consumer;
    private volatile Thread thread;
    private volatile boolean stopRequested;
    private volatile CommitProtocol committer;
    private volatile @Nullable Progress progress;
    /** Where the poll loop is: REBALANCING, RECOVERING or RUNNING (poll thread only). */
    private AppState phase = AppState.STARTING;

    public Conductor(Config config, ErrorHandling handling) {
        this.config = config;
        this.router = new Router(config.maxRecordBytes(), handling);
    }

    /** Registers a subscription of a topic; thread-safe, takes effect before the next poll (may rebalance). */
    public void register(TopicImpl<?, ?> topic, Subscription subscription, ErrorPolicy readerPolicy) {
        router.register(topic, subscription, readerPolicy);
        wakeup();
    }

    /** Creates the consumer and starts the poll thread. */
    public void start() {
        consumer = config.consumer().get();
        Thread t = Thread.ofPlatform().name("faust4j-conductor-" + config.appId()).daemon(false).unstarted(this::run);
        thread = t;
        t.start();
    }

    public void requestStop() {
        stopRequested = true;
        wakeup();
    }

    public void requestCommit() {
        CommitProtocol c = committer;
        if (c != null) {
            c.request();
            wakeup();
        }
    }

    /** Exactly-once: abort the open transaction and rewind at the next turn; false when not exactly-once. */
    public boolean requestAbort(String cause) {
        CommitProtocol c = committer;
        if (c instanceof ExactlyOnceCommitter eos) {
            eos.requestAbort(cause);
            wakeup();
            return true;
        }
        return false;
    }

    /** A paused subscription drained to its low mark: wake the loop, which resumes its partitions. */
    public void requestResume() {
        wakeup();
    }

    /** Waits for the poll thread to end (it ends once stop was requested and the grace period is over). */
    public void join(Duration timeout) throws InterruptedException {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            t.join(timeout.plusSeconds(30));
        }
    }

    /**
     * The records of this worker's partitions not committed yet, per partition; {@code ends} asks the broker for
     * partitions' ends (on the caller's thread). Empty before the first assignment.
     */
    public Map<Partition, Long> lag(Function<Collection<TopicPartition>, Map<TopicPartition, Long>> ends) {
        Progress p = progress;
        if (p == null) {
            return Map.of();
        }
        Progress.Snapshot s = p.snapshot();
        return s.committed().isEmpty() ? Map.of() : s.lag(ends.apply(s.committed().keySet()));
    }

    /** Records fetched since start (about a second old). */
    public long fetched() {
        Progress p = progress;
        return p == null ? 0 : p.snapshot().fetched();
    }

    /** How many partitions are paused (about a second old). */
    public int paused() {
        Progress p = progress;
        return p == null ? 0 : p.snapshot().paused();
    }

    public boolean isPollThread() {
        return Thread.currentThread() == thread;
    }

    private void wakeup() {
        TransportConsumer c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    private void run() {
        Assignment assignment = new Assignment(config.sensors().enabled() ? config.sensors() : null);
        FlowControl flow = new FlowControl(consumer, assignment, config.sensors());
        Runnable dropStale = () -> router.subscriptions().forEach(Subscription::dropStale);
        HeldRecords held = new HeldRecords(consumer);
        CommitProtocol commits = config.transactions() == null
                ? new Committer(consumer, assignment, config.ticker(), config.commitInterval(), config.commitEvery(),
                        () -> {
                            config.partitionState().committing(); // the write caches' records, before the flush
                            config.flushProducer().run();
                        }, this::wakeup, dropStale, config.grace(),
                        config.partitionState()::committed, config.sensors())
                : new ExactlyOnceCommitter(config.appId(), consumer, assignment, config.ticker(),
                        config.commitInterval(), config.commitEvery(), config.transactions(), flow::hold, held,
                        dropStale, config.grace(), config.partitionState()::released,
                        tps -> {
                            var unused = config.partitionState().assigned(tps);
                            config.partitionState().awaitRestored(); // a rewind restores in place, records held
                        }, config.partitionState()::committed,
                        config.partitionState()::committing, config.sensors());
        committer = commits;
        Rebalancer rebalancer = new Rebalancer(config.appId(), consumer, assignment, flow, commits,
                config.partitionState(), config.sensors(), this::phase, new PartitionWatcher() {
                    @Override
                    public void assigned(Collection<TopicPartition> partitions) {
                        router.subscriptions().forEach(sub -> sub.assigned(partitions));
                    }

                    @Override
                    public void released(Collection<TopicPartition> partitions) {
                        router.subscriptions().forEach(sub -> sub.released(partitions));
                    }

                    @Override
                    public void closed() {
                        // subscriptions tell their own watchers when they close
                    }
                });
        Progress tracker = new Progress(config.appId(), config.ticker(), assignment, flow);
        progress = tracker;
        Delivery delivery = new Delivery(router, assignment, flow, config.sensors(), tracker);
        try {
            while (!stopRequested) {
                subscribeNew(flow, rebalancer);
                if (phase == AppState.STARTING && router.isEmpty()) {
                    phase(AppState.RUNNING); // no topic to read: nothing to wait for
                }
                flow.resumeDrained();
                flow.outage(config.sendOutage().getAsBoolean());
                flow.stateFull(config.partitionState().overBudget());
                if (router.isEmpty()) {
                    LockSupport.parkNanos(POLL_TIMEOUT.toNanos());
                } else {
                    List<PartitionRecords> polled = consumer.poll(commits.pollTimeout(POLL_TIMEOUT));
                    if (!polled.isEmpty() && !stopRequested) {
                        if (commits.holdsDelivery()) {
                            held.add(polled);
                            if (held.size() >= HOLD_LIMIT) {
                                flow.hold(true); // resumed when the commit is done
                            }
                        } else {
                            delivery.deliver(polled);
                        }
                    }
                }
                if (!flow.restoring().isEmpty()) {
                    flow.restored(config.partitionState().ready(flow.restoring()));
                    if (flow.restoring().isEmpty() && phase == AppState.RECOVERING) {
                        phase(AppState.RUNNING);
                    }
                }
                tracker.tick(phase);
                commits.maybeCommit();
                if (!held.isEmpty() && !commits.holdsDelivery()) {
                    held.deliverTo(delivery);
                }
            }
        } catch (Throwable t) {
            log.error("The Conductor of app {} failed; stopping the worker", config.appId(), t);
            config.onFailure().accept(t);
        } finally {
            shutdown(assignment, rebalancer);
        }
    }

    private void subscribeNew(FlowControl flow, Rebalancer rebalancer) {
        List<Router.Registered> added = router.applyPending();
        if (added.isEmpty()) {
            return;
        }
        for (Router.Registered r : added) {
            flow.track(r.subscription(), r.topics());
        }
        log.info("app {} subscribes to {}", config.appId(), new TreeSet<>(router.topicNames()));
        rebalancer.started(List.of()); // the group hands out (new) partitions: a rebalance
        consumer.subscribe(List.copyOf(router.topicNames()), rebalancer);
    }

    private void phase(AppState next) {
        if (phase != next) {
            phase = next;
            config.phase().accept(next);
        }
    }

    private void shutdown(Assignment assignment, Rebalancer rebalancer) {
        try {
            config.closeSubscriptions().run();
            rebalancer.release(new ArrayList<PartitionTracker>(assignment.all()), true);
        } catch (Throwable t) {
            log.error("Error while stopping the Conductor of app {}", config.appId(), t);
        } finally {
            consumer.close();
        }
    }
}
