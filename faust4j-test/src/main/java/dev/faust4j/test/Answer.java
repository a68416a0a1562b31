package dev.faust4j.test;

import dev.faust4j.Topic;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What an agent did with one value given to it by {@link TestDriver#ask}: Faust's {@code agent.test_context()} in
 * Java. Its <em>result</em> is what it sent while the app processed that value (to any topic: outputs, changelogs,
 * repartition topics), or the exception its function threw for it.
 *
 * <pre>{@code
 * Answer answer = driver.ask(totalsAgent, "alice", new Order("alice", 30));
 * assertThat(answer.value(totals)).isEqualTo(new Total("alice", 30));
 *
 * Answer bad = driver.ask(totalsAgent, "bob", new Order("bob", -1));
 * assertThat(bad.error()).containsInstanceOf(IllegalArgumentException.class);
 * }</pre>
 *
 * <p><b>Thread-safety:</b> immutable and thread-safe.
 */
public final class Answer {
    private final List<Probe.Sent> sent;
    private final @Nullable Throwable error;
    private final Reader reader;
    private final String agent;

    Answer(String agent, List<Probe.Sent> sent, @Nullable Throwable error,
           Reader reader) {
        this.agent = agent;
        this.sent = List.copyOf(sent);
        this.error = error;
        this.reader = reader;
    }

    /** The exception the agent's function threw for the value, if it threw (its error policy applied as usual). */
    public Optional<Throwable> error() {
        return Optional.ofNullable(error);
    }

    /**
     * The records the app sent to {@code topic} while it processed the value, in the order they were sent, decoded
     * with the topic's codecs. Empty when it sent none there (or threw before).
     */
    public <K, V> List<TestRecord<K, V>> records(Topic<K, V> topic) {
        List<TestRecord<K, V>> out = new ArrayList<>();
        for (Probe.Sent s : sent) {
            if (topic.names().contains(s.topic())) {
                out.add(reader.read(s, topic));
            }
        }
        return out;
    }

    /**
     * The value of the first record the app sent to {@code topic} for the value: the agent's result.
     *
     * @throws AssertionError when the agent threw (the exception is the cause), or sent nothing to {@code topic}
     */
    public <K, V> @Nullable V value(Topic<K, V> topic) {
        if (error != null) {
            throw new AssertionError("agent " + agent + " threw " + error, error);
        }
        List<TestRecord<K, V>> records = records(topic);
        if (records.isEmpty()) {
            throw new AssertionError("agent " + agent + " sent nothing to " + topic.label() + " for the value; it sent "
                    + (sent.isEmpty() ? "nothing at all" : "to " + sent.stream().map(Probe.Sent::topic).distinct()
                            .toList()));
        }
        return records.getFirst().value();
    }

    /** How many records the app sent, to any topic, while it processed the value. */
    public int sentCount() {
        return sent.size();
    }

    @Override
    public String toString() {
        return "Answer[agent=" + agent + ", sent=" + sent + (error == null ? "" : ", error=" + error) + "]";
    }

    /** Reads a record the app sent with a topic's codecs. */
    interface Reader {
        <K, V> TestRecord<K, V> read(Probe.Sent sent, Topic<K, V> topic);
    }
}
