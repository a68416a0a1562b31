package dev.faust4j;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ObjectInputStream;
import java.util.Set;
import java.util.stream.Collectors;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structure of the product code (test classes, also from a test-jar, are not imported): the runtime in
 * {@code dev.faust4j.internal..} stays behind the public API, exposes only what other packages or the
 * {@link java.util.ServiceLoader} must reach, never uses Java deserialization, and never locks with
 * {@code synchronized} methods (which pin virtual threads on older JDKs and hide lock ordering).
 */
class ArchitectureTest {

    private static final String INTERNAL = "dev.faust4j.internal..";
    private static JavaClasses classes;

    @BeforeAll
    static void importProductClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("-tests.jar") && !location.contains("/test-classes/"))
                .importPackages("dev.faust4j");
        assertThat(classes.contain(App.class)).as("the product classes were imported").isTrue();
        assertThat(classes.stream().map(JavaClass::getName)).as("no test classes were imported")
                .noneMatch(n -> n.startsWith("dev.faust4j.testing.") || n.endsWith("Test"));
    }

    @Test
    void onlyAppAndCodecsReachIntoTheRuntime() {
        noClasses().that().resideOutsideOfPackage(INTERNAL)
                .and().doNotHaveFullyQualifiedName(App.class.getName())
                .and().doNotHaveFullyQualifiedName(dev.faust4j.codec.Codecs.class.getName())
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .because("the public API (dev.faust4j, codec, spi, time) and transports must not depend on the runtime")
                .check(classes);
        noClasses().that().haveFullyQualifiedName(App.class.getName())
                .should().dependOnClassesThat(resideInAPackage(INTERNAL)
                        .and(not(JavaClass.Predicates.equivalentTo(dev.faust4j.internal.AppRuntime.class))))
                .because("App only delegates to AppRuntime")
                .check(classes);
        noClasses().that().haveFullyQualifiedName(dev.faust4j.codec.Codecs.class.getName())
                .should().dependOnClassesThat(resideInAPackage(INTERNAL)
                        .and(not(resideInAPackage("dev.faust4j.internal.json.."))))
                .because("Codecs only uses the JSON implementation")
                .check(classes);
    }

    @Test
    void theRuntimeExposesOnlyTheFewPublicClassesOthersNeed() {
        Set<String> publicInternal = classes.stream()
                .filter(c -> c.getPackageName().startsWith("dev.faust4j.internal"))
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC))
                .map(JavaClass::getName)
                .collect(Collectors.toSet());
        assertThat(publicInternal).containsExactlyInAnyOrder(
                "dev.faust4j.internal.AppRuntime",                    // App delegates to it
                "dev.faust4j.internal.Murmur2",                       // the partitioner, checked against Kafka's
                "dev.faust4j.internal.memory.MemoryTransport",        // test and tool inspection helpers
                "dev.faust4j.internal.memory.MemoryTransport$Factory", // loaded by ServiceLoader
                "dev.faust4j.internal.json.FaustJson");               // behind Codecs.json
    }

    @Test
    void nothingUsesJavaDeserialization() {
        noClasses().should().dependOnClassesThat().areAssignableTo(ObjectInputStream.class)
                .because("Java deserialization of data is remote code execution waiting to happen (reliability.md S3)")
                .check(classes);
    }

    @Test
    void theRuntimeHasNoSynchronizedMethods() {
        noMethods().that().areDeclaredInClassesThat().resideInAPackage(INTERNAL)
                .should().haveModifier(JavaModifier.SYNCHRONIZED)
                .because("the runtime uses explicit locks (ReentrantLock) and atomics")
                .check(classes);
    }
}
