package dev.faust4j.internal.route;

import dev.faust4j.ErrorPolicy;
import dev.faust4j.codec.Codec;
import dev.faust4j.codec.DecodeException;
import dev.faust4j.internal.buffer.Subscription;
import dev.faust4j.internal.event.EventImpl;
import dev.faust4j.internal.failure.ErrorHandling;
import dev.faust4j.spi.ConsumedRecord;
import dev.faust4j.spi.ProducedRecord;

import java.util.List;

/**
 * The way from one topic (with its codecs and decode error policy) into one subscription, with the error policy
 * of that subscription's reader: what an {@link EventImpl} needs to decode itself and to report its failures.
 *
 * <p>Design: decoding checks the size limit ({@code maxRecordBytes}) before any codec runs, and treats a null
 * value (a tombstone) as undecodable for a typed topic; the codecs decide the rest. Channel values are never
 * decoded; their route only carries the reader's policy and the way back into the subscription.
 *
 * <p>Thread-safety: immutable and thread-safe.
 */
public final class Route implements EventImpl.Route {
    private final Codec<?> keyCodec;
    private final Codec<?> valueCodec;
    private final int maxRecordBytes;
    private final ErrorPolicy decodePolicy;
    private final ErrorPolicy readerPolicy;
    private final Subscription subscription;
    private final ErrorHandling handling;

    /**
     * @param keyCodec       the topic's key codec (null for a channel)
     * @param valueCodec     the topic's value codec (null for a channel)
     * @param maxRecordBytes the largest key plus value that is decoded
     * @param decodePolicy   the topic's decode error policy
     * @param readerPolicy   the error policy of the subscription's reader (its agent, or the app's)
     * @param subscription   the subscription the events go into
     * @param handling       applies the policies
     */
    public Route(Codec<?> keyCodec, Codec<?> valueCodec, int maxRecordBytes, ErrorPolicy decodePolicy,
                 ErrorPolicy readerPolicy, Subscription subscription, ErrorHandling handling) {
        this.keyCodec = keyCodec;
        this.valueCodec = valueCodec;
        this.maxRecordBytes = maxRecordBytes;
        this.decodePolicy = decodePolicy;
        this.readerPolicy = readerPolicy;
        this.subscription = subscription;
        this.handling = handling;
    }

    /** The route of a channel's subscription: nothing to decode. */
    public static Route channel(ErrorPolicy readerPolicy, Subscription subscription, ErrorHandling handling) {
        return new Route(null, null, Integer.MAX_VALUE, ErrorPolicy.skip(), readerPolicy, subscription, handling);
    }

    public Subscription subscription() {
        return subscription;
    }

    @Override
    public Object decodeKey(ConsumedRecord r) {
        if (r.serializedSize() > maxRecordBytes) {
            throw new DecodeException(
                    "record of " + r.serializedSize() + " bytes exceeds maxRecordBytes=" + maxRecordBytes);
        }
        return r.key() == null ? null : keyCodec.decode(r.key());
    }

    @Override
    public Object decodeValue(ConsumedRecord r) {
        if (r.value() == null) {
            throw new DecodeException("value is null (a tombstone); " + valueCodec.name() + " codec expects "
                    + valueCodec.type().getSimpleName());
        }
        return valueCodec.decode(r.value());
    }

    @Override
    public void decodeFailed(EventImpl<?, ?> event, RuntimeException error) {
        handling.decodeFailed(List.of(event), error, decodePolicy);
    }

    /** True when an undecodable record stops the worker ({@code fail}, or a retry policy ending in it). */
    public boolean failsOnDecodeError() {
        return decodePolicy.terminal() instanceof ErrorPolicy.Fail;
    }

    /** A record decoded once for several subscriptions failed: the policy applies to all its deliveries at once. */
    public void decodeFailed(List<? extends EventImpl<?, ?>> deliveries, RuntimeException error) {
        handling.decodeFailed(deliveries, error, decodePolicy);
    }

    @Override
    public void sendFailed(EventImpl<?, ?> event, ProducedRecord record, Throwable error, int attempt) {
        handling.sendFailed(event, record, error, attempt, readerPolicy);
    }

    @Override
    public void redeliver(List<EventImpl<?, ?>> events) {
        subscription.pushFront(events);
    }
}
