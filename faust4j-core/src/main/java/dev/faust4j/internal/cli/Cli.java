package dev.faust4j.internal.cli;

import dev.faust4j.RecordMetadata;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The app's command line (Faust's {@code faust -A app ...}), run by {@code App.run(args)} and {@code App.main(args)}:
 *
 * <ul>
 *   <li>{@code worker [--broker URL] [-l LEVEL] [--web-port N] [--web-bind ADDR]}: runs the worker until SIGTERM or
 *       Ctrl-C (or {@code app.stop()}), then stops gracefully; exits 0, or 1 after a failure. {@code --web-port} and
 *       {@code --web-bind} turn the web server on for this run (refused once the app started). {@code --broker} runs it on another broker than the
 *       app's (given before the app connects: refused once it started or sent). {@code -l}/{@code --loglevel}
 *       ({@code error}, {@code warn}, {@code info}, {@code debug}, {@code trace}) sets the level of faust4j's loggers
 *       as far as the logging backend allows: see {@link LogLevel}.</li>
 *   <li>{@code send <topic|@agent> <value> [-k KEY] [-p N] [--repeat N] [--create]}: sends a value checked with the
 *       topic's codecs.</li>
 *   <li>{@code agents}, {@code topics}, {@code tables}, {@code models}: list what the app declares, as aligned
 *       columns; {@code model <name>}: the fields of one model (a record type its topics, channels or tables carry).
 *       </li>
 *   <li>{@code reset}: deletes the local table state of an app that does not run.</li>
 *   <li>the app's own commands ({@code App.command}), listed in {@code --help} with their descriptions.</li>
 *   <li>{@code --version} and {@code --help}, whose usage names the app.</li>
 * </ul>
 *
 * <p>Every command but {@code worker} stops the app when it is done (a user command may start it; it is stopped
 * gracefully then).
 *
 * <p>Thread-safety: each call parses and runs one command line.
 */
public final class Cli {
    /** The names of the built-in commands, which an app's own commands cannot take. */
    public static final List<String> BUILT_IN = List.of("worker", "send", "agents", "topics", "tables", "models",
            "model", "reset");

    private Cli() {
    }

    /** Runs one command line against the app; returns the exit code. */
    public static int run(WorkerHandle app, String... args) {
        CommandLine cl = new CommandLine(new Root(app.appId()))
                .addSubcommand("worker", new Worker(app))
                .addSubcommand("send", new Send(app))
                .addSubcommand("agents", new Agents(app))
                .addSubcommand("topics", new Topics(app))
                .addSubcommand("tables", new Tables(app))
                .addSubcommand("models", new Models(app))
                .addSubcommand("model", new Model(app))
                .addSubcommand("reset", new Reset(app));
        for (UserCommand c : app.userCommands()) {
            CommandLine sub = new CommandLine(new Own(app, c));
            sub.getCommandSpec().usageMessage().description(c.description());
            sub.setUnmatchedOptionsArePositionalParams(true);
            cl.addSubcommand(c.name(), sub);
        }
        cl.setCommandName(app.appId());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl.execute(args);
    }

    /** faust4j's version, from the build ({@code version.properties}), or "unknown". */
    static String version() {
        try (InputStream in = Cli.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** {@code --version}: faust4j's version and the Java running it. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"faust4j " + version() + " (Java " + Runtime.version() + ")"};
        }
    }

    /** Prints rows as aligned columns under a header. */
    static void table(PrintWriter out, List<String[]> rows) {
        int[] widths = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + (widths[i] + 2) + "s", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    @Command(mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "A faust4j app. Commands: worker, send, agents, topics, tables, models, model, reset, and"
                    + " the app's own.")
    static final class Root implements Callable<Integer> {
        private final String id;

        Root(String id) {
            this.id = id;
        }

        @Override
        public Integer call() {
            System.out.println(
                    "app " + id + ": use 'worker' to run it, 'send <topic> <value>' to send, '--help' for more");
            return 2;
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = "Runs the worker until SIGTERM or Ctrl-C, then stops gracefully.")
    static final class Worker implements Callable<Integer> {
        private final WorkerHandle app;

        @Option(names = "--broker", paramLabel = "<url>",
                description = "run on this broker instead of the app's, e.g. kafka://127.0.0.1:9092")
        String broker;

        @Option(names = {"-l", "--loglevel"}, paramLabel = "<level>",
                description = "level of faust4j's loggers: ${COMPLETION-CANDIDATES} (with slf4j-simple, for the"
                        + " loggers made from now on; other backends: set it in their configuration)")
        LogLevel logLevel;

        @Option(names = "--web-port", paramLabel = "<port>",
                description = "serve the status page, /health/live, /health/ready and /api/status on this port"
                        + " (0: any free port) while the worker runs")
        Integer webPort;

        @Option(names = "--web-bind", paramLabel = "<addr>",
                description = "the address the web server listens on (default the app's webBind, 127.0.0.1);"
                        + " turns the web server on")
        String webBind;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Worker(WorkerHandle app) {
            this.app = app;
        }

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter err = spec.commandLine().getErr();
            if (logLevel != null) {
                String note = logLevel.apply(LoggerFactory.getLogger(app.getClass()));
                if (!note.isEmpty()) {
                    err.println(note);
                    err.flush();
                }
            }
            if (broker != null) {
                try {
                    app.useBroker(broker);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    err.println("worker: --broker " + broker + ": " + e.getMessage());
                    err.flush();
                    return e instanceof IllegalArgumentException ? 2 : 1;
                }
            }
            if (webPort != null || webBind != null) {
                try {
                    app.useWeb(webPort, webBind);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    err.println("worker: " + (webPort != null ? "--web-port " + webPort : "")
                            + (webPort != null && webBind != null ? " " : "")
                            + (webBind != null ? "--web-bind " + webBind : "") + ": " + e.getMessage());
                    err.flush();
                    return e instanceof IllegalArgumentException ? 2 : 1;
                }
            }
            // the JVM is exiting (signals not handled, or System.exit elsewhere): stop, and hold the exit until stopped
            Thread hook = new Thread(() -> {
                app.stop();
                try {
                    app.awaitTermination(app.shutdownGracePeriod().plusSeconds(15));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "faust4j-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            Signals.handleStop(app::stop);
            try {
                app.start();
            } catch (RuntimeException e) {
                Runtime.getRuntime().removeShutdownHook(hook);
                throw e;
            }
            int code = app.awaitTermination();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the hook is running: it is what stopped us
            }
            return code;
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true,
            description = "Sends a value (its UTF-8 bytes, checked with the topic's codecs when the app declares the"
                    + " topic) to a topic, or to the topic of an agent (@name). The topic must exist unless --create.")
    static final class Send implements Callable<Integer> {
        private final WorkerHandle app;

        @Parameters(index = "0", paramLabel = "<topic|@agent>", description = "a topic name, or @ and an agent's name")
        String target;

        @Parameters(index = "1", description = "value, sent as its UTF-8 bytes (JSON for json topics)")
        String value;

        @Option(names = {"-k", "--key"}, description = "key, sent as its UTF-8 bytes")
        String key;

        @Option(names = {"-p", "--partition"}, description = "explicit partition")
        Integer partition;

        @Option(names = "--repeat", defaultValue = "1", description = "send the value this many times (default 1)")
        int repeat;

        @Option(names = "--create", description = "create the topic (the app's partitions and replication) if missing")
        boolean create;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Send(WorkerHandle app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            PrintWriter out = spec.commandLine().getOut();
            try {
                if (app.inProcessBroker()) {
                    err.println("send: app " + app.appId() + " runs on " + app.broker() + ", a broker inside this"
                            + " process, so the record would vanish when this command exits; send to the app's Kafka"
                            + " broker (set its broker, e.g. BROKER=kafka://localhost:9092)");
                    return 1;
                }
                if (repeat < 1) {
                    err.println("send: --repeat must be at least 1, was " + repeat);
                    return 2;
                }
                String topic = target.startsWith("@") ? app.agentTopic(target.substring(1)) : target;
                byte[] k = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
                byte[] v = value.getBytes(StandardCharsets.UTF_8);
                app.check(topic, k, v);
                OptionalInt partitions = app.partitionsOnBroker(topic);
                if (partitions.isEmpty() && !create) {
                    err.println("send: topic " + topic + " does not exist on " + app.broker() + "; check its name,"
                            + " or pass --create to create it with the app's defaults");
                    return 1;
                }
                if (partition != null && partitions.isPresent() && (partition < 0
                        || partition >= partitions.getAsInt())) {
                    err.println("send: topic " + topic + " has " + partitions.getAsInt() + " partitions; --partition "
                            + partition + " is not one of them");
                    return 2;
                }
                for (int i = 0; i < repeat; i++) {
                    RecordMetadata md = app.send(topic, k, v, partition, create && i == 0).join();
                    out.println(md.topic() + "-" + md.partition() + "@" + md.offset());
                }
                out.flush();
                return 0;
            } catch (IllegalArgumentException e) {
                err.println("send: " + e.getMessage());
                return 1;
            } finally {
                err.flush();
                app.stop();
            }
        }
    }

    /**
     * A listing command: prints its header and one row per thing the app declares, as aligned columns; a row it
     * cannot make ({@link IllegalArgumentException}: an unknown name) is an error line and exit code 1.
     */
    abstract static class ListingCommand implements Callable<Integer> {
        private final WorkerHandle app;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        ListingCommand(WorkerHandle app) {
            this.app = app;
        }

        /** The header, then one row per item. */
        abstract List<String[]> rows(Listing listing);

        @Override
        public Integer call() {
            try {
                table(spec.commandLine().getOut(), rows(app.listing()));
                return 0;
            } catch (IllegalArgumentException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println(spec.name() + ": " + e.getMessage());
                err.flush();
                return 1;
            } finally {
                app.stop();
            }
        }
    }

    @Command(name = "agents", mixinStandardHelpOptions = true, description = "Lists the app's agents.")
    static final class Agents extends ListingCommand {
        Agents(WorkerHandle app) {
            super(app);
        }

        @Override
        List<String[]> rows(Listing listing) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"AGENT", "READS", "CONCURRENCY"});
            for (Listing.Agent a : listing.agents()) {
                rows.add(new String[] {a.name(), a.reads(), Integer.toString(a.concurrency())});
            }
            return rows;
        }
    }

    @Command(name = "topics", mixinStandardHelpOptions = true,
            description = "Lists the topics the app declares (with the ones faust4j makes for it).")
    static final class Topics extends ListingCommand {
        Topics(WorkerHandle app) {
            super(app);
        }

        @Override
        List<String[]> rows(Listing listing) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"TOPIC", "PARTITIONS", "KEY", "VALUE", "INTERNAL"});
            for (Listing.Topic t : listing.topics()) {
                rows.add(new String[] {t.name(), t.partitions() == 0 ? "-" : Integer.toString(t.partitions()),
                        t.keyCodec(), t.valueCodec(), t.internal() ? "yes" : "no"});
            }
            return rows;
        }
    }

    @Command(name = "tables", mixinStandardHelpOptions = true, description = "Lists the app's tables.")
    static final class Tables extends ListingCommand {
        Tables(WorkerHandle app) {
            super(app);
        }

        @Override
        List<String[]> rows(Listing listing) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"TABLE", "KIND", "CHANGELOG"});
            for (Listing.Table t : listing.tables()) {
                rows.add(new String[] {t.name(), t.kind(), t.changelog()});
            }
            return rows;
        }
    }

    @Command(name = "models", mixinStandardHelpOptions = true,
            description = "Lists the app's models: the record types its topics, channels and tables carry as keys or"
                    + " values, and those their fields hold.")
    static final class Models extends ListingCommand {
        Models(WorkerHandle app) {
            super(app);
        }

        @Override
        List<String[]> rows(Listing listing) {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"MODEL", "JAVA CLASS", "USED BY"});
            for (Listing.Model m : listing.models()) {
                rows.add(new String[] {m.name(), m.javaClass(), String.join(", ", m.usedBy())});
            }
            return rows;
        }
    }

    @Command(name = "model", mixinStandardHelpOptions = true,
            description = "Lists the fields of one of the app's models (see 'models'): name and Java type.")
    static final class Model extends ListingCommand {
        @Parameters(index = "0", paramLabel = "<name>", description = "the model's name, or its Java class")
        String name;

        Model(WorkerHandle app) {
            super(app);
        }

        @Override
        List<String[]> rows(Listing listing) {
            for (Listing.Model m : listing.models()) {
                if (m.name().equals(name) || m.javaClass().equals(name)) {
                    List<String[]> rows = new ArrayList<>();
                    rows.add(new String[] {"FIELD", "TYPE"});
                    for (Listing.Field f : m.fields()) {
                        rows.add(new String[] {f.name(), f.type()});
                    }
                    return rows;
                }
            }
            List<String> known = listing.models().stream().map(Listing.Model::name).toList();
            throw new IllegalArgumentException("no model named " + name + " (the app's models: "
                    + (known.isEmpty() ? "none" : String.join(", ", known)) + ")");
        }
    }

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Deletes the local table state (the RocksDB stores under dataDir): the next start restores"
                    + " every table from its changelog. Kafka topics and committed offsets are untouched. Only while"
                    + " the app does not run.")
    static final class Reset implements Callable<Integer> {
        private final WorkerHandle app;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Reset(WorkerHandle app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            try {
                PrintWriter out = spec.commandLine().getOut();
                out.println(app.resetTables());
                out.flush();
                return 0;
            } catch (IllegalStateException e) {
                PrintWriter err = spec.commandLine().getErr();
                err.println("reset: " + e.getMessage());
                err.flush();
                return 1;
            }
        }
    }

    /**
     * One of the app's own commands: runs its body with the words after its name (options included, as words), then
     * stops the app (gracefully, when the command started it). A body that throws prints the error: exit code 1.
     */
    @Command(mixinStandardHelpOptions = true)
    static final class Own implements Callable<Integer> {
        private final WorkerHandle app;
        private final UserCommand command;

        @Parameters(arity = "0..*", paramLabel = "<args>", description = "passed to the command")
        List<String> args = new ArrayList<>();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Own(WorkerHandle app, UserCommand command) {
            this.app = app;
            this.command = command;
        }

        @Override
        public Integer call() {
            try {
                return command.body().run(List.copyOf(args));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                PrintWriter err = spec.commandLine().getErr();
                err.println(command.name() + ": failed: " + e);
                e.printStackTrace(err);
                err.flush();
                return 1;
            } finally {
                app.stop();
            }
        }
    }
}
