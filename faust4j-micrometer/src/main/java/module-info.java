/**
 * Micrometer metrics for faust4j: {@link dev.faust4j.micrometer.FaustMetrics} records what a worker does (agents,
 * commits, sends, rebalances, lag, the app state) into any Micrometer {@code MeterRegistry}, through the
 * {@link dev.faust4j.Sensor} hooks of {@code dev.faust4j}; {@code FaustMetrics.prometheus(app)} serves them at
 * {@code /metrics} of the app's web server (it requires {@code micrometer.registry.prometheus} transitively).
 * <pre>{@code
 * module com.example.payments {
 *     requires dev.faust4j;
 *     requires dev.faust4j.micrometer;
 * }
 * }</pre>
 */
// micrometer-core and micrometer-registry-prometheus have no module descriptor, only a name (Automatic-Module-Name
// micrometer.core, micrometer.registry.prometheus)
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.faust4j.micrometer {
    requires transitive dev.faust4j; // FaustMetrics.bind takes an App
    requires transitive micrometer.core; // ... and a MeterRegistry
    requires transitive micrometer.registry.prometheus; // FaustMetrics.prometheus returns a PrometheusMeterRegistry
    requires static org.jspecify;
    requires static kafka.clients; // optional: the Kafka clients' own metrics, on kafka:// (KafkaClientBinder)

    exports dev.faust4j.micrometer;
}
