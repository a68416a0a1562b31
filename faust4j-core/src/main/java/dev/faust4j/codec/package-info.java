/**
 * Codecs: how keys and values become the bytes of a record and back, wire-compatible with Python Faust.
 *
 * <p>A topic gets its codecs when it is declared, never from message data. {@link dev.faust4j.codec.Codecs}
 * has the built-ins ({@code raw}, {@code string}, {@code json} in Faust's record format); an app picks the
 * default ones by name from its settings, or a topic names them explicitly:
 * <pre>{@code
 * @FaustRecord(namespace = "myapp.models.Order")      // the Python model a Faust consumer expects
 * public record Order(String id, String account_id, double amount) {}
 *
 * Topic<String, Order> orders = app.topic(
 *     TopicOptions.builder(Codecs.string(), Codecs.json(Order.class)).names("orders").build());
 * // a value on the wire: {"id":"o1","account_id":"a1","amount":9.5,"__faust":{"ns":"myapp.models.Order"}}
 * }</pre>
 *
 * <p>Your own format is one small class: a stateless (or thread-safe) {@link dev.faust4j.codec.Codec} that
 * throws {@link dev.faust4j.codec.DecodeException} for bytes it cannot read. Such a record then follows the
 * topic's decode {@link dev.faust4j.ErrorPolicy} instead of reaching an agent.
 * <pre>{@code
 * final class Utf8IntCodec implements Codec<Integer> {
 *     public byte[] encode(Integer value) { return value.toString().getBytes(StandardCharsets.UTF_8); }
 *     public Integer decode(byte[] bytes) {
 *         try {
 *             return Integer.valueOf(new String(bytes, StandardCharsets.UTF_8));
 *         } catch (NumberFormatException e) {
 *             throw new DecodeException("not a decimal integer (" + bytes.length + " bytes)");  // no payload
 *         }
 *     }
 *     public Class<Integer> type() { return Integer.class; }
 *     public String name() { return "utf8-int"; }
 * }
 * }</pre>
 * A codec never sees null: records without a key or value are handled before any codec runs.
 */
@NullMarked
package dev.faust4j.codec;

import org.jspecify.annotations.NullMarked;
