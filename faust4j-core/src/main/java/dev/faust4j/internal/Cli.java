package dev.faust4j.internal;

import dev.faust4j.App;
import dev.faust4j.spi.ProducedRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/** The app's command line (Faust's {@code faust -A app ...}): {@code worker} and {@code send}. */
final class Cli {
    private Cli() {}

    static int run(App app, AppRuntime runtime, String... args) {
        CommandLine cl = new CommandLine(new Root(app.settings().id()))
                .addSubcommand("worker", new Worker(app, runtime))
                .addSubcommand("send", new Send(app, runtime));
        return cl.execute(args);
    }

    @Command(mixinStandardHelpOptions = true, description = "A faust4j app. Commands: worker, send.")
    static final class Root implements Callable<Integer> {
        private final String id;

        Root(String id) {
            this.id = id;
        }

        @Override
        public Integer call() {
            System.out.println("app " + id + ": use 'worker' to run it, 'send <topic> <value>' to send, '--help' for more");
            return 2;
        }
    }

    @Command(name = "worker", mixinStandardHelpOptions = true,
            description = "Runs the worker until SIGTERM or Ctrl-C, then stops gracefully.")
    static final class Worker implements Callable<Integer> {
        private final App app;
        private final AppRuntime runtime;

        Worker(App app, AppRuntime runtime) {
            this.app = app;
            this.runtime = runtime;
        }

        @Override
        public Integer call() throws InterruptedException {
            // the JVM is exiting (signals not handled, or System.exit elsewhere): stop, and hold the exit until stopped
            Thread hook = new Thread(() -> {
                app.stop();
                try {
                    runtime.awaitTermination(runtime.settings().shutdownGracePeriod().plusSeconds(15));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "faust4j-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            handleStopSignals(app);
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

    /**
     * SIGTERM and SIGINT stop the app gracefully and let {@code worker} return its exit code (0 for a clean
     * stop). With only a shutdown hook the JVM would already be exiting with status 143/130. A second signal
     * while stopping exits at once (status 130), without waiting for in-flight events or committing. Falls back
     * to the shutdown hook where signals cannot be handled.
     */
    @SuppressWarnings("removal")
    static void handleStopSignals(App app) {
        AtomicInteger received = new AtomicInteger();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> {
                    if (received.getAndIncrement() == 0) {
                        Thread.ofPlatform().name("faust4j-signal").start(app::stop);
                    } else {
                        System.err.println("faust4j: second stop signal, exiting now without committing");
                        Runtime.getRuntime().halt(130);
                    }
                });
            } catch (Throwable unavailable) {
                // the shutdown hook still stops the app gracefully
            }
        }
    }

    @Command(name = "send", mixinStandardHelpOptions = true, description = "Sends one value (UTF-8 bytes as given) to a topic.")
    static final class Send implements Callable<Integer> {
        private final App app;
        private final AppRuntime runtime;

        @Parameters(index = "0", description = "topic name")
        String topic;

        @Parameters(index = "1", description = "value, sent as its UTF-8 bytes (JSON for json topics)")
        String value;

        @Option(names = {"-k", "--key"}, description = "key, sent as its UTF-8 bytes")
        String key;

        @Option(names = {"-p", "--partition"}, description = "explicit partition")
        Integer partition;

        Send(App app, AppRuntime runtime) {
            this.app = app;
            this.runtime = runtime;
        }

        @Override
        public Integer call() {
            try {
                runtime.transport().declareTopics(List.of(new dev.faust4j.spi.TopicSpec(topic,
                        app.settings().topicPartitions(), app.settings().topicReplicationFactor(), false, java.util.Map.of())));
                var md = runtime.send(new ProducedRecord(topic, partition, null,
                        key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8), List.of())).join();
                runtime.producerFlush();
                System.out.println(md.topic() + "-" + md.partition() + "@" + md.offset());
                return 0;
            } finally {
                app.stop();
            }
        }
    }
}
