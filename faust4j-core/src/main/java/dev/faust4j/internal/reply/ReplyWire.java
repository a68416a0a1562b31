package dev.faust4j.internal.reply;

import dev.faust4j.Header;
import dev.faust4j.internal.json.RequestEnvelope;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Faust's agent RPC on the wire, byte for byte ({@code faust/agents/agent.py} {@code _create_req}, {@code _reply};
 * {@code faust/agents/models.py}; the captures in faust-wire-samples.md): the two request headers, the request
 * envelope of agents declared with {@code use_reply_headers=False}, and the {@code ReqRepResponse} record.
 *
 * <p>Design note. The response is assembled from bytes, not by a JSON writer: its value is the result exactly as
 * its codec wrote it, nested as is, and its fields come in Faust's order. The {@code "key"} field repeats Faust's
 * quirk: the Python {@code repr} of the request's raw key bytes ({@code "b'ask-key'"}), or null. A model result
 * (a JSON object carrying {@code __faust}) gets the {@code ModelReqRepResponse} namespace, anything else
 * {@code @ReqRepResponse}, as Faust chooses by the value's type.
 *
 * <p>Thread-safety: stateless; thread-safe.
 */
final class ReplyWire {
    static final String REPLY_TO = "Faust-Ag-ReplyTo";
    static final String CORRELATION_ID = "Faust-Ag-CorrelationId";
    static final String MODEL_RESPONSE = "faust.agents.models.ModelReqRepResponse";
    static final String RESPONSE = "@ReqRepResponse";

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final byte[] FAUST_MEMBER = "\"__faust\":".getBytes(StandardCharsets.UTF_8);

    private ReplyWire() {
    }

    /** Where a request wants its reply. */
    record ReplyAddress(String replyTo, String correlationId) {
    }

    /** A reply as read from the reply topic: its correlation id and its value's JSON (never modified). */
    @SuppressWarnings("ArrayRecordComponent")
    record Response(String correlationId, byte[] value) {
    }

    /** The request headers, in Faust's order. */
    static List<Header> requestHeaders(ReplyAddress address) {
        return List.of(new Header(REPLY_TO, address.replyTo().getBytes(StandardCharsets.UTF_8)),
                new Header(CORRELATION_ID, address.correlationId().getBytes(StandardCharsets.UTF_8)));
    }

    /** The reply address in these headers (the last of each name wins, as in a dict), or null. */
    static @Nullable ReplyAddress fromHeaders(List<Header> headers) {
        String replyTo = null;
        String id = null;
        for (Header h : headers) {
            if (h.value() == null) {
                continue;
            }
            if (REPLY_TO.equals(h.key())) {
                replyTo = new String(h.value(), StandardCharsets.UTF_8);
            } else if (CORRELATION_ID.equals(h.key())) {
                id = new String(h.value(), StandardCharsets.UTF_8);
            }
        }
        return replyTo != null && id != null && !replyTo.isEmpty() ? new ReplyAddress(replyTo, id) : null;
    }

    /** Where a request envelope wants its reply, or null when {@code value} is not one. */
    static @Nullable ReplyAddress fromEnvelope(byte @Nullable [] value) {
        if (value == null || !RequestEnvelope.is(value)) {
            return null;
        }
        RequestEnvelope.Parsed p = RequestEnvelope.parse(value);
        return new ReplyAddress(p.replyTo(), p.correlationId());
    }

    /** The {@code ReqRepResponse} Faust writes for a result whose JSON is {@code value}. */
    static byte[] response(byte @Nullable [] requestKey, byte[] value, String correlationId) {
        String ns = isModel(value) ? MODEL_RESPONSE : RESPONSE;
        String key = requestKey == null ? "null" : JSON.writeValueAsString(pythonRepr(requestKey));
        byte[] head = ("{\"key\":" + key + ",\"value\":").getBytes(StandardCharsets.UTF_8);
        byte[] tail = (",\"correlation_id\":" + JSON.writeValueAsString(correlationId) + ",\"__faust\":{\"ns\":\"" + ns
                + "\"}}").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[head.length + value.length + tail.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(value, 0, out, head.length, value.length);
        System.arraycopy(tail, 0, out, head.length + value.length, tail.length);
        return out;
    }

    /**
     * Parses a {@code ReqRepResponse}.
     *
     * @throws IllegalArgumentException when it is not one
     */
    static Response parseResponse(byte[] bytes) {
        JsonNode root = JSON.readTree(bytes);
        JsonNode id = root.get("correlation_id");
        if (!root.isObject() || id == null || !id.isString() || !root.has("value")) {
            throw new IllegalArgumentException("not a Faust ReqRepResponse (value, correlation_id)");
        }
        return new Response(id.asString(), JSON.writeValueAsBytes(root.get("value")));
    }

    /** Python's {@code repr()} of a bytes object: {@code b'ask-key'}. */
    static String pythonRepr(byte[] bytes) {
        boolean single = false;
        boolean dbl = false;
        for (byte b : bytes) {
            single |= b == '\'';
            dbl |= b == '"';
        }
        char quote = single && !dbl ? '"' : '\'';
        StringBuilder sb = new StringBuilder(bytes.length + 3).append('b').append(quote);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c == quote || c == '\\') {
                sb.append('\\').append((char) c);
            } else if (c == '\t') {
                sb.append("\\t");
            } else if (c == '\n') {
                sb.append("\\n");
            } else if (c == '\r') {
                sb.append("\\r");
            } else if (c < 0x20 || c >= 0x7f) {
                sb.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                sb.append((char) c);
            }
        }
        return sb.append(quote).toString();
    }

    private static boolean isModel(byte[] value) {
        if (value.length < 2 || value[0] != '{' || value[value.length - 1] != '}') {
            return false;
        }
        outer : for (int i = 0; i + FAUST_MEMBER.length <= value.length; i++) {
            for (int j = 0; j < FAUST_MEMBER.length; j++) {
                if (value[i + j] != FAUST_MEMBER[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
