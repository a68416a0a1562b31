package dev.faust4j.internal.web;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.faust4j.AppState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Routes each request by its exact path: {@code /} (the status page), {@code /health/live}, {@code /health/ready},
 * {@code /api/status} and the app's own pages. GET and HEAD only (anything else: 405 with {@code Allow: GET, HEAD}); an unknown
 * path: 404; {@code /metrics} when no page serves it: 404 with a line saying how to add it.
 *
 * <p>Design. Every answer is built whole, then sent with its length; JSON by Jackson from the records of
 * {@link Json}. Every answer says {@code Cache-Control: no-store} and {@code X-Content-Type-Options: nosniff}; the
 * status page also carries a Content-Security-Policy that allows its own inline script and style and requests to
 * this server only. Nothing from a request (path, query, headers) is echoed into an answer or logged, and no record
 * data is ever shown.
 *
 * <p>Thread-safety: stateless apart from the set of pages whose failure was logged; requests run concurrently.
 */
final class Routes implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(Routes.class);
    static final Set<String> OWN_PATHS = Set.of("/", "/health/live", "/health/ready", "/api/status");
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String HTML = "text/html; charset=utf-8";
    private static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"
            + " connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final byte[] STATUS_PAGE = statusPage();

    private final WebConfig config;
    private final Status status;
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    Routes(WebConfig config, Status status) {
        this.config = config;
        this.status = status;
    }

    @SuppressWarnings("ArrayRecordComponent") // the answer's bytes, built once and sent as they are
    private record Answer(int code, String contentType, byte[] body) {
        static Answer json(int code, Object value) {
            return new Answer(code, JSON, MAPPER.writeValueAsBytes(value));
        }

        static Answer text(int code, String text) {
            return new Answer(code, TEXT, (text + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getRawPath();
            Answer answer;
            String method = exchange.getRequestMethod();
            boolean head = method.equals("HEAD"); // what some probes send: the GET's status and headers, no body
            if (!method.equals("GET") && !head) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                answer = Answer.text(405, "method not allowed: this server is read-only (GET and HEAD only)");
            } else {
                answer = route(path == null ? "" : path);
            }
            var headers = exchange.getResponseHeaders();
            headers.set("Content-Type", answer.contentType());
            headers.set("Cache-Control", "no-store");
            headers.set("X-Content-Type-Options", "nosniff");
            if (answer.contentType().equals(HTML)) {
                headers.set("Content-Security-Policy", CSP);
                headers.set("X-Frame-Options", "DENY");
                headers.set("Referrer-Policy", "no-referrer");
            }
            if (head) {
                exchange.sendResponseHeaders(answer.code(), -1);
            } else {
                exchange.sendResponseHeaders(answer.code(), answer.body().length == 0 ? -1 : answer.body().length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        } catch (IOException e) {
            log.debug("web request not answered (the client went away?): {}", e.toString());
        } finally {
            exchange.close();
        }
    }

    private Answer route(String path) {
        return switch (path) {
            case "/" -> new Answer(200, HTML, STATUS_PAGE);
            case "/health/live" -> health(status.state().live());
            case "/health/ready" -> health(status.state().ready());
            case "/api/status" -> Answer.json(200, status.get());
            default -> page(path);
        };
    }

    private Answer health(boolean up) {
        AppState state = status.state();
        return Answer.json(up ? 200 : 503, new Json.Health(up ? "UP" : "DOWN", state.name()));
    }

    private Answer page(String path) {
        WebConfig.Page page = config.pages().get(path);
        if (page == null) {
            if (path.equals("/metrics")) {
                return Answer.text(404, "no metrics page: add faust4j-micrometer and call"
                        + " FaustMetrics.prometheus(app) before app.start()");
            }
            return Answer.text(404, "not found; this server answers /, /health/live, /health/ready, /api/status"
                    + (config.pages().isEmpty() ? "" : " and " + String.join(", ", config.pages().keySet().stream()
                            .sorted().toList())));
        }
        try {
            return new Answer(200, page.contentType(), page.body().get().getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            if (reported.add(path)) {
                log.warn("page {} of app {} failed (reported once): {}", path, config.appId(),
                        e.getClass().getName());
            }
            return Answer.text(500, "page " + path + " failed: " + e.getClass().getSimpleName());
        }
    }

    private static byte[] statusPage() {
        try (InputStream in = Routes.class.getResourceAsStream("status.html")) {
            if (in == null) {
                throw new IllegalStateException("status.html is missing from faust4j-core");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
