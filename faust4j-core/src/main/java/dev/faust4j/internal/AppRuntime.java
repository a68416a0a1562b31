package dev.faust4j.internal;

import dev.faust4j.*;

import java.time.Duration;

/** Placeholder while the runtime is written; replaced shortly. */
public final class AppRuntime {
    private final Settings settings;
    public AppRuntime(Settings settings) { this.settings = settings; }
    public Settings settings() { return settings; }
    public <K, V> Topic<K, V> topic(String name, Class<K> k, Class<V> v) { throw new UnsupportedOperationException(); }
    public <K, V> Topic<K, V> topic(TopicOptions<K, V> o) { throw new UnsupportedOperationException(); }
    public <V> Channel<V> channel(Class<V> v, int maxsize) { throw new UnsupportedOperationException(); }
    public <K, V> Agent<K, V> agent(Source<K, V> s, AgentFunction<K, V> f) { throw new UnsupportedOperationException(); }
    public <V> Agent<String, V> agent(String name, Class<V> v, AgentFunction<String, V> f) { throw new UnsupportedOperationException(); }
    public void task(App.Task t) { throw new UnsupportedOperationException(); }
    public void timer(Duration d, App.Task t) { throw new UnsupportedOperationException(); }
    public void start() { throw new UnsupportedOperationException(); }
    public void stop() { throw new UnsupportedOperationException(); }
    public int awaitTermination() { throw new UnsupportedOperationException(); }
    public int commandLine(App app, String... args) { throw new UnsupportedOperationException(); }
}
