package dev.faust4j.internal.app;

import dev.faust4j.RecordMetadata;
import dev.faust4j.Settings;
import dev.faust4j.Source;
import dev.faust4j.internal.agent.AgentImpl;
import dev.faust4j.internal.cli.Listing;
import dev.faust4j.internal.send.Sender;
import dev.faust4j.internal.table.Tables;
import dev.faust4j.internal.topic.TopicImpl;
import dev.faust4j.spi.ProducedRecord;
import dev.faust4j.spi.TopicSpec;
import dev.faust4j.spi.Transport;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.Locale;
import java.util.Set;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What the command line asks of an app besides running it: what it declares ({@code agents}, {@code topics},
 * {@code tables}, {@code models}: see {@link Models}) and sending a value the way {@code send} does (to a topic or an agent, checked with the topic's
 * codecs, to an existing topic unless asked to create it).
 *
 * <p>Design. Reads the {@link Registry} and the {@link Tables} the runtime owns and sends with its {@link Sender},
 * untied from any record; holds no state of its own. The settings come through a supplier: {@code worker --broker}
 * may change the broker before start.
 *
 * <p>Thread-safety: thread-safe as its collaborators are (the command line calls it from one thread).
 */
final class CommandSupport {
    private final Supplier<Settings> settings;
    private final Registry registry;
    private final Tables tables;
    private final Supplier<Transport> transport;
    private final Sender sender;

    CommandSupport(Supplier<Settings> settings, Registry registry, Tables tables, Supplier<Transport> transport,
                   Sender sender) {
        this.settings = settings;
        this.registry = registry;
        this.tables = tables;
        this.transport = transport;
        this.sender = sender;
    }

    /** The agents, topics, tables and models the app declares. */
    Listing listing() {
        List<Models.Use> uses = new ArrayList<>();
        List<Listing.Agent> agents = new ArrayList<>();
        for (AgentImpl<?, ?> a : registry.agents()) {
            Source<?, ?> source = a.source();
            agents.add(new Listing.Agent(a.name(), source.label(), a.concurrency()));
        }
        Map<String, Listing.Topic> topics = new TreeMap<>();
        for (TopicImpl<?, ?> t : registry.topics()) {
            for (String name : t.names()) {
                topics.putIfAbsent(name, new Listing.Topic(name, t.partitions(), String.valueOf(t.keyCodec()),
                        String.valueOf(t.valueCodec()), t.internal()));
            }
            uses.add(new Models.Use(t.keyCodec().type(), "topic " + t.label() + " (key)"));
            uses.add(new Models.Use(t.valueCodec().type(), "topic " + t.label() + " (value)"));
        }
        for (Class<?> type : registry.channelTypes()) {
            uses.add(new Models.Use(type, "channel (value)"));
        }
        List<Listing.Table> described = new ArrayList<>();
        for (Tables.Described t : tables.describe()) {
            described.add(new Listing.Table(t.name(), t.kind(), t.changelog()));
            uses.add(new Models.Use(t.keyType(), "table " + t.name() + " (key)"));
            uses.add(new Models.Use(t.valueType(), "table " + t.name() + " (" + (t.kind().equals("set") ? "member"
                    : "value") + ")"));
        }
        return new Listing(agents, List.copyOf(topics.values()), described, Models.of(uses));
    }

    /**
     * The start banner: the app, its broker, guarantee and table store, then one line per agent (what it reads),
     * the topics it declares that no agent reads, one line per table, and the web server's address when it runs.
     */
    List<String> banner(@Nullable String web) {
        Settings s = settings.get();
        Listing l = listing();
        List<String> lines = new ArrayList<>();
        lines.add("app " + s.id() + " started on " + s.broker() + ": "
                + s.processingGuarantee().name().toLowerCase(Locale.ROOT).replace('_', '-') + ", "
                + l.agents().size() + " agent(s), " + l.tables().size() + " table(s)"
                + (l.tables().isEmpty() ? "" : " in " + s.tableStore()
                        + (s.tableStore().equals("rocksdb://") ? " (" + s.dataDir() + ")" : "")));
        Set<String> read = new HashSet<>();
        for (Listing.Agent a : l.agents()) {
            lines.add("  agent " + a.name() + " reads " + a.reads()
                    + (a.concurrency() > 1 ? " (concurrency " + a.concurrency() + ")" : ""));
            read.addAll(List.of(a.reads().split(",")));
        }
        List<String> others = new ArrayList<>();
        for (Listing.Topic t : l.topics()) {
            if (!t.internal() && !read.contains(t.name())) {
                others.add(t.name());
            }
        }
        if (!others.isEmpty()) {
            lines.add("  topics " + String.join(", ", others));
        }
        for (Listing.Table t : l.tables()) {
            lines.add("  table " + t.name() + " (" + t.kind() + "), changelog " + t.changelog());
        }
        if (web != null) {
            lines.add("  web " + web + " (status page; /health/live, /health/ready, /api/status)");
        }
        return lines;
    }

    /** The topic an agent reads, for {@code send @agent}. */
    String agentTopic(String agent) {
        for (AgentImpl<?, ?> a : registry.agents()) {
            if (a.name().equals(agent)) {
                if (a.source() instanceof TopicImpl<?, ?> t && t.names().size() == 1) {
                    return t.name();
                }
                throw new IllegalArgumentException("agent " + agent + " reads " + a.source().label()
                        + ", not one topic: send to a topic instead");
            }
        }
        List<String> names = registry.agents().stream().map(AgentImpl::name).sorted().toList();
        throw new IllegalArgumentException(
                "app " + settings.get().id() + " has no agent named " + agent + " (its agents: "
                        + (names.isEmpty() ? "none" : String.join(", ", names)) + ")");
    }

    /**
     * Checks a key and value against the codecs of the topic when the app declares it: each must decode, else the
     * message says which and why. A topic the app does not declare is not checked.
     */
    void check(String topic, byte @Nullable [] key, byte[] value) {
        for (TopicImpl<?, ?> t : registry.topics()) {
            if (t.names().contains(topic)) {
                decode(topic, "value", t.valueCodec(), value);
                if (key != null) {
                    decode(topic, "key", t.keyCodec(), key);
                }
                return;
            }
        }
    }

    private static void decode(String topic, String what, dev.faust4j.codec.Codec<?> codec, byte[] bytes) {
        try {
            var unused = codec.decode(bytes);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("the " + what + " is not a valid " + codec + " " + what + " of topic "
                    + topic + ": " + e.getMessage(), e);
        }
    }

    /** The topic's partition count on the broker, or empty when it does not exist there. */
    OptionalInt partitionsOnBroker(String topic) {
        return transport.get().partitionCount(topic);
    }

    /** True when the broker lives in this process ({@code memory://}): what is sent there dies with it. */
    boolean inProcessBroker() {
        String scheme = settings.get().brokerScheme();
        return scheme.equals("memory") || scheme.endsWith("+memory");
    }

    /** Sends raw bytes to a topic (created with the app's defaults when {@code create}) and flushes. */
    CompletableFuture<RecordMetadata> send(String topic, byte @Nullable [] key, byte[] value,
                                           @Nullable Integer partition, boolean create) {
        if (create) {
            Settings s = settings.get();
            transport.get().declareTopics(List.of(new TopicSpec(topic, s.topicPartitions(),
                    s.topicReplicationFactor(), false, Map.of())));
        }
        CompletableFuture<RecordMetadata> f = sender.sendUntied(new ProducedRecord(topic, partition, null, key,
                value, List.of()));
        sender.flush();
        return f;
    }
}
