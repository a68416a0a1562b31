package dev.faust4j.testing;

import dev.faust4j.internal.memory.MemoryTransport;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.TopicPartition;

import java.util.List;

/** The embedded transport, one isolated broker per test. */
public final class MemoryFixture implements TransportFixture {
    @Override
    public String name() {
        return "memory";
    }

    @Override
    public String brokerUrl(String testId) {
        return "memory://" + testId;
    }

    private static String name(String url) {
        return url.substring("memory://".length());
    }

    @Override
    public Long committed(String brokerUrl, String groupId, TopicPartition tp) {
        return MemoryTransport.committed(name(brokerUrl), groupId, tp);
    }

    @Override
    public List<ConsumedRecord> records(String brokerUrl, String topic) {
        return MemoryTransport.records(name(brokerUrl), topic);
    }

    @Override
    public List<ConsumedRecord> committedRecords(String brokerUrl, String topic) {
        return MemoryTransport.committedRecords(name(brokerUrl), topic);
    }

    @Override
    public void appendRaw(String brokerUrl, String topic, int partitions, int partition, byte[] key, byte[] value) {
        MemoryTransport.appendRaw(name(brokerUrl), topic, partitions, partition, key, value);
    }

    @Override
    public long endOffset(String brokerUrl, TopicPartition tp) {
        return MemoryTransport.endOffset(name(brokerUrl), tp);
    }
}
