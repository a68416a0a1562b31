package dev.faust4j.internal.stream;

import dev.faust4j.Event;
import dev.faust4j.EventStream;
import dev.faust4j.Indexed;
import dev.faust4j.KeyValue;
import dev.faust4j.Topic;
import dev.faust4j.internal.buffer.Signal;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.event.StreamProbe;
import dev.faust4j.internal.event.InHand;
import dev.faust4j.internal.topic.SourceImpl;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * What every {@link EventStream} does, whatever feeds it: processors, iteration, acks, batches, and knowing what
 * is in hand when its reader fails.
 *
 * <p>Design. Everything is built on one step, {@link #poll}: the next event, decoded and processed (a filtered one
 * is acked at once), or null on timeout or end. A {@link TopicStream} polls its subscription, a
 * {@link CombinedStream} its inputs. The iterators ack what they handed out when the next element is asked for
 * (unless {@link #noack()}), so the stream always knows what is in hand: the event it yielded last ({@code current})
 * or a {@code take} batch; on a noack stream, every event handed out and not yet acked. The agent's supervisor
 * reads that after a failure ({@link SupervisedStream}), to apply the error policy or to hand the events again.
 * Iterators live in {@link Iteration}, batches in {@link Batches}, merging and forwarding in {@link CombinedStream}
 * and {@link Forwarding}: a stream reaches them through its context's operations, so none of them is its own
 * dependency. The stream binds itself to the iterating thread ({@link InHand}) so that sends made there
 * are tied to the events in hand.
 *
 * <p>Thread-safety: confined to the thread iterating it (a forwarder thread for the upstream of {@code through}).
 */
abstract class BaseStream<K, V> implements EventStream<K, V>, InHand {
    /** Returned by a processor (a filter) to drop the value. */
    static final Object SKIP = new Object();
    private static final Function<?, ?>[] NO_PROCESSORS = new Function<?, ?>[0];

    final StreamContext ctx;
    private Function<Object, Object>[] processors = cast(NO_PROCESSORS);
    private boolean acks = true;
    private boolean probed;
    private StreamProbe probe;
    /** The event in hand: its value was yielded last, or its processors are running. */
    EventImpl<K, V> current;
    private List<EventImpl<K, V>> batch = List.of();
    private final ArrayDeque<EventImpl<K, V>> owned = new ArrayDeque<>();
    /** Events the reader got past (it asked for more): how the supervisor sees progress. */
    long progress;
    /** The stream reading the topic this one forwards to ({@code through}/{@code groupBy}), or null. */
    BaseStream<K, V> next;
    /** How many times the agent function was started on this stream (a restart keeps its chain). */
    int runs;

    BaseStream(StreamContext ctx) {
        this.ctx = ctx;
    }

    /** The streams' one unchecked cast: values are typed by their topic's codecs and the stream's type parameters. */
    @SuppressWarnings({"unchecked", "TypeParameterUnusedInFormals"})
    static <T> T cast(Object o) {
        return (T) o;
    }

    /** True when a processor (a filter) dropped the value. */
    @SuppressWarnings("ReferenceEquality") // SKIP is a sentinel, compared by identity
    static boolean skipped(Object value) {
        return value == SKIP;
    }

    // ---- the step every stream implements ----

    /**
     * The next processed event (also left in {@link #current}), or null on timeout ({@code deadline} passed, or
     * {@code Subscription.NOW}) or when the stream has {@link #ended()}.
     */
    abstract EventImpl<K, V> poll(long deadline) throws InterruptedException;

    /** True once the stream has ended (the app stops, or its agent was stopped). */
    abstract boolean ended();

    /** Puts events read ahead but not handed out back into their subscriptions, in order. */
    abstract void giveBackUnread();

    /** Signals {@code s} whenever data arrives (this stream is an input of a combined stream). */
    abstract void registerSignal(Signal s);

    /** The topic or channel read, or null for a combined stream. */
    abstract SourceImpl<K, V> source();

    /** Runs the processors over a value: the value to yield, or {@link #SKIP}. */
    final Object process(Object value) {
        Object v = value;
        Function<Object, Object>[] ps = processors;
        for (int i = 0; i < ps.length && !skipped(v); i++) {
            v = ps[i].apply(v);
        }
        return v;
    }

    /** Hands out a processed event: it is in hand now, and owned by the reader on a noack stream. */
    final EventImpl<K, V> handOut(EventImpl<K, V> e, Object value) {
        e.yielded(value);
        if (!probed) {
            probed = true; // sensors are added before the worker starts, so before the first event
            probe = ctx.probe();
        }
        if (probe != null) {
            e.observe(probe);
        }
        current = e;
        if (!acks) {
            while (!owned.isEmpty() && owned.peekFirst().isAcked()) {
                owned.pollFirst();
            }
            owned.addLast(e);
        }
        return e;
    }

    // ---- configuration ----

    @Override
    public EventStream<K, V> processor(UnaryOperator<V> processor) {
        Objects.requireNonNull(processor, "processor");
        return addProcessor(v -> processor.apply(cast(v)));
    }

    @Override
    public EventStream<K, V> asyncProcessor(Function<? super V, ? extends CompletionStage<V>> processor) {
        Objects.requireNonNull(processor, "processor");
        return addProcessor(v -> {
            try {
                return processor.apply(cast(v)).toCompletableFuture().join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : e;
            }
        });
    }

    @Override
    public EventStream<K, V> filter(Predicate<? super V> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return addProcessor(v -> predicate.test(cast(v)) ? v : SKIP);
    }

    final EventStream<K, V> addProcessor(Function<Object, Object> f) {
        Function<Object, Object>[] grown = Arrays.copyOf(processors, processors.length + 1);
        grown[processors.length] = f;
        processors = grown;
        return this;
    }

    @Override
    public EventStream<K, V> noack() {
        acks = false;
        return this;
    }

    @Override
    public Event<K, V> currentEvent() {
        return current;
    }

    // ---- InHand ----

    @Override
    public EventImpl<?, ?> current() {
        return current;
    }

    @Override
    public List<? extends EventImpl<?, ?>> batch() {
        return batch;
    }

    /** Binds this stream to the iterating thread, so that sends made there are tied to its events in hand. */
    final void bindToThread() {
        InHand.bind(this);
    }

    // ---- acks and what is in hand ----

    /** The agent asks for the next element: ack the event in hand (unless noack) and count the progress. */
    final void release() {
        EventImpl<K, V> c = current;
        if (c != null) {
            current = null;
            progress++;
            if (acks) {
                c.ack();
            }
            c.finishTurn();
        }
    }

    /** The agent asks for the next batch: ack the batch in hand (unless noack). */
    final void releaseBatch() {
        List<EventImpl<K, V>> b = batch;
        batch = List.of();
        if (!b.isEmpty()) {
            progress++;
            if (acks) {
                b.forEach(EventImpl::ack);
            }
            b.forEach(EventImpl::finishTurn);
        }
    }

    /** The batch now in hand (being gathered, then yielded). */
    final void holdBatch(List<EventImpl<K, V>> events) {
        batch = events;
    }

    /**
     * The events in hand: the current one and a take batch; on a noack stream every event handed out and not yet
     * acked. Inputs of a combined stream add theirs.
     */
    void collectInHand(List<EventImpl<?, ?>> out) {
        if (!acks) {
            for (EventImpl<K, V> e : owned) {
                if (!e.isAcked() && !e.isFinished()) {
                    out.add(e);
                }
            }
        }
        for (EventImpl<K, V> e : batch) {
            if (!out.contains(e) && !e.isFinished()) {
                out.add(e);
            }
        }
        if (current != null && !out.contains(current) && !current.isFinished()) {
            out.add(current);
        }
    }

    /** Forgets what is in hand (its fate was decided by the error policy). */
    void forgetInHand() {
        if (current != null) {
            current.finishTurn();
        }
        batch.forEach(EventImpl::finishTurn);
        owned.forEach(EventImpl::finishTurn);
        current = null;
        batch = List.of();
        owned.clear();
    }

    /** True when the reader acks its own events ({@code noack()}). */
    final boolean readerAcks() {
        return !acks;
    }

    /**
     * Hands these events again, in order and ahead of everything else (retry, or a noack reader's unacked events
     * after it failed): first what was read ahead goes back, then these go in front of it.
     */
    final void handAgain(List<EventImpl<?, ?>> events) {
        giveBackUnread();
        Map<EventImpl.Route, List<EventImpl<?, ?>>> byRoute = new LinkedHashMap<>();
        boolean[] returned = new boolean[events.size()];
        for (int i = events.size() - 1; i >= 0; i--) { // each goes in front of the next: last first
            EventImpl<?, ?> e = events.get(i);
            e.takeBack();
            returned[i] = e.returnTurn(); // an instance behind a dispatcher gives it back there
        }
        for (int i = 0; i < returned.length; i++) {
            if (!returned[i]) {
                byRoute.computeIfAbsent(events.get(i).route(), r -> new ArrayList<>()).add(events.get(i));
            }
        }
        byRoute.forEach(EventImpl.Route::redeliver);
        // no longer in hand: another instance may hold them already, so this stream must not end their turns
        if (current != null && events.contains(current)) {
            current = null;
        }
        if (!batch.isEmpty() && events.containsAll(batch)) {
            batch = List.of();
        }
        owned.removeIf(events::contains);
    }

    /**
     * The agent function returned while holding an event (it broke out of its loop): as when Faust closes the
     * stream's generator, the event in hand (and a take batch) is acked unless acks are off; what was read ahead
     * goes back to the subscription.
     */
    void complete() {
        release();
        releaseBatch();
        giveBackUnread();
    }

    /** The stream the agent really iterates: the end of the through/groupBy chain. */
    final BaseStream<K, V> active() {
        BaseStream<K, V> s = this;
        while (s.next != null) {
            s = s.next;
        }
        return s;
    }

    // ---- iteration: the iterators live in Iteration, reached through the operations ----

    @Override
    public Iterator<V> iterator() {
        return ctx.ops().values(this);
    }

    @Override
    public Iterable<Event<K, V>> events() {
        return () -> ctx.ops().events(this);
    }

    @Override
    public Iterable<KeyValue<K, V>> items() {
        return () -> ctx.ops().items(this);
    }

    @Override
    public Iterable<Indexed<V>> enumerate(long start) {
        return () -> ctx.ops().enumerate(this, start);
    }

    @Override
    public Iterable<List<V>> take(int max) {
        return ctx.ops().take(this, max, null);
    }

    @Override
    public Iterable<List<V>> take(int max, Duration within) {
        Objects.requireNonNull(within, "within");
        return ctx.ops().take(this, max, within);
    }

    @Override
    public Iterable<List<Event<K, V>>> takeEvents(int max, Duration within) {
        Objects.requireNonNull(within, "within");
        return ctx.ops().takeEvents(this, max, within);
    }

    // ---- combining and forwarding ----

    @Override
    public EventStream<K, V> combine(EventStream<K, V> other) {
        return ctx.ops().combine(this, other);
    }

    /** True once iteration began (it subscribed). */
    abstract boolean started();

    @Override
    public EventStream<K, V> through(Topic<K, V> topic) {
        return ctx.ops().through(this, topic);
    }

    @Override
    public EventStream<K, V> through(String topicName) {
        return ctx.ops().through(this, topicName);
    }

    @Override
    public EventStream<K, V> echo(List<? extends Topic<K, V>> topics) {
        return ctx.ops().echo(this, topics);
    }

    @Override
    public EventStream<K, V> echo(String... topicNames) {
        return ctx.ops().echo(this, topicNames);
    }

    @Override
    public EventStream<K, V> groupBy(String field) {
        return ctx.ops().groupBy(this, field, 0);
    }

    @Override
    public EventStream<K, V> groupBy(String field, int partitions) {
        return ctx.ops().groupBy(this, field, partitions);
    }

    @Override
    public EventStream<K, V> groupBy(Function<? super V, ? extends K> key, String name) {
        return ctx.ops().groupBy(this, key, name, 0);
    }

    @Override
    public EventStream<K, V> groupBy(Function<? super V, ? extends K> key, String name, int partitions) {
        return ctx.ops().groupBy(this, key, name, partitions);
    }
}
