package dev.faust4j.internal.app;

import dev.faust4j.AppState;
import dev.faust4j.Partition;
import dev.faust4j.Settings;
import dev.faust4j.internal.agent.AgentImpl;
import dev.faust4j.internal.sensor.Sensors;
import dev.faust4j.internal.table.Tables;
import dev.faust4j.internal.web.WebConfig;
import dev.faust4j.internal.web.WebServer;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The app's side of its web server: the pages the app adds ({@code App.page}) before start, and the server's
 * start (with what it shows of the app: agents, tables, state, lag) and stop.
 *
 * <p>Design. It reads the declarations ({@link Registry}, {@link Tables}) once, at start, and the live state through
 * suppliers; the server's own sensor joins the app's sensors before any worker thread starts, so their start
 * publishes it to them.
 *
 * <p>Thread-safety: thread-safe.
 */
final class WebHost {
    private final Registry registry;
    private final Tables tables;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, WebConfig.Page> pages = new LinkedHashMap<>();
    private volatile @Nullable WebServer web;

    WebHost(Registry registry, Tables tables) {
        this.registry = registry;
        this.tables = tables;
    }

    /** Adds a page (before start). */
    void page(String path, String contentType, Supplier<String> body) {
        Objects.requireNonNull(body, "body");
        lock.lock();
        try {
            registry.requireNotStarted("add page " + path);
            WebServer.checkPage(path, contentType, pages.keySet());
            pages.put(path, new WebConfig.Page(contentType, body));
        } finally {
            lock.unlock();
        }
    }

    /** The server's port while it runs, else empty. */
    OptionalInt port() {
        WebServer w = web;
        return w == null ? OptionalInt.empty() : OptionalInt.of(w.port());
    }

    /** The server's address while it runs, else null (for the banner). */
    @Nullable
    String url() {
        WebServer w = web;
        return w == null ? null : w.url();
    }

    /** Binds and starts the server when {@code settings} enable it, and adds its sensor to {@code sensors}. */
    void start(Settings settings, Supplier<AppState> state, Supplier<Map<Partition, Long>> lag, Sensors sensors) {
        if (!settings.webEnabled()) {
            return;
        }
        List<WebConfig.AgentView> agents = new ArrayList<>();
        for (AgentImpl<?, ?> a : registry.agents()) {
            agents.add(new WebConfig.AgentView(a.name(), a.source().label(), a.concurrency(), a::state));
        }
        List<WebConfig.TableView> described = new ArrayList<>();
        for (Tables.Described t : tables.describe()) {
            described.add(new WebConfig.TableView(t.name(), t.kind(), t.changelog()));
        }
        WebServer w = WebServer.start(new WebConfig(settings.id(), settings.webBind(), settings.webPort(), state,
                settings.broker(), agents, described, lag, pages));
        sensors.add(w.sensor());
        web = w;
    }

    void stop() {
        WebServer w = web;
        if (w != null) {
            web = null;
            w.stop();
        }
    }
}
