package dev.faust4j.internal.event;

import dev.faust4j.Sensor;
import dev.faust4j.spi.ConsumedRecord;

/**
 * One reader's hook into the sensors' stream events: set on each event its stream hands out (only when a sensor
 * listens), it reports the event in, and out with the time in between when the event is acked, whichever way it
 * is acked (the next iteration, a batch, {@code event.ack()} on a noack stream).
 *
 * <p>Thread-safety: immutable; the sensors are thread-safe.
 *
 * @param reader the agent's name ("stream" outside agents)
 * @param sensor the app's sensors
 */
public record StreamProbe(String reader, Sensor sensor) {

    void in(ConsumedRecord r) {
        sensor.onStreamEventIn(reader, r.topic(), r.partition(), r.offset());
    }

    void out(ConsumedRecord r, long nanos) {
        sensor.onStreamEventOut(reader, r.topic(), r.partition(), r.offset(), r.timestamp(), nanos);
    }

    /** A channel's value: no topic, partition, offset or timestamp ({@link Sensor#CHANNEL}, -1). */
    void inChannel() {
        sensor.onStreamEventIn(reader, Sensor.CHANNEL, -1, -1);
    }

    void outChannel(long nanos) {
        sensor.onStreamEventOut(reader, Sensor.CHANNEL, -1, -1, -1, nanos);
    }
}
