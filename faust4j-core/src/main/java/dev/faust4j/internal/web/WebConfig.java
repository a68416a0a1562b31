package dev.faust4j.internal.web;

import dev.faust4j.Agent;
import dev.faust4j.AppState;
import dev.faust4j.Partition;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What the web server reads of the app: narrow suppliers, never the runtime.
 *
 * <p>Thread-safety: immutable; the suppliers are called on the server's threads and must be thread-safe.
 *
 * @param appId  the app id
 * @param bind   the address to listen on
 * @param port   the port (0: any free one)
 * @param state  the app's state
 * @param broker the broker URL the app runs on
 * @param agents the agents the app declares
 * @param tables the tables the app declares
 * @param lag    the lag per held partition ({@code App.lag()}: asks the broker)
 * @param pages  the app's own pages, by path
 */
public record WebConfig(String appId, String bind, int port, Supplier<AppState> state, String broker,
                        List<AgentView> agents, List<TableView> tables, Supplier<Map<Partition, Long>> lag,
                        Map<String, Page> pages) {
    public WebConfig {
        agents = List.copyOf(agents);
        tables = List.copyOf(tables);
        pages = Map.copyOf(pages);
    }

    /** An agent as the status shows it; its state is read on each request. */
    public record AgentView(String name, String reads, int concurrency, Supplier<Agent.State> state) {
    }

    /** A table as the status shows it. */
    public record TableView(String name, String kind, String changelog) {
    }

    /** A page the app added ({@code App.page}): its content type and what makes its text. */
    public record Page(String contentType, Supplier<String> body) {
    }
}
