package dev.faust4j;

/**
 * An in-memory, in-process channel, as Faust's {@code app.channel()}: every value sent is fanned out to every
 * stream iterating the channel, each through its own bounded buffer. Nothing is serialized or persisted and
 * there are no offsets: values in buffers are lost when the process stops.
 *
 * <pre>{@code
 * Channel<String> greetings = app.channel(String.class);
 * app.agent(greetings, stream -> { for (String g : stream) System.out.println(g); }).name("printer");
 * greetings.send("hello");
 * }</pre>
 *
 * <p><b>Thread-safety:</b> thread-safe.
 *
 * @param <V> value type
 */
public interface Channel<V> extends Source<Void, V> {

    /**
     * Puts the value into every subscriber's buffer, blocking while one of them is full (back-pressure).
     * Values sent while nobody iterates the channel are dropped, as in Faust.
     *
     * @throws IllegalStateException when the app is stopped
     */
    void send(V value) throws InterruptedException;

    /** Buffer size of each subscriber. */
    int maxsize();
}
