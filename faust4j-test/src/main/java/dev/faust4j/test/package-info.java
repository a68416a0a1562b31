/**
 * The faust4j test kit: test an app's agents the way they run, without a broker and without sleeping.
 *
 * <h2>1. A first agent test</h2>
 * Build the app with {@link dev.faust4j.test.TestApp#builder(String)} instead of {@code App.builder}: the same builder,
 * preset to a fresh embedded broker of its own, 4 partitions per topic and a {@link dev.faust4j.test.TestClock}.
 * Declare topics and agents as usual, start it under a {@link dev.faust4j.test.TestDriver} and {@linkplain
 * dev.faust4j.test.TestDriver#ask ask} an agent what it does with a value:
 * <pre>{@code
 * App app = TestApp.builder("payments").build();
 * Topic<String, String> orders = app.topic("orders", String.class);
 * Topic<String, String> receipts = app.topic("receipts", String.class);
 * Agent<String, String> pay = app.agent(orders, stream -> {
 *     for (KeyValue<String, String> kv : stream.items()) {
 *         if (kv.value().startsWith("-")) throw new IllegalArgumentException("negative " + kv.value());
 *         receipts.send(kv.key(), kv.key() + " paid " + kv.value()).join();
 *     }
 * }).name("pay");
 *
 * try (TestDriver driver = TestDriver.start(app)) {
 *     assertThat(driver.ask(pay, "alice", "30").value(receipts)).isEqualTo("alice paid 30");
 *     assertThat(driver.ask(pay, "bob", "-5").error()).containsInstanceOf(IllegalArgumentException.class);
 * }
 * }</pre>
 * {@code ask} is Faust's {@code agent.test_context()} on the real pipeline: the value goes to the agent's topic, and
 * the {@link dev.faust4j.test.Answer} holds every record the app sent while processing it, or the exception the agent
 * threw (the agent's error policy applies as well, as in production: with the default, skip, the agent restarts
 * after its backoff on the test clock).
 *
 * <h2>2. Pipelines: send, run until idle, read</h2>
 * <pre>{@code
 * driver.send(clicks, "alice", "alice:home");          // routed by key, as Kafka's partitioner does
 * driver.send(clicks, "bob", "bob:home", 3);            // or to partition 3
 * driver.runUntilIdle();                                // every record fetched and done, groupBy/through included
 * List<TestRecord<String, String>> out = driver.read(pages);   // key, value, partition, offset, headers
 * Map<String, Long> counts = driver.table(pageCounts);
 * }</pre>
 * {@link dev.faust4j.test.TestDriver#runUntilIdle()} is exact: it waits until the worker fetched every record up to
 * the end of every partition it holds, every fetched record is done (acked, filtered or skipped by every stream it
 * went to), no agent holds an event and no send is in flight (the class comment has the whole definition). If that
 * does not happen within the driver's real-time timeout, the test fails with a message that names what is pending:
 * <pre>
 * the app did not go idle within PT10S: in-1: 2 record(s) fetched and not done yet (oldest offset 0);
 * agent stuck-agent holds 1 event(s)
 * </pre>
 *
 * <h2>3. Time</h2>
 * Nothing timed happens until the test moves the clock with {@link dev.faust4j.test.TestDriver#advance}: timers,
 * {@code take(max, within)} batches, commit intervals and agents' restart backoffs. {@code advance} then waits for
 * what the move released (a timer's body, a batch handed to its agent, a due commit) and runs the app until idle.
 * <pre>{@code
 * driver.runUntilIdle();
 * assertThat(driver.committed(orders, 0)).isEmpty();           // nothing committed: no commit interval passed
 * driver.advance(app.settings().commitInterval());
 * assertThat(driver.committed(orders, 0)).hasValue(2);          // the next offset to read
 * driver.advance(Duration.ofMinutes(1));                        // app.timer(Duration.ofMinutes(1), ...) ran once
 * }</pre>
 *
 * <h2>What it does not see</h2>
 * Idle is about records in topics. Values in {@link dev.faust4j.Channel}s and work a task or timer does without
 * sending are not seen (advance the clock for timers); a task that sleeps on the system clock is not moved by the
 * test clock. The driver runs apps on {@code memory://} only; for Kafka itself, see {@code faust4j-test-kafka}.
 *
 * <p><b>Thread-safety:</b> drive a {@code TestDriver} from the test's thread; {@link dev.faust4j.test.TestClock} is
 * thread-safe.
 */
@NullMarked
package dev.faust4j.test;

import org.jspecify.annotations.NullMarked;
