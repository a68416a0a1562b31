package dev.faust4j.testing;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.DefaultTyping;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.jsontype.BasicPolymorphicTypeValidator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The rules in {@link SecurityRules} can fail: each is checked against a class that breaks it (kept here, in test
 * code, which the architecture tests never import) and against one that does not.
 */
class SecurityRulesTest {

    /** Reads Java-serialized bytes: what S3 forbids. */
    static final class Deserializes {
        Object read(byte[] bytes) throws IOException, ClassNotFoundException {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
                return in.readObject();
            }
        }
    }

    /** Writes Java-serialized bytes. */
    static final class Serializes {
        byte[] write(Object value) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            return bytes.toByteArray();
        }
    }

    /** Turns on Jackson 3 default typing by a call. */
    static final class DefaultTypingCall {
        JsonMapper mapper() {
            return JsonMapper.builder()
                    .activateDefaultTyping(BasicPolymorphicTypeValidator.builder().build(), DefaultTyping.NON_FINAL)
                    .build();
        }
    }

    /** Turns on Jackson 3 default typing inside a lambda. */
    static final class DefaultTypingReference {
        Function<String, JsonMapper.Builder> property(JsonMapper.Builder builder) {
            return name -> builder.activateDefaultTypingAsProperty(BasicPolymorphicTypeValidator.builder().build(),
                    DefaultTyping.NON_FINAL, name);
        }
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    static class ClassIdOnType {
    }

    static final class MinimalClassIdOnField {
        @JsonTypeInfo(use = JsonTypeInfo.Id.MINIMAL_CLASS)
        Object value;
    }

    record ClassIdOnComponent(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Object value) {
    }

    /** Logical type names are fine: they map only to classes the programmer listed. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    static class NameIdOnType {
    }

    @Test
    void javaSerializationIsCaught() {
        assertViolates(SecurityRules.NO_JAVA_SERIALIZATION, Deserializes.class, "ObjectInputStream");
        assertViolates(SecurityRules.NO_JAVA_SERIALIZATION, Serializes.class, "ObjectOutputStream");
        SecurityRules.NO_JAVA_SERIALIZATION.check(importClasses(NameIdOnType.class, DefaultTypingCall.class));
    }

    @Test
    void jacksonDefaultTypingIsCaught() {
        assertViolates(SecurityRules.NO_JACKSON_DEFAULT_TYPING, DefaultTypingCall.class, "activateDefaultTyping");
        assertViolates(SecurityRules.NO_JACKSON_DEFAULT_TYPING, DefaultTypingReference.class,
                "activateDefaultTypingAsProperty");
        SecurityRules.NO_JACKSON_DEFAULT_TYPING.check(importClasses(Deserializes.class, NameIdOnType.class));
    }

    @Test
    void classNameTypeIdsAreCaught() {
        assertViolates(SecurityRules.NO_CLASS_NAME_TYPE_IDS, ClassIdOnType.class, "ClassIdOnType has @JsonTypeInfo");
        assertViolates(SecurityRules.NO_CLASS_NAME_TYPE_IDS, MinimalClassIdOnField.class, "value has @JsonTypeInfo");
        assertViolates(SecurityRules.NO_CLASS_NAME_TYPE_IDS, ClassIdOnComponent.class, "@JsonTypeInfo");
        SecurityRules.NO_CLASS_NAME_TYPE_IDS.check(importClasses(NameIdOnType.class, DefaultTypingCall.class));
    }

    private static void assertViolates(com.tngtech.archunit.lang.ArchRule rule, Class<?> offender, String mention) {
        assertThatThrownBy(() -> rule.check(importClasses(offender)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(offender.getSimpleName())
                .hasMessageContaining(mention);
    }

    private static JavaClasses importClasses(Class<?>... types) {
        JavaClasses classes = new ClassFileImporter().importClasses(types);
        assertThat(classes).hasSize(types.length);
        return classes;
    }
}
