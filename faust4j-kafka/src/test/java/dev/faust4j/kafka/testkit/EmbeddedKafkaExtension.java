package dev.faust4j.kafka.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Injects the run-wide {@link EmbeddedKafka#shared()} broker into test constructors, lifecycle methods and test
 * methods that declare a parameter of type {@link EmbeddedKafka}:
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class OrdersOnKafkaTest {
 *     @Test
 *     void counts(EmbeddedKafka kafka) {
 *         App app = App.builder("orders-" + UUID.randomUUID()).broker(kafka.brokerUrl()).build();
 *         ...
 *     }
 * }
 * }</pre>
 * The broker starts on first use and stops when the JVM exits, so every test class of a run shares it.
 *
 * <p><b>Thread-safety:</b> stateless and thread-safe.
 */
public final class EmbeddedKafkaExtension implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == EmbeddedKafka.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return EmbeddedKafka.shared();
    }
}
