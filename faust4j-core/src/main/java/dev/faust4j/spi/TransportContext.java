package dev.faust4j.spi;

import dev.faust4j.Settings;

/**
 * What a transport needs to know about the app it serves.
 *
 * @param appId    the app id: consumer group id and client id prefix
 * @param settings the app's settings, including the broker URL and passthrough client properties
 */
public record TransportContext(String appId, Settings settings) {}
