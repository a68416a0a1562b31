package dev.faust4j.internal;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.Settings;
import dev.faust4j.codec.Codec;
import dev.faust4j.spi.CommitFailedException;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.Header;
import dev.faust4j.spi.PartitionRecords;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.RebalanceListener;
import dev.faust4j.spi.TopicPartition;
import dev.faust4j.spi.TransportConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The worker's one consumer and its Conductor, on one platform thread that never runs user code.
 *
 * <p>Design. Each loop: apply new subscriptions, resume drained partitions, poll, deliver, commit when due.
 * Delivery of one record: create its {@link Message} with the number of subscriptions of its topic, append it
 * to the partition's {@link PartitionTracker} (it is in flight from now on), and stage one {@link EventImpl} per
 * subscription; after the whole poll, each subscription receives its events in one {@link Subscription#putAll}.
 * Key and value are decoded once per distinct codec pair: here when the record has several subscribers, or one
 * that is behind (its buffer at the low mark or above: the agent is the bottleneck and this thread has time to
 * spare); otherwise on the agent's thread, in parallel with polling. The two threads thereby share the decoding
 * when either would be the bottleneck alone. A subscription over 80 % full pauses the partitions of its topics,
 * and only those. A record that cannot be decoded is handled by its topic's {@link ErrorPolicy} and never
 * reaches user code.
 *
 * <p>Commits (every interval, every N acks, on agent error, on revoke, on stop): for each partition the oldest
 * offset in flight, or the consumer position when nothing is; only forward; producer flushed first, so every
 * send caused by a record is durable before its offset is committed. The periodic commit never blocks the poll
 * loop: the flush runs on another thread, then the commit is made asynchronously (one at a time, result on this
 * thread); revoke and stop flush and commit synchronously. A failed commit is logged and retried at the next
 * one. A send that failed (after being accepted) stops the worker before any further commit.
 *
 * <p>Rebalance: on revoke, stop delivering the partitions, drop their buffered events, wait (bounded) for
 * the events being processed, commit what is acked, forget them; on assign, start tracking at the consumer's
 * position and re-apply pauses; on lost, forget without committing.
 */
final class Conductor implements RebalanceListener {
    private static final Logger log = LoggerFactory.getLogger(Conductor.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final AppRuntime app;
    private final Settings settings;
    private final LongAdder acks = new LongAdder();
    private final ConcurrentLinkedQueue<Route> pending = new ConcurrentLinkedQueue<>();
    private final Map<String, TopicRoute> routes = new HashMap<>();
    private final Map<TopicPartition, PartitionTracker> trackers = new LinkedHashMap<>();
    private final Set<TopicPartition> paused = new HashSet<>();
    private final List<Subscription> subscriptions = new ArrayList<>();
    private final Map<Subscription, Set<String>> subscriptionTopics = new IdentityHashMap<>();
    private TransportConsumer consumer;
    private Thread thread;
    private volatile boolean stopRequested;
    private volatile boolean resumeRequested;
    private volatile boolean commitRequested;
    private long lastCommitNanos;
    private long acksAtLastCommit;
    private Map<TopicPartition, Long> flushing; // offsets waiting for their producer flush (poll thread)
    private volatile boolean flushed;
    private boolean commitInFlight; // an asynchronous commit awaits its callback (poll thread)

    /** A subscription of a topic, as registered by a stream. */
    record Route(TopicImpl<?, ?> topic, Subscription subscription) {}

    /** Subscriptions of one topic name, grouped by codec pair so each record is decoded once per pair. */
    private static final class TopicRoute {
        final List<Group> groups = new ArrayList<>();
        int deliveries;
    }

    static final class Group {
        final TopicImpl<?, ?> topic;
        final Codec<?> keyCodec;
        final Codec<?> valueCodec;
        final List<Subscription> subs = new ArrayList<>();

        Group(TopicImpl<?, ?> topic) {
            this.topic = topic;
            this.keyCodec = topic.keyCodec();
            this.valueCodec = topic.valueCodec();
        }
    }

    Conductor(AppRuntime app) {
        this.app = app;
        this.settings = app.settings();
    }

    LongAdder acks() {
        return acks;
    }

    /** Registers a subscription of a topic; thread-safe, takes effect at the next loop (may rebalance). */
    void register(TopicImpl<?, ?> topic, Subscription subscription) {
        pending.add(new Route(topic, subscription));
        wakeup();
    }

    void start() {
        consumer = app.transport().createConsumer();
        lastCommitNanos = settings.ticker().nanoTime();
        thread = Thread.ofPlatform().name("faust4j-conductor-" + settings.id()).daemon(false).unstarted(this::run);
        thread.start();
    }

    void requestStop() {
        stopRequested = true;
        wakeup();
    }

    void requestCommit() {
        commitRequested = true;
        wakeup();
    }

    void requestResume() {
        resumeRequested = true;
        wakeup();
    }

    void join(Duration timeout) throws InterruptedException {
        if (thread != null && thread != Thread.currentThread()) {
            thread.join(timeout.plusSeconds(30));
        }
    }

    boolean isConductorThread() {
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
        try {
            while (!stopRequested) {
                applyPending();
                resumeDrained();
                if (routes.isEmpty()) {
                    LockSupport.parkNanos(POLL_TIMEOUT.toNanos());
                } else {
                    List<PartitionRecords> polled = consumer.poll(POLL_TIMEOUT);
                    if (!polled.isEmpty() && !stopRequested) {
                        deliver(polled);
                    }
                }
                maybeCommit();
            }
        } catch (Throwable t) {
            log.error("The Conductor of app {} failed; stopping the worker", settings.id(), t);
            app.fail("conductor failure: " + t);
        } finally {
            shutdown();
        }
    }

    private void applyPending() {
        Route r;
        boolean changed = false;
        while ((r = pending.poll()) != null) {
            r.topic().declare();
            Subscription sub = r.subscription();
            subscriptions.add(sub);
            Set<String> names = subscriptionTopics.computeIfAbsent(sub, s -> new HashSet<>());
            for (String name : r.topic().names()) {
                names.add(name);
                TopicRoute tr = routes.computeIfAbsent(name, n -> new TopicRoute());
                Group g = null;
                for (Group candidate : tr.groups) {
                    if (candidate.keyCodec == r.topic().keyCodec() && candidate.valueCodec == r.topic().valueCodec()
                            && candidate.topic.decodeErrorPolicy().equals(r.topic().decodeErrorPolicy())) {
                        g = candidate;
                    }
                }
                if (g == null) {
                    g = new Group(r.topic());
                    tr.groups.add(g);
                }
                g.subs.add(sub);
                tr.deliveries++;
                changed = true;
            }
        }
        if (changed) {
            log.info("app {} subscribes to {}", settings.id(), new TreeSet<>(routes.keySet()));
            consumer.subscribe(List.copyOf(routes.keySet()), this);
        }
    }

    // ---- delivery (the hot path) ----

    private void deliver(List<PartitionRecords> polled) {
        List<Subscription> touched = null;
        for (PartitionRecords batch : polled) {
            TopicPartition tp = batch.partition();
            PartitionTracker tracker = trackers.get(tp);
            TopicRoute route = routes.get(tp.topic());
            if (tracker == null || route == null) {
                continue; // not ours any more (revoked during this poll)
            }
            List<ConsumedRecord> records = batch.records();
            for (int i = 0, n = records.size(); i < n; i++) {
                ConsumedRecord r = records.get(i);
                Message m = new Message(r, tracker, route.deliveries);
                tracker.add(m);
                List<Group> groups = route.groups;
                for (int g = 0, gn = groups.size(); g < gn; g++) {
                    Group group = groups.get(g);
                    List<Subscription> subs = group.subs;
                    if (subs.size() == 1 && !subs.get(0).backlogged()) {
                        // one subscriber keeping up: decode on the agent's side of the hand-off (the agent
                        // thread), in parallel with fetching; errors follow the same policy there. When it is
                        // behind (backlogged), this thread has time to spare and decodes below instead.
                        Subscription sub = subs.get(0);
                        if (sub.staged.isEmpty()) {
                            if (touched == null) {
                                touched = new ArrayList<>();
                            }
                            touched.add(sub);
                        }
                        sub.staged.add(new EventImpl<>(m, group, this));
                        continue;
                    }
                    Object key;
                    Object value;
                    try {
                        key = decodeKey(group, r);
                        value = decodeValue(group, r);
                    } catch (RuntimeException e) {
                        decodeError(group, m, e);
                        continue;
                    }
                    for (int s = 0, sn = subs.size(); s < sn; s++) {
                        Subscription sub = subs.get(s);
                        if (sub.staged.isEmpty()) {
                            if (touched == null) {
                                touched = new ArrayList<>();
                            }
                            touched.add(sub);
                        }
                        sub.staged.add(new EventImpl<>(m, key, value));
                    }
                }
            }
        }
        if (touched != null) {
            for (Subscription sub : touched) {
                int after = sub.putAll(sub.staged);
                sub.staged.clear();
                if (after >= sub.high && !sub.pausedFull) {
                    sub.pausedFull = true;
                    applyPauses();
                }
            }
        }
        for (PartitionRecords batch : polled) {
            PartitionTracker t = trackers.get(batch.partition());
            if (t != null) {
                t.prune();
            }
        }
    }

    Object decodeKey(Group group, ConsumedRecord r) {
        if (r.serializedSize() > settings.maxRecordBytes()) {
            throw new dev.faust4j.codec.DecodeException("record of " + r.serializedSize()
                    + " bytes exceeds maxRecordBytes=" + settings.maxRecordBytes());
        }
        return r.key() == null ? null : group.keyCodec.decode(r.key());
    }

    Object decodeValue(Group group, ConsumedRecord r) {
        if (r.value() == null) {
            throw new dev.faust4j.codec.DecodeException("value is null (a tombstone); "
                    + group.valueCodec.name() + " codec expects " + group.valueCodec.type().getSimpleName());
        }
        return group.valueCodec.decode(r.value());
    }

    /** A lazily decoded delivery failed to decode (on an agent thread): apply the topic's policy to it. */
    void decodeError(Group group, EventImpl<?, ?> event, RuntimeException e) {
        ConsumedRecord r = event.message.record;
        String where = "topic=" + r.topic() + " partition=" + r.partition() + " offset=" + r.offset();
        switch (group.topic.decodeErrorPolicy()) {
            case ErrorPolicy.Skip s -> {
                log.warn("Skipping a record that cannot be decoded ({}): {}", where, e.toString());
                event.ack();
            }
            case ErrorPolicy.DeadLetter d -> {
                log.warn("Sending a record that cannot be decoded to dead-letter topic {} ({}): {}", d.topic(), where, e.toString());
                app.deadLetter(d.topic(), r, e).whenComplete((md, err) -> {
                    if (err == null) {
                        event.ack();
                    } else {
                        event.drop();
                    }
                });
            }
            case ErrorPolicy.Fail f -> {
                log.error("Stopping: a record cannot be decoded and the policy is fail ({}): {}", where, e.toString());
                event.drop();
                app.fail("undecodable record at " + where);
            }
        }
    }

    private void decodeError(Group group, Message m, RuntimeException e) {
        ConsumedRecord r = m.record;
        ErrorPolicy policy = group.topic.decodeErrorPolicy();
        int n = group.subs.size();
        String where = "topic=" + r.topic() + " partition=" + r.partition() + " offset=" + r.offset();
        switch (policy) {
            case ErrorPolicy.Skip s -> {
                log.warn("Skipping a record that cannot be decoded ({}): {}", where, e.toString());
                for (int i = 0; i < n; i++) {
                    m.ack();
                }
            }
            case ErrorPolicy.DeadLetter d -> {
                log.warn("Sending a record that cannot be decoded to dead-letter topic {} ({}): {}", d.topic(), where, e.toString());
                app.deadLetter(d.topic(), r, e).whenComplete((md, err) -> {
                    for (int i = 0; i < n; i++) {
                        if (err == null) {
                            m.ack();
                        } else {
                            m.drop();
                        }
                    }
                });
            }
            case ErrorPolicy.Fail f -> {
                log.error("Stopping: a record cannot be decoded and the policy is fail ({}): {}", where, e.toString());
                for (int i = 0; i < n; i++) {
                    m.drop();
                }
                app.fail("undecodable record at " + where);
            }
        }
    }

    // ---- flow control ----

    private void applyPauses() {
        Set<TopicPartition> want = new HashSet<>();
        for (Subscription sub : subscriptions) {
            if (sub.pausedFull) {
                for (String topic : subscriptionTopics.getOrDefault(sub, Set.of())) {
                    for (TopicPartition tp : trackers.keySet()) {
                        if (tp.topic().equals(topic)) {
                            want.add(tp);
                        }
                    }
                }
            }
        }
        List<TopicPartition> toPause = new ArrayList<>();
        for (TopicPartition tp : want) {
            if (paused.add(tp)) {
                toPause.add(tp);
            }
        }
        List<TopicPartition> toResume = new ArrayList<>();
        for (TopicPartition tp : List.copyOf(paused)) {
            if (!want.contains(tp)) {
                paused.remove(tp);
                toResume.add(tp);
            }
        }
        if (!toPause.isEmpty()) {
            consumer.pause(toPause);
        }
        if (!toResume.isEmpty()) {
            consumer.resume(toResume);
        }
    }

    private void resumeDrained() {
        boolean any = resumeRequested;
        resumeRequested = false;
        if (paused.isEmpty() && !any) {
            return;
        }
        boolean changed = false;
        for (Subscription sub : subscriptions) {
            if (sub.pausedFull && sub.size() <= sub.low) {
                sub.pausedFull = false;
                changed = true;
            }
        }
        if (changed) {
            applyPauses();
        }
    }

    // ---- commits ----

    private void maybeCommit() {
        if (flushing != null && flushed) {
            Map<TopicPartition, Long> snapshot = flushing;
            flushing = null;
            flushed = false;
            commitFlushed(snapshot, true);
        }
        long now = settings.ticker().nanoTime();
        long ackCount = acks.sum();
        boolean due = commitRequested
                || now - lastCommitNanos >= settings.commitInterval().toNanos()
                || ackCount - acksAtLastCommit >= settings.commitEvery();
        if (due && flushing == null && !commitInFlight) {
            commitRequested = false;
            lastCommitNanos = now;
            acksAtLastCommit = ackCount;
            Map<TopicPartition, Long> offsets = committable(trackers.values());
            if (!offsets.isEmpty()) {
                // Every record below these offsets is acked now, so every send it caused was issued before
                // this point: a flush started now covers them. The flush runs off the poll thread, which keeps
                // polling; the commit follows at the first loop after the flush completed.
                flushing = offsets;
                app.producerFlushAsync(() -> {
                    flushed = true;
                    wakeup();
                });
            }
        }
    }

    private Map<TopicPartition, Long> committable(Collection<PartitionTracker> which) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (PartitionTracker t : which) {
            long c = t.committable(consumer.position(t.partition));
            if (c > t.committed) {
                offsets.put(t.partition, c);
            }
        }
        return offsets;
    }

    /** Synchronous commit (revoke, stop): flush, then commit. */
    private void commit(Collection<PartitionTracker> which) {
        Map<TopicPartition, Long> offsets = committable(which);
        if (offsets.isEmpty()) {
            return;
        }
        app.producerFlush();
        commitFlushed(offsets, false);
    }

    /**
     * Commits offsets whose sends are flushed, for the partitions still owned, only forward. The periodic commit
     * is asynchronous (the poll loop does not wait on the coordinator; one commit in flight at a time); revoke and
     * stop commit synchronously.
     */
    private void commitFlushed(Map<TopicPartition, Long> snapshot, boolean async) {
        Throwable sendFailure = app.sendFailure();
        if (sendFailure != null) {
            log.error("Not committing {}: a record sent while processing failed ({}); stopping the worker", snapshot.keySet(), sendFailure.toString());
            app.fail("send failed: " + sendFailure);
            return;
        }
        Map<TopicPartition, Long> offsets = new HashMap<>();
        snapshot.forEach((tp, c) -> {
            PartitionTracker t = trackers.get(tp);
            if (t != null && c > t.committed) {
                offsets.put(tp, c);
            }
        });
        if (offsets.isEmpty()) {
            return;
        }
        if (async) {
            commitInFlight = true;
            consumer.commitAsync(offsets, failure -> {
                commitInFlight = false;
                committed(offsets, failure);
            });
            return;
        }
        try {
            consumer.commit(offsets);
            committed(offsets, null);
        } catch (CommitFailedException e) {
            committed(offsets, e);
        }
    }

    private void committed(Map<TopicPartition, Long> offsets, CommitFailedException failure) {
        if (failure != null) {
            log.warn("Commit of {} partitions failed, will retry at the next commit: {}", offsets.size(), failure.getMessage());
            return;
        }
        offsets.forEach((tp, c) -> {
            PartitionTracker t = trackers.get(tp); // gone when revoked meanwhile
            if (t != null && c > t.committed) {
                t.committed = c;
            }
        });
        if (log.isDebugEnabled()) {
            log.debug("committed {}", offsets);
        }
    }

    // ---- rebalance callbacks (poll thread, from inside poll) ----

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            trackers.put(tp, new PartitionTracker(tp, acks, consumer.position(tp)));
        }
        log.info("app {} assigned {}", settings.id(), partitions);
        applyPauses();
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        log.info("app {} revoking {}", settings.id(), partitions);
        release(partitions, true, settings.shutdownGracePeriod());
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        log.warn("app {} lost {} (not committing)", settings.id(), partitions);
        release(partitions, false, Duration.ZERO);
    }

    private void release(Collection<TopicPartition> partitions, boolean commit, Duration wait) {
        List<PartitionTracker> released = new ArrayList<>();
        for (TopicPartition tp : partitions) {
            PartitionTracker t = trackers.get(tp);
            if (t != null) {
                t.revoked = true;
                released.add(t);
            }
        }
        for (Subscription sub : subscriptions) {
            sub.dropStale();
        }
        awaitSettled(released, wait);
        if (commit) {
            commit(released);
        }
        for (PartitionTracker t : released) {
            trackers.remove(t.partition);
            paused.remove(t.partition);
        }
    }

    private void awaitSettled(List<PartitionTracker> which, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            boolean settled = true;
            for (PartitionTracker t : which) {
                if (!t.settled()) {
                    settled = false;
                    break;
                }
            }
            if (settled) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                for (PartitionTracker t : which) {
                    long oldest = t.oldestInFlight();
                    if (oldest >= 0 && !t.settled()) {
                        log.warn("Gave up waiting for events of {} being processed; committing below offset {}", t.partition, oldest);
                    }
                }
                return;
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    private void shutdown() {
        try {
            List<PartitionTracker> all = new ArrayList<>(trackers.values());
            for (PartitionTracker t : all) {
                t.revoked = true;
            }
            app.closeSubscriptions();
            awaitSettled(all, settings.shutdownGracePeriod());
            if (consumer != null && !app.failed()) {
                commit(all);
            }
        } catch (Throwable t) {
            log.error("Error while stopping the Conductor of app {}", settings.id(), t);
        } finally {
            if (consumer != null) {
                consumer.close();
            }
        }
    }

    /** Builds the dead-letter record: original bytes, plus headers naming the origin and the error. */
    static ProducedRecord deadLetterRecord(String dlq, ConsumedRecord r, Throwable error) {
        List<Header> headers = new ArrayList<>(r.headers());
        headers.add(new Header("faust4j.dlq.topic", r.topic().getBytes(StandardCharsets.UTF_8)));
        headers.add(new Header("faust4j.dlq.partition", Integer.toString(r.partition()).getBytes(StandardCharsets.UTF_8)));
        headers.add(new Header("faust4j.dlq.offset", Long.toString(r.offset()).getBytes(StandardCharsets.UTF_8)));
        headers.add(new Header("faust4j.dlq.error.class", error.getClass().getName().getBytes(StandardCharsets.UTF_8)));
        String msg = String.valueOf(error.getMessage());
        if (msg.length() > 1024) {
            msg = msg.substring(0, 1024);
        }
        headers.add(new Header("faust4j.dlq.error.message", msg.getBytes(StandardCharsets.UTF_8)));
        return new ProducedRecord(dlq, null, r.timestamp(), r.key(), r.value(), List.copyOf(headers));
    }
}
