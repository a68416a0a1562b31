/**
 * The faust4j test kit: {@link dev.faust4j.test.TestDriver} runs an app on the embedded {@code memory://} transport,
 * with several partitions and a {@link dev.faust4j.test.TestClock}, and lets a test send, run until idle, read what the
 * agents wrote, move the clock and ask an agent for its answer. Only the public API of {@code dev.faust4j} is used.
 * <pre>{@code
 * module com.example.payments {   // or open module ... for the tests
 *     requires dev.faust4j;
 *     requires dev.faust4j.test;   // test scope
 * }
 * }</pre>
 */
module dev.faust4j.test {
    requires transitive dev.faust4j;
    requires static org.jspecify;

    exports dev.faust4j.test;

    uses dev.faust4j.spi.TransportFactory;
}
