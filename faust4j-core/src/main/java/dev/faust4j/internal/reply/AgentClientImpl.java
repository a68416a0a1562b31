package dev.faust4j.internal.reply;

import dev.faust4j.AgentClient;
import dev.faust4j.AgentClientException;
import dev.faust4j.RecordMetadata;
import dev.faust4j.Topic;
import dev.faust4j.codec.Codec;
import org.jspecify.annotations.Nullable;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Asks an agent through its topic: a request is the value sent with Faust's two reply headers, and the reply comes
 * back through the app's {@link ReplyTopic}, decoded with the result's codec.
 *
 * <p>Design: the reply is expected before the request is sent (so even an instant reply finds its caller), and a
 * request that could not be sent fails its future at once and stops waiting. {@code join} asks all first and then
 * waits, so the requests are answered in parallel; {@code map} yields replies in the order they complete.
 *
 * <p>Thread-safety: thread-safe (immutable; the reply topic is thread-safe).
 */
public final class AgentClientImpl<K, V, R> implements AgentClient<K, V, R> {
    private final Topic<K, V> topic;
    private final Codec<R> replies;
    private final Supplier<ReplyTopic> replyTopic;
    private final Supplier<Duration> timeout;

    /**
     * @param topic      the agent's topic
     * @param replies    the codec of its replies' values
     * @param replyTopic the app's reply topic, started (fails when the app does not run)
     * @param timeout    the ask timeout
     */
    public AgentClientImpl(Topic<K, V> topic, Codec<R> replies, Supplier<ReplyTopic> replyTopic,
                           Supplier<Duration> timeout) {
        this.topic = topic;
        this.replies = replies;
        this.replyTopic = replyTopic;
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<RecordMetadata> cast(@Nullable K key, V value) {
        return topic.send(key, Objects.requireNonNull(value, "value"));
    }

    @Override
    public CompletableFuture<R> askAsync(@Nullable K key, V value) {
        Objects.requireNonNull(value, "value");
        ReplyTopic rt = replyTopic.get();
        String id = UUID.randomUUID().toString();
        String describe = "ask to " + topic.name();
        CompletableFuture<byte[]> reply = rt.expect(id, timeout.get(), describe);
        CompletableFuture<RecordMetadata> sent;
        try {
            sent = topic.send(key, value, ReplyWire.requestHeaders(new ReplyWire.ReplyAddress(rt.name(), id)), null);
        } catch (RuntimeException e) {
            reply.completeExceptionally(new AgentClientException(describe + ": the request could not be sent", e));
            return reply.thenApply(this::decode);
        }
        var unused = sent.whenComplete((md, e) -> {
            if (e != null) {
                reply.completeExceptionally(new AgentClientException(describe + ": the request could not be sent",
                        e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e));
            }
        });
        return reply.thenApply(this::decode);
    }

    @Override
    public R ask(@Nullable K key, V value) throws InterruptedException, TimeoutException {
        return await(askAsync(key, value));
    }

    @Override
    public List<R> join(Collection<? extends V> values) throws InterruptedException, TimeoutException {
        List<CompletableFuture<R>> all = new ArrayList<>(values.size());
        for (V v : values) {
            all.add(askAsync(null, v));
        }
        return awaitAll(all);
    }

    @Override
    public List<R> kvjoin(Map<? extends K, ? extends V> items) throws InterruptedException, TimeoutException {
        List<CompletableFuture<R>> all = new ArrayList<>(items.size());
        for (Map.Entry<? extends K, ? extends V> e : items.entrySet()) {
            all.add(askAsync(e.getKey(), e.getValue()));
        }
        return awaitAll(all);
    }

    @Override
    public Iterable<R> map(Collection<? extends V> values) {
        List<CompletableFuture<R>> all = new ArrayList<>(values.size());
        for (V v : values) {
            all.add(askAsync(null, v));
        }
        return asCompleted(all);
    }

    @Override
    public Iterable<R> kvmap(Map<? extends K, ? extends V> items) {
        List<CompletableFuture<R>> all = new ArrayList<>(items.size());
        for (Map.Entry<? extends K, ? extends V> e : items.entrySet()) {
            all.add(askAsync(e.getKey(), e.getValue()));
        }
        return asCompleted(all);
    }

    private R decode(byte[] value) {
        try {
            return replies.decode(value);
        } catch (RuntimeException e) {
            throw new AgentClientException("the reply from " + topic.name() + " could not be decoded as "
                    + replies.type().getSimpleName() + " (" + replies.name() + " codec)", e);
        }
    }

    private List<R> awaitAll(List<CompletableFuture<R>> all) throws InterruptedException, TimeoutException {
        List<R> out = new ArrayList<>(all.size());
        for (CompletableFuture<R> f : all) {
            out.add(await(f));
        }
        return out;
    }

    private static <T> T await(CompletableFuture<T> f) throws InterruptedException, TimeoutException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException t) {
                throw new TimeoutException(t.getMessage());
            }
            if (cause instanceof AgentClientException a) {
                throw new AgentClientException(a.getMessage(), a);
            }
            throw new AgentClientException("ask failed: " + cause, cause);
        }
    }

    /** The values of these futures in the order they complete; a failure ends the iteration. */
    private static <T> Iterable<T> asCompleted(List<CompletableFuture<T>> all) {
        BlockingQueue<CompletableFuture<T>> done = new LinkedBlockingQueue<>();
        for (CompletableFuture<T> f : all) {
            var unused = f.whenComplete((v, e) -> done.add(f));
        }
        int total = all.size();
        return () -> new Iterator<>() {
            private int taken;

            @Override
            public boolean hasNext() {
                return taken < total;
            }

            @Override
            public T next() {
                if (taken >= total) {
                    throw new NoSuchElementException();
                }
                try {
                    CompletableFuture<T> f = done.take();
                    taken++;
                    return await(f);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AgentClientException("interrupted while waiting for a reply", e);
                } catch (TimeoutException e) {
                    throw new AgentClientException(e.getMessage(), e);
                }
            }
        };
    }
}
