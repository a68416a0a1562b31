package dev.faust4j.internal;

import dev.faust4j.Event;
import dev.faust4j.EventStream;
import dev.faust4j.Indexed;
import dev.faust4j.KeyValue;
import dev.faust4j.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The {@link EventStream} implementation.
 *
 * <p>Design. Everything is built on {@link #nextItem(long)}: take the next event from the subscription (in
 * chunks, one lock per chunk), drop it if its partition was revoked or the worker is stopping, run the
 * processors (a filtered value is acked at once), and hand back the event and the processed value. The
 * iterators built on it ({@code values}, {@link #events}, {@link #items}, {@link #enumerate}, {@link #take})
 * ack what they handed out when the next element is requested. {@code through}/{@code groupBy} create a
 * downstream stream over the target topic; when the downstream is first iterated, a virtual thread drains this
 * stream, runs its processors, forwards each value and acks it (durability before commit comes from the
 * producer flush that precedes every commit). A combined stream polls its inputs without blocking and waits
 * on one {@link Signal} they all raise.
 *
 * <p>Thread-safety: confined to the thread iterating it (the drainer thread for an upstream stream).
 */
final class StreamImpl<K, V> implements EventStream<K, V> {
    private static final Logger log = LoggerFactory.getLogger(StreamImpl.class);
    private static final Object SKIP = new Object();
    private static final Function<?, ?>[] NO_PROCESSORS = new Function<?, ?>[0];
    static final int ITEM = 1;
    static final int TIMEOUT = 0;
    static final int END = -1;
    static final long NO_DEADLINE = Long.MAX_VALUE;
    static final long NOW = Long.MIN_VALUE;

    private final AppRuntime app;
    final AgentImpl<K, V> agent; // null outside agents
    private final SourceImpl<K, V> source; // null for combined streams
    private Subscription subscription;
    private final List<StreamImpl<K, V>> inputs; // non-null for combined streams
    private Signal signal;
    private boolean[] inputEnded;
    private int rotation;

    private Function<Object, Object>[] processors = cast(NO_PROCESSORS);
    private boolean enableAcks = true;
    private StreamImpl<K, V> next;
    private StreamImpl<K, V> upstream;
    private Forwarder forwarder;
    private boolean started;
    private Thread drainer;

    private EventImpl<K, V> current;
    private List<EventImpl<K, V>> inHandBatch;
    private final EventImpl<?, ?>[] chunk;
    private int chunkPos;
    private int chunkLen;

    // result of nextItem
    private EventImpl<K, V> itemEvent;
    private Object itemValue;

    @FunctionalInterface
    private interface Forwarder {
        void forward(EventImpl<?, ?> event, Object value);
    }

    StreamImpl(AppRuntime app, AgentImpl<K, V> agent, SourceImpl<K, V> source, Subscription shared) {
        this.app = app;
        this.agent = agent;
        this.source = source;
        this.subscription = shared;
        this.inputs = null;
        this.chunk = new EventImpl<?, ?>[agent != null && agent.concurrency() > 1 ? 1 : 256];
    }

    private StreamImpl(AppRuntime app, AgentImpl<K, V> agent, List<StreamImpl<K, V>> inputs) {
        this.app = app;
        this.agent = agent;
        this.source = null;
        this.inputs = inputs;
        this.chunk = new EventImpl<?, ?>[1];
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
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

    private EventStream<K, V> addProcessor(Function<Object, Object> f) {
        Function<Object, Object>[] grown = java.util.Arrays.copyOf(processors, processors.length + 1);
        grown[processors.length] = f;
        processors = grown;
        return this;
    }

    @Override
    public EventStream<K, V> noack() {
        enableAcks = false;
        return this;
    }

    @Override
    public Event<K, V> currentEvent() {
        return current;
    }

    // ---- the core step ----

    private void ensureStarted() {
        if (started) {
            return;
        }
        started = true;
        if (inputs == null && subscription == null) {
            subscription = source.subscribe();
        }
        if (upstream != null) {
            upstream.startDrainer();
        }
    }

    /** Next processed item into itemEvent/itemValue; returns ITEM, TIMEOUT or END. */
    int nextItem(long deadline) throws InterruptedException {
        if (inputs != null) {
            return nextCombined(deadline);
        }
        ensureStarted();
        Subscription sub = subscription;
        while (true) {
            if (chunkPos == chunkLen) {
                // Read ahead at most what keeps buffer + chunk within maxsize + one poll: the subscription only
                // pauses its partitions at its high mark, so a larger chunk would let the Conductor refill the
                // buffer behind it: more records would sit between the consumer and user code than configured.
                int readAhead = Math.min(chunk.length, sub.maxsize - sub.high + 1);
                int n = sub.drainTo(chunk, readAhead, deadline);
                if (n == Subscription.CLOSED) {
                    return END;
                }
                if (n == 0) {
                    return TIMEOUT;
                }
                chunkPos = 0;
                chunkLen = n;
            }
            EventImpl<K, V> e = cast(chunk[chunkPos]);
            chunk[chunkPos++] = null;
            if (e.stale() || sub.isClosed()) {
                e.drop();
                continue;
            }
            if (!e.decode()) {
                continue; // undecodable: its topic's decode policy was applied
            }
            current = e;
            Object v = applyProcessors(e.value());
            if (v == SKIP) {
                e.ack();
                current = null;
                continue;
            }
            itemEvent = e;
            itemValue = v;
            return ITEM;
        }
    }

    private Object applyProcessors(Object v) {
        Function<Object, Object>[] ps = processors;
        for (int i = 0; i < ps.length && v != SKIP; i++) {
            v = ps[i].apply(v);
        }
        return v;
    }

    private int nextCombined(long deadline) throws InterruptedException {
        if (!started) {
            started = true;
            signal = new Signal();
            inputEnded = new boolean[inputs.size()];
            for (StreamImpl<K, V> in : inputs) {
                in.registerSignal(signal);
            }
        }
        while (true) {
            long seen;
            signal.lock.lock();
            try {
                seen = signal.version();
            } finally {
                signal.lock.unlock();
            }
            int ended = 0;
            int n = inputs.size();
            for (int k = 0; k < n; k++) {
                int i = (rotation + k) % n;
                if (inputEnded[i]) {
                    ended++;
                    continue;
                }
                StreamImpl<K, V> in = inputs.get(i);
                int st = in.nextItem(NOW);
                if (st == ITEM) {
                    rotation = i + 1;
                    EventImpl<K, V> e = in.itemEvent;
                    in.current = null;
                    current = e;
                    Object v = applyProcessors(in.itemValue);
                    if (v == SKIP) {
                        e.ack();
                        current = null;
                        k = -1; // start over
                        ended = 0;
                        continue;
                    }
                    itemEvent = e;
                    itemValue = v;
                    return ITEM;
                }
                if (st == END) {
                    inputEnded[i] = true;
                    ended++;
                }
            }
            if (ended == n) {
                return END;
            }
            if (deadline == NOW) {
                return TIMEOUT;
            }
            signal.lock.lock();
            try {
                if (signal.version() == seen) {
                    if (deadline == NO_DEADLINE) {
                        signal.changed.await();
                    } else if (app.ticker().nanoTime() >= deadline) {
                        return TIMEOUT;
                    } else {
                        app.ticker().awaitUntil(signal.changed, deadline);
                    }
                }
            } finally {
                signal.lock.unlock();
            }
        }
    }

    private void registerSignal(Signal s) {
        if (inputs != null) {
            for (StreamImpl<K, V> in : inputs) {
                in.registerSignal(s);
            }
        } else {
            ensureStarted();
            subscription.addSignal(s);
        }
    }

    /**
     * The agent instance iterating this stream has ended (returned, failed, or hit its restart limit): drop the
     * events it had taken from the subscription but not yet handed out, so they do not count as being processed
     * (a stop or revoke would otherwise wait its whole grace period for them); they are fetched again later.
     */
    void dropUnread() {
        for (int i = chunkPos; i < chunkLen; i++) {
            EventImpl<?, ?> e = chunk[i];
            chunk[i] = null;
            if (e != null) {
                e.drop();
            }
        }
        chunkPos = 0;
        chunkLen = 0;
        if (inputs != null) {
            inputs.forEach(StreamImpl::dropUnread);
        }
    }

    /**
     * The agent function returned while holding an event (it broke out of its loop): as when Faust closes the
     * stream's generator, the event in hand (and a take batch) is acked unless acks are off.
     */
    void completeNormally() {
        release();
        List<EventImpl<K, V>> batch = inHandBatch;
        inHandBatch = null;
        if (batch != null && enableAcks) {
            batch.forEach(EventImpl::ack);
        }
        if (inputs != null) {
            inputs.forEach(StreamImpl::completeNormally);
        }
    }

    /** Acks what the previous step handed out (if acks are on) and forgets it. */
    private void release() {
        EventImpl<K, V> c = current;
        if (c != null) {
            current = null;
            if (enableAcks) {
                c.ack();
            }
        }
    }

    // ---- error handling support (AgentRunner) ----

    /** The stream the agent really iterates: the end of the through/groupBy chain. */
    StreamImpl<K, V> active() {
        StreamImpl<K, V> s = this;
        while (s.next != null) {
            s = s.next;
        }
        return s;
    }

    /** Events handed out and not yet acked: the value being processed, or the batch of a take. */
    void collectInHand(List<EventImpl<?, ?>> out) {
        if (current != null) {
            out.add(current);
        }
        if (inHandBatch != null) {
            out.addAll(inHandBatch);
        }
        if (inputs != null) {
            for (StreamImpl<K, V> in : inputs) {
                in.collectInHand(out);
            }
        }
    }

    void clearInHand() {
        current = null;
        inHandBatch = null;
        if (inputs != null) {
            inputs.forEach(StreamImpl::clearInHand);
        }
    }

    // ---- iteration ----

    private abstract class Step<T> implements Iterator<T> {
        private boolean ready;
        private boolean done;

        abstract T element();

        @Override
        public boolean hasNext() {
            if (ready) {
                return true;
            }
            if (done) {
                return false;
            }
            release();
            int st;
            try {
                st = nextItem(NO_DEADLINE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                st = END;
            }
            if (st != ITEM) {
                done = true;
                return false;
            }
            ready = true;
            return true;
        }

        @Override
        public T next() {
            if (!hasNext()) {
                throw new NoSuchElementException("the stream has ended (the app is stopping)");
            }
            ready = false;
            return element();
        }
    }

    @Override
    public Iterator<V> iterator() {
        return new Step<V>() {
            @Override
            V element() {
                return cast(itemValue);
            }
        };
    }

    @Override
    public Iterable<Event<K, V>> events() {
        return () -> new Step<Event<K, V>>() {
            @Override
            Event<K, V> element() {
                return itemEvent;
            }
        };
    }

    @Override
    public Iterable<KeyValue<K, V>> items() {
        return () -> new Step<KeyValue<K, V>>() {
            @Override
            KeyValue<K, V> element() {
                return new KeyValue<>(itemEvent.key(), cast(itemValue));
            }
        };
    }

    @Override
    public Iterable<Indexed<V>> enumerate(long start) {
        return () -> new Step<Indexed<V>>() {
            private long index = start;

            @Override
            Indexed<V> element() {
                return new Indexed<>(index++, cast(itemValue));
            }
        };
    }

    @Override
    public Iterable<List<V>> take(int max) {
        return take(max, null);
    }

    @Override
    public Iterable<List<V>> take(int max, Duration within) {
        return batches("take", max, within, false);
    }

    @Override
    public Iterable<List<Event<K, V>>> takeEvents(int max, Duration within) {
        Objects.requireNonNull(within, "within");
        return batches("takeEvents", max, within, true);
    }

    /** take and takeEvents: batches of processed values, or of the events themselves. */
    private <T> Iterable<List<T>> batches(String op, int max, Duration within, boolean asEvents) {
        if (max < 1) {
            throw new IllegalArgumentException(op + "(max, within) needs max >= 1, got " + max);
        }
        if (within != null && (within.isZero() || within.isNegative())) {
            throw new IllegalArgumentException(op + "(max, within) needs a positive within, got " + within);
        }
        long withinNanos = within == null ? 0 : within.toNanos();
        return () -> new Iterator<List<T>>() {
            private List<T> ready;
            private boolean done;
            private long lastFlush = app.ticker().nanoTime();

            @Override
            public boolean hasNext() {
                if (ready != null) {
                    return true;
                }
                if (done) {
                    return false;
                }
                List<EventImpl<K, V>> previous = inHandBatch;
                inHandBatch = null;
                if (previous != null && enableAcks) {
                    for (EventImpl<K, V> e : previous) {
                        e.ack();
                    }
                }
                List<T> values = new ArrayList<>(Math.min(max, 1024));
                List<EventImpl<K, V>> events = new ArrayList<>(Math.min(max, 1024));
                inHandBatch = events;
                long deadline = withinNanos == 0 ? NO_DEADLINE : lastFlush + withinNanos;
                try {
                    while (values.size() < max) {
                        int st = nextItem(deadline);
                        if (st == ITEM) {
                            values.add(cast(asEvents ? itemEvent : itemValue));
                            events.add(itemEvent);
                            current = null;
                        } else if (st == TIMEOUT) {
                            if (!values.isEmpty()) {
                                break;
                            }
                            deadline += withinNanos; // Faust: the timer restarts when nothing was gathered
                        } else {
                            events.forEach(EventImpl::drop); // stopping: unprocessed, fetched again later
                            inHandBatch = null;
                            done = true;
                            return false;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    events.forEach(EventImpl::drop);
                    inHandBatch = null;
                    done = true;
                    return false;
                }
                lastFlush = app.ticker().nanoTime();
                ready = values;
                return true;
            }

            @Override
            public List<T> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream has ended (the app is stopping)");
                }
                List<T> out = ready;
                ready = null;
                return out;
            }
        };
    }

    // ---- combining ----

    @Override
    public EventStream<K, V> combine(EventStream<K, V> other) {
        Objects.requireNonNull(other, "other");
        if (!(other instanceof StreamImpl<K, V> o)) {
            throw new IllegalArgumentException("can only combine streams created by faust4j");
        }
        if (o == this) {
            throw new IllegalArgumentException("cannot combine a stream with itself");
        }
        if (started || o.started) {
            throw new IllegalStateException("combine streams before iterating them");
        }
        return new StreamImpl<>(app, agent, List.of(this, o));
    }

    // ---- forwarding: through, echo, groupBy ----

    private TopicImpl<K, V> sourceTopic(String op) {
        TopicImpl<K, V> t = source == null ? null : source.asTopic();
        if (t == null) {
            throw new IllegalStateException(op + " needs a stream over a topic; this stream reads "
                    + (source == null ? "combined streams" : source.label()));
        }
        return t;
    }

    /** Misuse checks of through/groupBy, before anything (such as a topic) is created. */
    private void checkChainable(String op) {
        if (next != null) {
            throw new IllegalStateException("Stream already uses groupBy/through: " + op + " cannot be added");
        }
        if (agent != null && agent.concurrency() > 1) {
            throw new IllegalStateException("Agent " + agent.name() + " has concurrency " + agent.concurrency()
                    + " and cannot use stream." + op + ": use concurrency 1");
        }
        if (inputs != null) {
            throw new IllegalStateException(op + " is not supported on a combined stream");
        }
    }

    private StreamImpl<K, V> chain(String op, TopicImpl<K, V> target, Forwarder f) {
        if (next != null) {
            if (started) {
                return next; // an agent restarted on the same stream: keep the existing chain
            }
            throw new IllegalStateException("Stream already uses groupBy/through: " + op + " cannot be added");
        }
        if (agent != null && agent.concurrency() > 1) {
            throw new IllegalStateException("Agent " + agent.name() + " has concurrency " + agent.concurrency()
                    + " and cannot use stream." + op + ": use concurrency 1");
        }
        if (inputs != null) {
            throw new IllegalStateException(op + " is not supported on a combined stream");
        }
        StreamImpl<K, V> downstream = new StreamImpl<>(app, agent, target, null);
        downstream.upstream = this;
        this.forwarder = f;
        this.next = downstream;
        return downstream;
    }

    @Override
    public EventStream<K, V> through(Topic<K, V> topic) {
        Objects.requireNonNull(topic, "topic");
        if (next != null && started) {
            return next;
        }
        checkChainable("through");
        TopicImpl<K, V> target = (TopicImpl<K, V>) topic;
        target.declare();
        return chain("through", target, (e, v) -> app.forward(target, e, v, null, false));
    }

    @Override
    public EventStream<K, V> through(String topicName) {
        if (next != null && started) {
            return next;
        }
        checkChainable("through");
        return through(sourceTopic("through(\"" + topicName + "\")").derive(topicName, 0, false));
    }

    @Override
    public EventStream<K, V> echo(List<? extends Topic<K, V>> topics) {
        List<TopicImpl<K, V>> targets = new ArrayList<>();
        for (Topic<K, V> t : topics) {
            TopicImpl<K, V> ti = (TopicImpl<K, V>) Objects.requireNonNull(t, "echo topic");
            ti.declare();
            targets.add(ti);
        }
        return addProcessor(v -> {
            EventImpl<K, V> e = current;
            for (TopicImpl<K, V> t : targets) {
                app.forward(t, e, v, null, false);
            }
            return v;
        });
    }

    @Override
    public EventStream<K, V> echo(String... topicNames) {
        List<TopicImpl<K, V>> targets = new ArrayList<>();
        for (String n : topicNames) {
            targets.add(sourceTopic("echo(\"" + n + "\")").derive(n, 0, false));
        }
        return echo(targets);
    }

    @Override
    public EventStream<K, V> groupBy(String field) {
        return groupBy(field, 0);
    }

    @Override
    public EventStream<K, V> groupBy(String field, int partitions) {
        if (next != null && started) {
            return next;
        }
        checkChainable("groupBy");
        TopicImpl<K, V> src = sourceTopic("groupBy");
        Class<V> type = src.valueCodec().type();
        MethodHandle accessor = fieldAccessor(type, field);
        Class<K> keyType = src.keyCodec().type();
        Function<? super V, ? extends K> key = v -> {
            Object raw;
            try {
                raw = accessor.invoke(v);
            } catch (Throwable t) {
                throw new IllegalStateException("groupBy could not read field " + field + " of " + type.getSimpleName(), t);
            }
            if (raw == null || keyType.isInstance(raw)) {
                return keyType.cast(raw);
            }
            if (keyType == String.class) {
                return keyType.cast(String.valueOf(raw));
            }
            throw new IllegalStateException("groupBy field " + type.getSimpleName() + "." + field + " is a "
                    + raw.getClass().getSimpleName() + " but the topic's keys are " + keyType.getSimpleName());
        };
        return groupBy(key, type.getSimpleName() + "." + field, partitions);
    }

    @Override
    public EventStream<K, V> groupBy(Function<? super V, ? extends K> key, String name) {
        return groupBy(key, name, 0);
    }

    @Override
    public EventStream<K, V> groupBy(Function<? super V, ? extends K> key, String name, int partitions) {
        if (next != null && started) {
            return next;
        }
        Objects.requireNonNull(key, "key");
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("groupBy with a key function must set a name (it names the repartition topic)");
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("groupBy partitions must be >= 1, got " + partitions);
        }
        checkChainable("groupBy");
        TopicImpl<K, V> src = sourceTopic("groupBy");
        if (src.names().size() != 1) {
            throw new IllegalStateException("groupBy needs a stream over a single topic, not " + src.names());
        }
        String topic = src.names().getFirst();
        String prefix = agent != null && !src.hasPrefix() ? agent.name() + "-" : "";
        String repartition = prefix + topic + "-" + name + "-repartition";
        TopicImpl<K, V> target = src.derive(repartition, partitions == 0 ? app.settings().topicPartitions() : partitions, true);
        target.declare();
        return chain("groupBy", target, (e, v) -> {
            K newKey;
            try {
                newKey = key.apply(cast(v));
            } catch (RuntimeException ex) {
                log.warn("groupBy key of {} failed, skipping the event: {}", ((EventImpl<?, ?>) e).position(), ex.toString());
                return;
            }
            app.forward(target, e, v, newKey, true);
        });
    }

    private static MethodHandle fieldAccessor(Class<?> type, String field) {
        Objects.requireNonNull(field, "field");
        try {
            if (type.isRecord()) {
                List<String> names = new ArrayList<>();
                for (RecordComponent rc : type.getRecordComponents()) {
                    names.add(rc.getName());
                    if (rc.getName().equals(field)) {
                        Method m = rc.getAccessor();
                        m.setAccessible(true);
                        return MethodHandles.lookup().unreflect(m);
                    }
                }
                throw new IllegalArgumentException("groupBy field '" + field + "' is not a component of " + type.getSimpleName() + " " + names);
            }
            String getter = "get" + Character.toUpperCase(field.charAt(0)) + field.substring(1);
            for (String name : List.of(field, getter)) {
                try {
                    Method m = type.getMethod(name);
                    return MethodHandles.lookup().unreflect(m);
                } catch (NoSuchMethodException ignored) {
                    // try the next form
                }
            }
            throw new IllegalArgumentException("groupBy field '" + field + "' not found on " + type.getSimpleName()
                    + " (no record component, " + field + "() or " + getter + "())");
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException("groupBy cannot read field '" + field + "' of " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    /** Starts the virtual thread that iterates this (upstream) stream and forwards it. */
    private void startDrainer() {
        if (drainer != null) {
            return;
        }
        String name = "faust4j-forward-" + (agent != null ? agent.name() : "stream");
        drainer = app.startThread(name, () -> {
            try {
                while (true) {
                    int st = nextItem(NO_DEADLINE);
                    if (st != ITEM) {
                        return;
                    }
                    EventImpl<K, V> e = itemEvent;
                    try {
                        forwarder.forward(e, itemValue);
                    } catch (RuntimeException ex) {
                        log.error("Forwarding {} failed; skipping it", e.position(), ex);
                    }
                    current = null;
                    e.ack();
                }
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException ex) {
                EventImpl<K, V> e = current;
                log.error("A processor before through/groupBy failed on {}; skipping it", e == null ? "?" : e.position(), ex);
                if (e != null) {
                    e.ack();
                }
                current = null;
                startDrainerAgain();
            }
        });
    }

    private void startDrainerAgain() {
        drainer = null;
        startDrainer();
    }
}
