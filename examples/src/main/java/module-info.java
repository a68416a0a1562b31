/**
 * The example apps, as a user's modular app would be: they require only faust4j's API, and open their record
 * types to Jackson (JSON) and to faust4j ({@code groupBy("account")} reads a record component). The Kafka transport
 * is found at run time through the {@code TransportFactory} service when {@code --broker kafka://...} is given.
 */
module dev.faust4j.examples {
    requires dev.faust4j;

    opens dev.faust4j.examples to tools.jackson.databind, dev.faust4j;
}
