package dev.faust4j.codec;

import org.jspecify.annotations.Nullable;

/** Bytes could not be decoded into the declared type. Never carries the payload itself. */
public class DecodeException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}
