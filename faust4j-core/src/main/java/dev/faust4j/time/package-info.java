/**
 * The clock faust4j reads for everything timed: commit intervals, {@code take(max, within)} and timers.
 *
 * <p>Production apps use {@link dev.faust4j.time.Ticker#system()}, the default. Tests give the app a
 * {@link dev.faust4j.time.ManualTicker} and move time by hand, so a test of a ten-second batch or timer runs in
 * milliseconds and never sleeps:
 * <pre>{@code
 * ManualTicker ticker = new ManualTicker();
 * App app = App.builder("totals-test").ticker(ticker).build();     // memory:// transport
 * Topic<String, Integer> numbers = app.topic("numbers", Integer.class);
 * List<List<Integer>> batches = new CopyOnWriteArrayList<>();
 * app.agent(numbers, stream -> {
 *     for (List<Integer> batch : stream.take(100, Duration.ofSeconds(10))) {
 *         batches.add(batch);
 *     }
 * });
 * app.start();
 * numbers.send("k", 1).join();
 * numbers.send("k", 2).join();
 * ticker.advance(Duration.ofSeconds(10));                           // the batch [1, 2] is yielded now
 * }</pre>
 *
 * <p>A {@link dev.faust4j.time.Ticker} is monotonic: only differences between readings mean anything.
 */
@NullMarked
package dev.faust4j.time;

import org.jspecify.annotations.NullMarked;
