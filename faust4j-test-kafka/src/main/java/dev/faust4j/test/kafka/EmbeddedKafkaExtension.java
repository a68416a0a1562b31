package dev.faust4j.test.kafka;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * The JUnit 5 extension that injects the run-wide {@link EmbeddedKafka#shared()} broker into test constructors,
 * lifecycle methods and test methods that declare a parameter of type {@link EmbeddedKafka}. A user's integration
 * test, with {@code faust4j-kafka} and this module (and Awaitility, for the wait) on the test class path:
 * <pre>{@code
 * @ExtendWith(EmbeddedKafkaExtension.class)
 * class WithdrawalsOnKafkaTest {
 *     record Withdrawal(String account, long amount) {}
 *
 *     @Test
 *     void processesWithdrawals(EmbeddedKafka kafka) throws Exception {
 *         String id = "withdrawals-" + UUID.randomUUID();               // the broker is shared: names of its own
 *         App app = App.builder(id).broker(kafka.brokerUrl()).build(); // kafka://127.0.0.1:port
 *         Topic<String, Withdrawal> withdrawals = app.topic(id, Withdrawal.class);
 *         List<Withdrawal> seen = new CopyOnWriteArrayList<>();
 *         app.agent(withdrawals, stream -> stream.forEach(seen::add)).name("process");
 *         try (app) {
 *             app.start();                                              // creates the topic, joins the group
 *             withdrawals.send("alice", new Withdrawal("alice", 10)).get();
 *             await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 1); // Awaitility
 *         }
 *     }
 * }
 * }</pre>
 * The broker starts on first use (a second or two) and stops when the JVM exits, so every test class of a run
 * shares it: give each test its own app id and topic names, as with the random suffix above. A test that needs a
 * broker of its own (to stop it, or with SASL) starts one with {@link EmbeddedKafka#start(int)} instead.
 *
 * <p><b>Thread-safety:</b> stateless and thread-safe; JUnit may call it from parallel tests.
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
