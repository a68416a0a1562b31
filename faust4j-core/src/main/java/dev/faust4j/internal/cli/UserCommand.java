package dev.faust4j.internal.cli;

import java.util.List;

/**
 * A command an app adds to its command line ({@code App.command}, Faust's {@code @app.command}): its name, its line
 * in {@code --help}, and what it runs.
 *
 * @param name        the word that runs it ({@code <app> hello a b})
 * @param description its line in {@code --help}
 * @param body        what it runs, given the words after its name; returns the exit code
 */
public record UserCommand(String name, String description, Body body) {

    /** What a user command runs: given the words after its name, returns the exit code. */
    @FunctionalInterface
    public interface Body {
        int run(List<String> args) throws Exception;
    }
}
