package dev.faust4j.internal.conductor;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.codec.Codec;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.internal.route.Route;
import dev.faust4j.internal.topic.TopicImpl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Which subscriptions each topic feeds, grouped so that a record is decoded once per codec pair.
 *
 * <p>Design. Streams register from any thread ({@link #register}); the poll thread applies the registrations
 * before its next poll ({@link #applyPending}), so a subscription receives every record fetched from then on. Per
 * topic name, subscriptions sharing key codec, value codec and decode policy form a {@link Group}; each
 * (group, subscription) pair has its {@link Route}, which the events carry.
 *
 * <p>Thread-safety: {@link #register} is thread-safe; everything else is the poll thread's.
 */
final class Router {
    private final ConcurrentLinkedQueue<Registration> pending = new ConcurrentLinkedQueue<>();
    private final Map<String, TopicRoute> routes = new HashMap<>();
    private final Map<Subscription, Target> targets = new LinkedHashMap<>();
    private final int maxRecordBytes;
    private final ErrorHandling handling;

    private record Registration(TopicImpl<?, ?> topic, Subscription subscription, ErrorPolicy readerPolicy) {}

    /** The subscriptions of one topic name. */
    static final class TopicRoute {
        final List<Group> groups = new ArrayList<>();
        int deliveries;
    }

    /** Subscriptions of one topic sharing codecs and decode policy: a record is decoded once for all of them. */
    static final class Group {
        final Codec<?> keyCodec;
        final Codec<?> valueCodec;
        final ErrorPolicy decodePolicy;
        final List<Target> targets = new ArrayList<>();
        final List<Route> routes = new ArrayList<>();

        Group(Codec<?> keyCodec, Codec<?> valueCodec, ErrorPolicy decodePolicy) {
            this.keyCodec = keyCodec;
            this.valueCodec = valueCodec;
            this.decodePolicy = decodePolicy;
        }

        boolean matches(TopicImpl<?, ?> t) {
            return keyCodec.equals(t.keyCodec()) && valueCodec.equals(t.valueCodec())
                    && decodePolicy.equals(t.decodeErrorPolicy());
        }
    }

    /** A subscription and the events staged for it during the poll being delivered. */
    static final class Target {
        final Subscription subscription;
        final ArrayList<EventImpl<?, ?>> staged = new ArrayList<>();

        Target(Subscription subscription) {
            this.subscription = subscription;
        }
    }

    Router(int maxRecordBytes, ErrorHandling handling) {
        this.maxRecordBytes = maxRecordBytes;
        this.handling = handling;
    }

    /** Registers a subscription of a topic; takes effect before the next poll. Thread-safe. */
    void register(TopicImpl<?, ?> topic, Subscription subscription, ErrorPolicy readerPolicy) {
        pending.add(new Registration(topic, subscription, readerPolicy));
    }

    /** Applies new registrations; returns the topics they added, each also declared (empty when none). */
    List<Registered> applyPending() {
        List<Registered> added = new ArrayList<>();
        Registration r;
        while ((r = pending.poll()) != null) {
            TopicImpl<?, ?> topic = r.topic();
            topic.declare();
            Target target = targets.computeIfAbsent(r.subscription(), Target::new);
            for (String name : topic.names()) {
                TopicRoute tr = routes.computeIfAbsent(name, n -> new TopicRoute());
                Group group = null;
                for (Group g : tr.groups) {
                    if (g.matches(topic)) {
                        group = g;
                    }
                }
                if (group == null) {
                    group = new Group(topic.keyCodec(), topic.valueCodec(), topic.decodeErrorPolicy());
                    tr.groups.add(group);
                }
                group.targets.add(target);
                group.routes
                        .add(new Route(topic.keyCodec(), topic.valueCodec(), maxRecordBytes, topic.decodeErrorPolicy(),
                                r.readerPolicy(), r.subscription(), handling));
                tr.deliveries++;
            }
            added.add(new Registered(r.subscription(), topic.names()));
        }
        return added;
    }

    /** A subscription just registered, and the topic names it reads. */
    record Registered(Subscription subscription, List<String> topics) {}

    TopicRoute route(String topic) {
        return routes.get(topic);
    }

    Set<String> topicNames() {
        return routes.keySet();
    }

    boolean isEmpty() {
        return routes.isEmpty();
    }

    /** Every subscription fed by the Conductor. */
    Iterable<Subscription> subscriptions() {
        return targets.keySet();
    }
}
