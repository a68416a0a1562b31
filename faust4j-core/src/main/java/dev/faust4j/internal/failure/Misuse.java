package dev.faust4j.internal.failure;

/**
 * A programming error detected by faust4j's own API inside a running agent ({@code take(0, ...)}, {@code through}
 * with concurrency above 1, {@code groupBy} of a field that does not exist, ...). Restarting cannot help: the
 * agent fails at once, with one log line and no restarts.
 *
 * <p>The exceptions thrown are still the {@link IllegalArgumentException} and {@link IllegalStateException} users
 * expect; they implement this marker so the supervisor can tell them from the agent's own failures.
 */
public sealed interface Misuse permits Misuse.Argument, Misuse.State {

    /** An invalid argument to a stream operation. */
    static IllegalArgumentException argument(String message) {
        return new Argument(message);
    }

    /** A stream operation used where it cannot work. */
    static IllegalStateException state(String message) {
        return new State(message);
    }

    /** True when {@code t} is a misuse of faust4j's API. */
    static boolean is(Throwable t) {
        return t instanceof Misuse;
    }

    /** The {@link IllegalArgumentException} form. */
    final class Argument extends IllegalArgumentException implements Misuse {
        private static final long serialVersionUID = 1L;

        Argument(String message) {
            super(message);
        }
    }

    /** The {@link IllegalStateException} form. */
    final class State extends IllegalStateException implements Misuse {
        private static final long serialVersionUID = 1L;

        State(String message) {
            super(message);
        }
    }
}
