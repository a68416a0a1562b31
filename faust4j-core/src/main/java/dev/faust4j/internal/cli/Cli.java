package dev.faust4j.internal.cli;

import dev.faust4j.RecordMetadata;
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
 * The app's command line (Faust's {@code faust -A app ...}): {@code worker}, {@code send}, {@code agents},
 * {@code topics}, {@code tables} and {@code reset}; {@code --version} and {@code --help}, whose usage names the app.
 *
 * <p>Thread-safety: each call parses and runs one command line.
 */
public final class Cli {
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
                .addSubcommand("reset", new Reset(app));
        cl.setCommandName(app.appId());
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
            description = "A faust4j app. Commands: worker, send, agents, topics, tables, reset.")
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

        Worker(WorkerHandle app) {
            this.app = app;
        }

        @Override
        public Integer call() throws InterruptedException {
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

    /** A listing command: prints its header and one row per thing the app declares, as aligned columns. */
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

    @Command(name = "reset", mixinStandardHelpOptions = true,
            description = "Deletes the local table state (the RocksDB stores under dataDir): the next start restores"
                    + " every table from its changelog. Kafka topics and committed offsets are untouched.")
    static final class Reset implements Callable<Integer> {
        private final WorkerHandle app;

        Reset(WorkerHandle app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            System.out.println(app.resetTables());
            return 0;
        }
    }
}
