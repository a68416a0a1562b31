package dev.faust4j.internal;

import dev.faust4j.Agent;
import dev.faust4j.AgentFunction;
import dev.faust4j.Channel;
import dev.faust4j.ErrorPolicy;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An agent: N instances (virtual threads) over one shared subscription, each supervised one-for-one as in
 * Faust. An instance whose function throws has its in-hand events handled by the error policy (skip: log and
 * ack; dead-letter: route then ack; fail: leave unacked and stop the worker), asks for a commit, and is
 * restarted on the same stream. More than {@code agentMaxRestartsPerSecond} restarts in one second (by the
 * app's ticker) stop the worker with exit code 1.
 */
final class AgentImpl<K, V> implements Agent<K, V> {
    private static final Logger log = LoggerFactory.getLogger(AgentImpl.class);

    private final AppRuntime app;
    private final SourceImpl<K, V> source;
    private final AgentFunction<K, V> function;
    private String name;
    private boolean named;
    private int concurrency = 1;
    private ErrorPolicy errorPolicy;
    private final ReentrantLock restartLock = new ReentrantLock();
    private final ArrayDeque<Long> restarts = new ArrayDeque<>();

    AgentImpl(AppRuntime app, SourceImpl<K, V> source, AgentFunction<K, V> function, String name, boolean named) {
        this.app = app;
        this.source = source;
        this.function = function;
        this.name = name;
        this.named = named;
    }

    boolean isNamed() {
        return named;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Agent<K, V> name(String name) {
        app.requireNotStarted("rename agent " + this.name);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("agent name must not be blank");
        }
        app.checkAgentName(this, name);
        this.name = name;
        this.named = true;
        return this;
    }

    @Override
    public int concurrency() {
        return concurrency;
    }

    @Override
    public Agent<K, V> concurrency(int n) {
        app.requireNotStarted("change the concurrency of agent " + name);
        if (n < 1) {
            throw new IllegalArgumentException("agent " + name + ": concurrency must be >= 1, got " + n);
        }
        this.concurrency = n;
        return this;
    }

    @Override
    public Agent<K, V> onError(ErrorPolicy policy) {
        app.requireNotStarted("change the error policy of agent " + name);
        this.errorPolicy = Objects.requireNonNull(policy, "policy");
        return this;
    }

    @Override
    public ErrorPolicy errorPolicy() {
        return errorPolicy != null ? errorPolicy : app.settings().agentErrorPolicy();
    }

    @Override
    public Source<K, V> source() {
        return source;
    }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<RecordMetadata> send(K key, V value) {
        TopicImpl<K, V> t = source.asTopic();
        if (t != null) {
            return t.send(key, value);
        }
        try {
            ((Channel<V>) source).send(value);
            return CompletableFuture.completedFuture(new RecordMetadata("<channel>", -1, -1, System.currentTimeMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CompletableFuture.failedFuture(e);
        }
    }

    void start() {
        Subscription shared = source.subscribe();
        for (int i = 0; i < concurrency; i++) {
            StreamImpl<K, V> stream = new StreamImpl<>(app, this, source, shared);
            String threadName = "faust4j-agent-" + name + (concurrency > 1 ? "-" + i : "");
            app.startThread(threadName, () -> supervise(stream));
        }
    }

    private void supervise(StreamImpl<K, V> stream) {
        try {
            while (true) {
                try {
                    function.process(stream);
                    stream.active().completeNormally();
                    return;
                } catch (Throwable t) {
                    if (app.isStopping() && (t instanceof InterruptedException || t.getCause() instanceof InterruptedException)) {
                        return;
                    }
                    handleError(stream, t);
                    if (app.isStopping()) {
                        return;
                    }
                    if (!restartAllowed()) {
                        log.error("Agent {} restarted more than {} times in one second; stopping the worker", name, app.settings().agentMaxRestartsPerSecond());
                        app.fail("agent " + name + " exceeded its restart limit");
                        return;
                    }
                }
            }
        } finally {
            stream.active().dropUnread(); // events this instance read ahead will never be processed by it
        }
    }

    private void handleError(StreamImpl<K, V> stream, Throwable error) {
        StreamImpl<K, V> active = stream.active();
        List<EventImpl<?, ?>> inHand = new ArrayList<>();
        active.collectInHand(inHand);
        active.clearInHand();
        List<String> where = inHand.stream().map(EventImpl::position).limit(10).toList();
        switch (errorPolicy()) {
            case ErrorPolicy.Skip s -> {
                log.error("Agent {} raised while processing {}; the event is acked and the agent restarted", name, where, error);
                inHand.forEach(EventImpl::ack);
            }
            case ErrorPolicy.DeadLetter d -> {
                log.error("Agent {} raised while processing {}; sending to dead-letter topic {}", name, where, d.topic(), error);
                for (EventImpl<?, ?> e : inHand) {
                    if (e.message == null) {
                        e.ack();
                    } else {
                        app.deadLetter(d.topic(), e.message.record, error).whenComplete((md, err) -> {
                            if (err == null) {
                                e.ack();
                            } else {
                                e.drop();
                            }
                        });
                    }
                }
            }
            case ErrorPolicy.Fail f -> {
                log.error("Agent {} raised while processing {} and its policy is fail: stopping the worker, the event stays uncommitted", name, where, error);
                inHand.forEach(EventImpl::drop);
                app.fail("agent " + name + " failed on " + where);
            }
        }
        app.conductor().requestCommit();
    }

    private boolean restartAllowed() {
        long now = app.ticker().nanoTime();
        restartLock.lock();
        try {
            restarts.addLast(now);
            while (!restarts.isEmpty() && now - restarts.peekFirst() > 1_000_000_000L) {
                restarts.pollFirst();
            }
            return restarts.size() <= app.settings().agentMaxRestartsPerSecond();
        } finally {
            restartLock.unlock();
        }
    }
}
