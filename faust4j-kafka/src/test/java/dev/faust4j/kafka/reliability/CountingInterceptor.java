package dev.faust4j.kafka.reliability;

import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Kafka consumer interceptor that counts the records each {@code KafkaConsumer.poll} hands to faust4j, per
 * counter name (client property {@value #COUNTER}, set with the {@code consumer.} prefix). Installed through the
 * ordinary {@code interceptor.classes} client property, so the app under test is unchanged: the count is exactly
 * what the consumer returned to the Conductor, whatever faust4j did with it.
 */
public final class CountingInterceptor implements ConsumerInterceptor<byte[], byte[]> {

    static final String COUNTER = "faust4j.test.counter";
    private static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    private AtomicLong count = new AtomicLong();

    /** Records handed to faust4j by the consumer(s) configured with this counter name. */
    static long consumed(String counter) {
        return COUNTS.computeIfAbsent(counter, c -> new AtomicLong()).get();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object name = configs.get(COUNTER);
        if (name != null) {
            count = COUNTS.computeIfAbsent(name.toString(), c -> new AtomicLong());
        }
    }

    @Override
    public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
        count.addAndGet(records.count());
        return records;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    }

    @Override
    public void close() {
    }
}
