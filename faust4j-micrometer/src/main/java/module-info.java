/**
 * Micrometer metrics for faust4j: {@link dev.faust4j.micrometer.FaustMetrics} records what a worker does (agents,
 * commits, sends, rebalances, lag, the app state) into any Micrometer {@code MeterRegistry}, through the
 * {@link dev.faust4j.Sensor} hooks of {@code dev.faust4j}.
 * <pre>{@code
 * module com.example.payments {
 *     requires dev.faust4j;
 *     requires dev.faust4j.micrometer;
 *     requires micrometer.registry.prometheus; // or another registry
 * }
 * }</pre>
 */
// micrometer-core has no module descriptor, only a name (Automatic-Module-Name micrometer.core)
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.faust4j.micrometer {
    requires transitive dev.faust4j; // FaustMetrics.bind takes an App
    requires transitive micrometer.core; // ... and a MeterRegistry
    requires static org.jspecify;

    exports dev.faust4j.micrometer;
}
