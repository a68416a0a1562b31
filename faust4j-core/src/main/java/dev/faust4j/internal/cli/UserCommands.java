package dev.faust4j.internal.cli;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * The commands an app adds to its command line, checked as they are added: a name is one command-line word, not a
 * built-in command's, and unique in the app; the description is not blank.
 *
 * <p>Thread-safety: thread-safe (apps add their commands from one thread before start; {@link Cli} reads them).
 */
public final class UserCommands {
    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private final String appId;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<UserCommand> commands = new CopyOnWriteArrayList<>();

    public UserCommands(String appId) {
        this.appId = appId;
    }

    /**
     * Adds a command.
     *
     * @throws IllegalArgumentException naming the parameter: a blank or multi-word name, a built-in command's name,
     *                                  a name already taken, a blank description
     */
    public void add(String name, String description, UserCommand.Body body) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("command name must not be blank");
        }
        if (!WORD.matcher(name).matches()) {
            throw new IllegalArgumentException("command name '" + name + "' must be one word of letters, digits, '.',"
                    + " '_' and '-', starting with a letter or digit");
        }
        if (Cli.BUILT_IN.contains(name)) {
            throw new IllegalArgumentException("command name " + name + " is a built-in command of faust4j ("
                    + String.join(", ", Cli.BUILT_IN) + "); choose another name");
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException("description of command " + name + " must not be blank (it is its line"
                    + " in --help)");
        }
        Objects.requireNonNull(body, "command");
        lock.lock();
        try {
            for (UserCommand c : commands) {
                if (c.name().equals(name)) {
                    throw new IllegalArgumentException("a command named " + name + " exists already in app " + appId);
                }
            }
            commands.add(new UserCommand(name, description, body));
        } finally {
            lock.unlock();
        }
    }

    /** The commands, in the order added. */
    public List<UserCommand> all() {
        return List.copyOf(commands);
    }
}
