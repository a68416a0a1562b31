package dev.faust4j.internal.json;

import dev.faust4j.codec.DecodeException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;

/**
 * Faust's request envelope: how a Python agent declared with {@code use_reply_headers=False} is asked
 * ({@code faust/agents/models.py} {@code ReqRepRequest}, {@code ModelReqRepRequest}):
 * {@code {"value":<the value>,"reply_to":"f-reply-…","correlation_id":"…","__faust":{"ns":"faust.agents.models.ModelReqRepRequest"}}}.
 *
 * <p>Design note: a JSON codec decodes the envelope's value in its place (Faust's agent unwraps it the same way), and
 * the replying agent reads the address from the record's raw bytes when it replies. Recognizing one costs a
 * comparison of the record's last bytes, which for any other record stops within a few bytes.
 *
 * <p>Thread-safety: stateless; thread-safe.
 */
public final class RequestEnvelope {
    private static final byte[] MODEL = "faust.agents.models.ModelReqRepRequest\"}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PLAIN = "@ReqRepRequest\"}}".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** An envelope's parts: the value's JSON (never modified), and where to reply. */
    @SuppressWarnings("ArrayRecordComponent")
    public record Parsed(byte[] value, String replyTo, String correlationId) {
    }

    private RequestEnvelope() {
    }

    /** Whether {@code value} is a request envelope (it ends with the namespace of one). */
    public static boolean is(byte[] value) {
        return endsWith(value, PLAIN) || endsWith(value, MODEL);
    }

    /**
     * Parses a request envelope.
     *
     * @throws DecodeException when it lacks the value, the reply topic or the correlation id
     */
    public static Parsed parse(byte[] envelope) {
        try {
            JsonNode root = JSON.readTree(envelope);
            JsonNode replyTo = root.get("reply_to");
            JsonNode id = root.get("correlation_id");
            if (root.isObject() && root.has("value") && replyTo != null && replyTo.isString() && id != null
                    && id.isString()) {
                return new Parsed(JSON.writeValueAsBytes(root.get("value")), replyTo.asString(), id.asString());
            }
        } catch (JacksonException e) {
            throw new DecodeException("cannot decode Faust's request envelope: " + e.getOriginalMessage());
        }
        throw new DecodeException("Faust's request envelope needs value, reply_to and correlation_id");
    }

    private static boolean endsWith(byte[] value, byte[] suffix) {
        int from = value.length - suffix.length;
        if (from < 0) {
            return false;
        }
        for (int i = suffix.length - 1; i >= 0; i--) {
            if (value[from + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }
}
