package dev.faust4j.codec;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.faust4j.codec.JsonTestModels.Withdrawal;
import static dev.faust4j.codec.JsonTestModels.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * reliability.md S4, dynamic part: JSON members that name a class ({@code "@class"}, {@code "@type"}) never make
 * {@code Codecs.json} load or instantiate that class. A declared type without type info ignores them (they are
 * unknown members); {@code Object} and {@code Map} keep them as plain strings; a user type that asks for class-name
 * type ids fails with a {@link DecodeException} that names the declared type and not the class from the data.
 *
 * <p>"Not loaded" is checked two ways: the {@link Gadget} class flips a flag in its static initializer (Jackson
 * would initialize a class it resolves by name), and the thread's context class loader, which Jackson asks for
 * classes named in data, records every name it is asked for.
 */
class JsonClassNameSecurityTest {

    /** Set by {@link Gadget}'s static initializer. Lives outside it, so reading it does not initialize Gadget. */
    static final AtomicBoolean GADGET_INITIALIZED = new AtomicBoolean();

    /** Stands in for a gadget class: it must never be loaded because the data names it. */
    public static final class Gadget {
        static {
            GADGET_INITIALIZED.set(true);
        }

        public String command;

        public Gadget() {
            throw new AssertionError("a class named in the data was instantiated");
        }
    }

    private static final String GADGET = JsonClassNameSecurityTest.class.getName() + "$Gadget";

    /** Class-name ids under the default {@code "@class"} member. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public static class ClassTyped {
        public String s;
    }

    /** Minimal class-name ids under an {@code "@type"} member. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.MINIMAL_CLASS, property = "@type")
    public static class MinimalClassTyped {
        public String s;
    }

    private final List<String> requested = new CopyOnWriteArrayList<>();
    private ClassLoader originalLoader;

    @BeforeEach
    void recordClassLoading() {
        originalLoader = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(new ClassLoader(originalLoader) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                requested.add(name);
                return super.loadClass(name, resolve);
            }
        });
    }

    @AfterEach
    void restoreClassLoader() {
        Thread.currentThread().setContextClassLoader(originalLoader);
    }

    @Test
    void classNameMembersAreIgnoredByADeclaredRecord() {
        for (String member : List.of("@class", "@type")) {
            for (String named : List.of("java.net.URL", GADGET)) {
                byte[] data = bytes("{\"" + member + "\":\"" + named + "\",\"account_id\":\"a1\",\"amount\":1}");
                assertThat(Codecs.json(Withdrawal.class).decode(data)).isEqualTo(new Withdrawal("a1", 1.0));
            }
        }
        assertNothingFromTheDataWasLoaded();
    }

    @Test
    void classNameMembersStayPlainStringsInObjectAndMap() {
        byte[] data = bytes("{\"@class\":\"" + GADGET + "\",\"@type\":\"java.net.URL\",\"command\":\"x\","
                + "\"nested\":{\"@class\":\"java.net.URL\",\"host\":\"127.0.0.1\"},"
                + "\"list\":[\"" + GADGET + "\",{\"@class\":\"" + GADGET + "\"}]}");

        Object untyped = Codecs.json(Object.class).decode(data);
        assertThat(untyped).isInstanceOf(Map.class);
        Map<?, ?> map = (Map<?, ?>) untyped;
        assertThat(map.get("@class")).isEqualTo(GADGET);
        assertThat(map.get("@type")).isEqualTo("java.net.URL");
        assertThat(map.get("nested")).isInstanceOf(Map.class);
        Object asMap = Codecs.json(Map.class).decode(data);
        assertThat(asMap).isEqualTo(map);
        assertNothingFromTheDataWasLoaded();
    }

    @Test
    void classNameTypeIdsOnAUserTypeAreRefusedWithAClearError() {
        for (String named : List.of("java.net.URL", GADGET)) {
            assertThatThrownBy(() -> Codecs.json(ClassTyped.class).decode(
                    bytes("{\"@class\":\"" + named + "\",\"s\":\"x\",\"command\":\"calc\"}")))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("cannot decode " + ClassTyped.class.getTypeName() + " from JSON")
                    .hasMessageNotContaining(named);
        }
        // even the declared class itself is refused when the data names it: no class name from data is trusted
        assertThatThrownBy(() -> Codecs.json(ClassTyped.class).decode(
                bytes("{\"@class\":\"" + ClassTyped.class.getName() + "\",\"s\":\"x\"}")))
                .isInstanceOf(DecodeException.class);
        for (String named : List.of(".URL", "java.net.URL", GADGET)) {
            assertThatThrownBy(() -> Codecs.json(MinimalClassTyped.class).decode(
                    bytes("{\"@type\":\"" + named + "\",\"s\":\"x\"}")))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("cannot decode " + MinimalClassTyped.class.getTypeName() + " from JSON");
        }
        assertNothingFromTheDataWasLoaded();
    }

    private void assertNothingFromTheDataWasLoaded() {
        assertThat(GADGET_INITIALIZED).as("the gadget class was initialized").isFalse();
        assertThat(requested).as("class names the context class loader was asked for")
                .noneMatch(n -> n.equals(GADGET) || n.equals("java.net.URL") || n.endsWith(".URL"));
    }
}
