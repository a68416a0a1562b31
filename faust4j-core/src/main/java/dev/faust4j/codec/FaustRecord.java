package dev.faust4j.codec;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record (or POJO) class as a Faust model and sets how {@link Codecs#json(Class)} writes it.
 *
 * <p>Python Faust appends a {@code "__faust":{"ns":"<namespace>"}} member to every model it
 * serializes, after the declared fields. A Python consumer whose topic has no {@code value_type}
 * uses that namespace to pick the model class, so a Java producer that feeds Python consumers must
 * write the <em>Python</em> namespace, which is the Python module path plus the class name:
 *
 * <pre>{@code
 * @FaustRecord(namespace = "myapp.models.Withdrawal")
 * public record Withdrawal(String account_id, double amount) {}
 *
 * // Codecs.json(Withdrawal.class).encode(new Withdrawal("a1", 10.5)) writes
 * // {"account_id":"a1","amount":10.5,"__faust":{"ns":"myapp.models.Withdrawal"}}
 * }</pre>
 *
 * <p>Without this annotation (or with an empty {@link #namespace()}), the namespace is the Java
 * fully-qualified class name ({@link Class#getCanonicalName()}, so a nested class is written
 * {@code com.example.Outer.Inner}, the same dotted form Python uses for nested classes).
 *
 * <p>The namespace is only ever <em>written</em>. When reading, faust4j ignores {@code __faust}
 * completely and binds to the type declared for the topic: a class is never chosen from message
 * data.
 *
 * <p>The annotation is read once per class, when the JSON serializer for it is built, never per
 * record. It is not inherited: every subclass has its own namespace, as in Faust.
 *
 * <p>Thread-safety: an annotation is immutable; codecs read it once and share the result.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface FaustRecord {

    /**
     * The Faust namespace written in {@code __faust.ns}; empty (the default) means the Java
     * fully-qualified class name.
     */
    String namespace() default "";

    /**
     * Whether to write the {@code __faust} member at all (Faust's {@code include_metadata}).
     * {@code false} produces plain JSON objects, which Python Faust still reads when the topic
     * declares the model as its {@code value_type}.
     */
    boolean includeMetadata() default true;
}
