package dev.faust4j.spi;

import dev.faust4j.Sensor;
import dev.faust4j.Settings;

/**
 * What a transport needs to know about the app it serves.
 *
 * @param appId    the app id: consumer group id and client id prefix
 * @param settings the app's settings, including the broker URL and passthrough client properties
 * @param sensor   the app's sensors: a transport reports the clients it creates and closes
 *                 ({@link Sensor#onClientCreated}), so that metrics binders can bind their own metrics
 */
public record TransportContext(String appId, Settings settings, Sensor sensor) {

    /** A context whose sensor listens to nothing. */
    public TransportContext(String appId, Settings settings) {
        this(appId, settings, new Sensor() {});
    }
}
