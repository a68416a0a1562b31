package dev.faust4j.internal.conductor;

import dev.faust4j.internal.ack.Assignment;
import dev.faust4j.internal.ack.Message;
import dev.faust4j.internal.ack.PartitionTracker;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.flow.FlowControl;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.internal.route.Route;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.PartitionRecords;

import java.util.ArrayList;
import java.util.List;

/**
 * The hot path: one poll's records into the subscriptions' buffers.
 *
 * <p>Design. For each record: create its {@link Message} with the number of subscriptions of its topic, append it
 * to its partition's tracker (it is in flight from now on), and stage one {@link EventImpl} per subscription;
 * after the whole poll each subscription receives its events with one {@code putAll} (one lock per subscription
 * per poll). Decoding: a group with one subscription that keeps up gets the record undecoded, and its reader
 * decodes it, in parallel with fetching; a group with several subscriptions, or one that is behind (its buffer at
 * the low mark or above: the reader is the bottleneck and this thread has time to spare), is decoded here, once.
 * So both threads share the decoding. A record that cannot be decoded here goes to its topic's decode policy and
 * never reaches a reader, except under a fail policy: then it is handed over undecoded, so that the worker stops
 * when a reader reaches it, with every record before it processed. No lock, no log, one allocation per record and delivery.
 *
 * <p>Thread-safety: poll thread only.
 */
final class Delivery {
    private final Router router;
    private final Assignment assignment;
    private final FlowControl flow;
    private final List<Router.Target> touched = new ArrayList<>();
    private final Sensors sensors;
    private final Progress progress;

    Delivery(Router router, Assignment assignment, FlowControl flow, Sensors sensors, Progress progress) {
        this.sensors = sensors;
        this.progress = progress;
        this.router = router;
        this.assignment = assignment;
        this.flow = flow;
    }

    void deliver(List<PartitionRecords> polled) {
        for (int b = 0, bn = polled.size(); b < bn; b++) {
            PartitionRecords batch = polled.get(b);
            PartitionTracker tracker = assignment.get(batch.partition());
            Router.TopicRoute route = router.route(batch.partition().topic());
            if (tracker == null || route == null) {
                continue; // not ours any more (revoked during this poll)
            }
            List<ConsumedRecord> records = batch.records();
            progress.fetched(records.size());
            if (sensors.enabled()) {
                for (int i = 0, n = records.size(); i < n; i++) {
                    ConsumedRecord r = records.get(i);
                    sensors.onMessageIn(r.topic(), r.partition(), r.offset(), r.timestamp());
                }
            }
            for (int i = 0, n = records.size(); i < n; i++) {
                Message m = new Message(records.get(i), tracker.lease(), route.deliveries);
                tracker.add(m);
                List<Router.Group> groups = route.groups;
                for (int g = 0, gn = groups.size(); g < gn; g++) {
                    deliver(m, groups.get(g));
                }
            }
        }
        for (int t = 0, tn = touched.size(); t < tn; t++) {
            Router.Target target = touched.get(t);
            int after = target.subscription.putAll(target.staged);
            target.staged.clear();
            flow.filled(target.subscription, after);
        }
        touched.clear();
        for (int b = 0, bn = polled.size(); b < bn; b++) {
            PartitionTracker t = assignment.get(polled.get(b).partition());
            if (t != null) {
                t.prune();
            }
        }
    }

    private void deliver(Message m, Router.Group group) {
        List<Router.Target> targets = group.targets;
        List<Route> routes = group.routes;
        int n = targets.size();
        if (n == 1 && !targets.getFirst().subscription.backlogged()) {
            stage(targets.getFirst(), new EventImpl<>(m, routes.getFirst()));
            return;
        }
        Route first = routes.getFirst();
        ConsumedRecord r = m.record();
        Object key;
        Object value;
        try {
            key = first.decodeKey(r);
            value = first.decodeValue(r);
        } catch (RuntimeException e) {
            if (first.failsOnDecodeError()) {
                // fail must stop the worker where the reader is, not where this thread has read ahead to: the
                // readers meet the record in order, decode it again and apply the policy there
                for (int i = 0; i < n; i++) {
                    stage(targets.get(i), new EventImpl<>(m, routes.get(i)));
                }
                return;
            }
            List<EventImpl<?, ?>> deliveries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                deliveries.add(new EventImpl<>(m, routes.get(i), null, null));
            }
            first.decodeFailed(deliveries, e);
            return;
        }
        for (int i = 0; i < n; i++) {
            stage(targets.get(i), new EventImpl<>(m, routes.get(i), key, value));
        }
    }

    private void stage(Router.Target target, EventImpl<?, ?> event) {
        if (target.staged.isEmpty()) {
            touched.add(target);
        }
        target.staged.add(event);
    }
}
