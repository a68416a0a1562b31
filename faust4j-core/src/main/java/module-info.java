/**
 * faust4j: stream processing for Java 21 on Apache Kafka, with the design of Python's Faust.
 *
 * <p>Only the API is exported: {@link dev.faust4j} (apps, topics, channels, agents, streams, events, settings),
 * {@link dev.faust4j.codec} (codecs), {@link dev.faust4j.spi} (the transport SPI) and {@link dev.faust4j.time}
 * (the clock). The runtime ({@code dev.faust4j.internal}) is not exported. The embedded {@code memory://} transport
 * is provided here; {@code kafka://} comes with the {@code dev.faust4j.kafka} module, found through the
 * {@link dev.faust4j.spi.TransportFactory} service.
 *
 * <p>An app in a module of its own requires this one, and opens the packages of its record types to Jackson
 * (JSON codecs) and to this module ({@code groupBy("field")} reads record components):
 * <pre>{@code
 * module com.example.payments {
 *     requires dev.faust4j;
 *     opens com.example.payments to tools.jackson.databind, dev.faust4j;
 * }
 * }</pre>
 */
@SuppressWarnings("requires-automatic") // rocksdbjni has no module descriptor: its file name names it
module dev.faust4j {
    requires org.slf4j;
    requires rocksdbjni; // RocksDB table stores (tableStore=rocksdb://)
    requires tools.jackson.databind;
    requires info.picocli;
    requires jdk.unsupported; // sun.misc.Signal: SIGTERM and Ctrl-C stop the worker gracefully
    requires jdk.httpserver; // the worker's web server (webEnabled): health, status page, the app's pages
    requires static transitive org.jspecify; // @NullMarked and @Nullable on the API, for users' tools

    exports dev.faust4j;
    exports dev.faust4j.codec;
    exports dev.faust4j.spi;
    exports dev.faust4j.time;

    opens dev.faust4j.internal.cli to info.picocli; // picocli reads the command classes reflectively
    opens dev.faust4j.internal.web to tools.jackson.databind; // Jackson writes the web server's JSON records

    uses dev.faust4j.spi.TransportFactory;

    provides dev.faust4j.spi.TransportFactory with dev.faust4j.internal.memory.MemoryTransport.Factory;
}
