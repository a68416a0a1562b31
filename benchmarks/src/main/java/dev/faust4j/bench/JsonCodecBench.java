package dev.faust4j.bench;

import dev.faust4j.codec.Codec;
import dev.faust4j.codec.Codecs;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

import java.util.concurrent.TimeUnit;

/**
 * The JSON codec on the benchmark record (about 100 bytes): faust4j's {@code Codecs.json(Tx.class)} against
 * a plain Jackson 3 mapper bound to the same record, decode and encode. Score: operations per microsecond.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JsonCodecBench {
    private byte[][] values;
    private Tx[] txs;
    private int i;
    private final Codec<Tx> codec = Codecs.json(Tx.class);
    private final ObjectMapper mapper = JsonMapper.builder().build();
    private ObjectReader reader;

    @Setup
    public void setup() {
        values = Tx.jsonValues(1024, 3);
        txs = new Tx[values.length];
        reader = mapper.readerFor(Tx.class);
        for (int k = 0; k < values.length; k++) {
            txs[k] = codec.decode(values[k]);
        }
    }

    @Benchmark
    public Tx decodeFaust4j() {
        return codec.decode(values[i++ & 1023]);
    }

    @Benchmark
    public Tx decodePlainJackson() {
        return reader.readValue(values[i++ & 1023]);
    }

    @Benchmark
    public byte[] encodeFaust4j() {
        return codec.encode(txs[i++ & 1023]);
    }

    @Benchmark
    public byte[] encodePlainJackson() {
        return mapper.writeValueAsBytes(txs[i++ & 1023]);
    }
}
