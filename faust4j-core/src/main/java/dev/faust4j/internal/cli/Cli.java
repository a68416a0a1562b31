package dev.faust4j.internal.cli;

import dev.faust4j.RecordMetadata;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * The app's command line (Faust's {@code faust -A app ...}): {@code worker}, {@code send} and {@code reset}.
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
                .addSubcommand("reset", new Reset(app));
        return cl.execute(args);
    }

    @Command(mixinStandardHelpOptions = true, description = "A faust4j app. Commands: worker, send, reset.")
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
            description = "Sends one value (UTF-8 bytes as given) to a topic.")
    static final class Send implements Callable<Integer> {
        private final WorkerHandle app;

        @Parameters(index = "0", description = "topic name")
        String topic;

        @Parameters(index = "1", description = "value, sent as its UTF-8 bytes (JSON for json topics)")
        String value;

        @Option(names = {"-k", "--key"}, description = "key, sent as its UTF-8 bytes")
        String key;

        @Option(names = {"-p", "--partition"}, description = "explicit partition")
        Integer partition;

        Send(WorkerHandle app) {
            this.app = app;
        }

        @Override
        public Integer call() {
            try {
                RecordMetadata md = app.sendRaw(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8), partition).join();
                System.out.println(md.topic() + "-" + md.partition() + "@" + md.offset());
                return 0;
            } finally {
                app.stop();
            }
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
