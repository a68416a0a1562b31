package dev.faust4j.internal.web;

import com.sun.net.httpserver.HttpServer;
import dev.faust4j.Sensor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The worker's web server (Faust's web): health, status and the app's own pages over HTTP, read-only.
 *
 * <p>Design. The JDK's {@code com.sun.net.httpserver.HttpServer} (module {@code jdk.httpserver}: no dependency), one
 * context at {@code /} routed by exact path ({@link Routes}), each request on a virtual thread of its own. It reads
 * the app through a narrow {@link WebConfig} (suppliers of state, lag and agent states, the declared agents and
 * tables, the pages) and through a {@link StatusSensor} the runtime adds to its sensors only when the server is
 * enabled, so apps without it pay nothing. Bound when the worker starts, before anything runs: a port taken fails
 * the start with a message naming it. Stopped when the worker has stopped.
 *
 * <p>Thread-safety: {@link #start} and {@link #stop} from the runtime's lifecycle; requests on the server's threads.
 */
public final class WebServer {
    private static final Logger log = LoggerFactory.getLogger(WebServer.class);
    /** How long the status page's rates look back. */
    private static final long RATE_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long an answer of {@code App.lag()} (a broker request) is reused. */
    private static final long LAG_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final HttpServer server;
    private final ExecutorService executor;
    private final StatusSensor sensor;

    private WebServer(HttpServer server, ExecutorService executor, StatusSensor sensor) {
        this.server = server;
        this.executor = executor;
        this.sensor = sensor;
    }

    /**
     * Binds the server and starts serving.
     *
     * @throws IllegalStateException naming the address and port when they cannot be listened on (taken, or not an
     *                               address of this machine)
     */
    public static WebServer start(WebConfig config) {
        InetSocketAddress address = new InetSocketAddress(unbracket(config.bind()), config.port());
        if (address.isUnresolved()) {
            throw new IllegalStateException("the web server cannot listen on " + config.bind() + ":" + config.port()
                    + ": " + config.bind() + " is not a known address (webBind)");
        }
        HttpServer server;
        try {
            server = HttpServer.create(address, 0);
        } catch (BindException e) {
            throw new IllegalStateException("the web server cannot listen on " + config.bind() + ":" + config.port()
                    + " (" + e.getMessage() + "): is the port taken by another process? Set webPort to a free port,"
                    + " or 0 for any free port", e);
        } catch (IOException e) {
            throw new IllegalStateException("the web server cannot listen on " + config.bind() + ":" + config.port()
                    + ": " + e, e);
        }
        StatusSensor sensor = new StatusSensor();
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("faust4j-web-" + config.appId() + "-", 0).factory());
        Status status = new Status(config, sensor, new Rates(RATE_WINDOW_NANOS, System.nanoTime()),
                new LagCache(config.lag(), LAG_MAX_AGE_NANOS));
        server.createContext("/", new Routes(config, status));
        server.setExecutor(executor);
        server.start();
        return new WebServer(server, executor, sensor);
    }

    /**
     * Checks the path and content type of a page the app adds ({@code App.page}).
     *
     * @throws IllegalArgumentException naming what is wrong: not a plain absolute path, one of the server's own, or
     *                                  taken already; a blank content type
     */
    public static void checkPage(String path, String contentType, Set<String> taken) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(contentType, "contentType");
        if (!path.matches("/[A-Za-z0-9/._~-]*") || path.contains("//") || path.contains("/../")
                || path.endsWith("/..") || path.length() > 200) {
            throw new IllegalArgumentException("a page path starts with / and holds only letters, digits and"
                    + " / . _ - ~ (at most 200), got '" + path + "'");
        }
        if (Routes.OWN_PATHS.contains(path)) {
            throw new IllegalArgumentException("page " + path + " is the web server's own (it serves "
                    + Routes.OWN_PATHS.stream().sorted().toList() + ")");
        }
        if (taken.contains(path)) {
            throw new IllegalArgumentException("page " + path + " was added already");
        }
        if (contentType.isBlank() || contentType.contains("\n") || contentType.contains("\r")) {
            throw new IllegalArgumentException("the content type of page " + path + " must be one line, not blank");
        }
    }

    private static String unbracket(String bind) {
        return bind.startsWith("[") && bind.endsWith("]") ? bind.substring(1, bind.length() - 1) : bind;
    }

    /** The sensor the runtime adds to the app's sensors: agents' counts, held and paused partitions. */
    public Sensor sensor() {
        return sensor;
    }

    /** The port the server listens on (the one picked, with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** The server's address as a URL, such as {@code http://127.0.0.1:6066/}. */
    public String url() {
        String host = server.getAddress().getAddress().getHostAddress();
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port() + "/";
    }

    /** Stops listening and serving (requests in progress are cut off). */
    public void stop() {
        String url = url();
        server.stop(0);
        executor.shutdownNow();
        log.debug("web server at {} stopped", url);
    }
}
