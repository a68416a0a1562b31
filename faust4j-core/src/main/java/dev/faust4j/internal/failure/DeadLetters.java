package dev.faust4j.internal.failure;

import dev.faust4j.Sensor;
import dev.faust4j.Header;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.send.Sender;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.ProducedRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Copies failed records to dead-letter topics: original key, value, timestamp and headers byte for byte, plus
 * headers naming the origin, the error and the attempts.
 *
 * <p>Design. The dead-letter send is tied to the failed deliveries ({@link Sender#sendFor}), so their acks wait
 * until the copy is durable. A record is never dead-lettered into a topic it came from: neither the topic it was
 * read from nor any topic named by its own {@value #TOPIC} headers (it was dead-lettered from there before). Such
 * a loop is refused at declaration where it can be seen; the check here breaks the ones that cannot (two apps
 * dead-lettering into each other's input), by skipping the record with an error line.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class DeadLetters {
    /** Header: the topic the record failed on. */
    public static final String TOPIC = "faust4j.dlq.topic";
    /** Header: its partition. */
    public static final String PARTITION = "faust4j.dlq.partition";
    /** Header: its offset. */
    public static final String OFFSET = "faust4j.dlq.offset";
    /** Header: the error's class. */
    public static final String ERROR_CLASS = "faust4j.dlq.error.class";
    /** Header: the error's message (at most 1,024 characters). */
    public static final String ERROR_MESSAGE = "faust4j.dlq.error.message";
    /** Header: how many times processing was attempted. */
    public static final String ATTEMPTS = "faust4j.dlq.attempts";

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);
    private static final int MAX_MESSAGE = 1024;

    private final Sender sender;
    private final Consumer<String> declare;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();
    private final Sensor sensor;

    /**
     * @param sender  sends the copies
     * @param declare makes sure a dead-letter topic exists (called once per topic)
     * @param sensor  told of each dead letter
     */
    public DeadLetters(Sender sender, Consumer<String> declare, Sensor sensor) {
        this.sensor = sensor;
        this.sender = sender;
        this.declare = declare;
    }

    /**
     * Sends a copy of {@code record} to {@code topic}, tied to {@code causes}. Returns false, having sent nothing,
     * when that would send the record back into a topic it came from.
     */
    public boolean send(String topic, List<? extends EventImpl<?, ?>> causes, ConsumedRecord record, Throwable error,
                        int attempts) {
        if (loops(topic, record)) {
            log.error("Not dead-lettering {} into {}: the record came from that topic, so it would loop; skipping it "
                    + "(give the dead-letter topic's readers another error policy)", EventImpl.position(record), topic);
            return false;
        }
        if (declared.add(topic)) {
            try {
                declare.accept(topic);
            } catch (RuntimeException e) {
                declared.remove(topic);
                throw e;
            }
        }
        sender.sendFor(causes, record(topic, record, error, attempts));
        sensor.onDeadLetter(record.topic(), topic);
        return true;
    }

    /** True when dead-lettering {@code record} into {@code topic} would send it back where it came from. */
    public static boolean loops(String topic, ConsumedRecord record) {
        if (record.topic().equals(topic)) {
            return true;
        }
        for (Header h : record.headers()) {
            if (h.key().equals(TOPIC) && h.value() != null
                    && topic.equals(new String(h.value(), StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    /** The dead-letter copy: original bytes, plus headers naming the origin, the error and the attempts. */
    public static ProducedRecord record(String topic, ConsumedRecord r, Throwable error, int attempts) {
        List<Header> headers = new ArrayList<>(r.headers().size() + 6);
        headers.addAll(r.headers());
        headers.add(header(TOPIC, r.topic()));
        headers.add(header(PARTITION, Integer.toString(r.partition())));
        headers.add(header(OFFSET, Long.toString(r.offset())));
        headers.add(header(ERROR_CLASS, error.getClass().getName()));
        String msg = String.valueOf(error.getMessage());
        headers.add(header(ERROR_MESSAGE, msg.length() > MAX_MESSAGE ? msg.substring(0, MAX_MESSAGE) : msg));
        headers.add(header(ATTEMPTS, Integer.toString(attempts)));
        return new ProducedRecord(topic, null, r.timestamp(), r.key(), r.value(), List.copyOf(headers));
    }

    private static Header header(String key, String value) {
        return new Header(key, value.getBytes(StandardCharsets.UTF_8));
    }
}
