package dev.faust4j.codec;

/** Bytes could not be decoded into the declared type. Never carries the payload itself. */
public class DecodeException extends RuntimeException {
    public DecodeException(String message) {
        super(message);
    }

    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
