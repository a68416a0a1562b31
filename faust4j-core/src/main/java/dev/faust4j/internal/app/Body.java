package dev.faust4j.internal.app;

/** The body of a task or timer, as the runtime sees it ({@code App.Task} adapted). */
@FunctionalInterface
public interface Body {
    void run() throws Exception;
}
