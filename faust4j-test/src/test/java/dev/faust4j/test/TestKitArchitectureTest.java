package dev.faust4j.test;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structure of the test kit (its main classes only): built on faust4j's public API (a {@code Sensor}, the transport
 * SPI, the clock), never the core's runtime; no JUnit in main code; no {@code synchronized}.
 */
class TestKitArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("dev.faust4j.test");
        assertThat(classes.contain(TestDriver.class)).isTrue();
        assertThat(classes.stream().map(JavaClass::getName)).noneMatch(n -> n.endsWith("Test"));
    }

    @Test
    void itsPublicTypesAreTheDocumentedOnes() {
        assertThat(classes.stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.getEnclosingClass().isEmpty())
                .map(JavaClass::getSimpleName).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("TestApp", "TestDriver", "TestClock", "TestRecord", "Answer");
    }

    @Test
    void itUsesOnlyThePublicApi() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.faust4j.internal..")
                .because("the kit observes an app through Sensor hooks and the transport SPI, as any user could")
                .check(classes);
    }

    @Test
    void itDoesNotNeedJUnit() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.junit..", "org.assertj..")
                .because("it works under any test framework: failures are AssertionErrors").check(classes);
    }

    @Test
    void noSynchronizedMethods() {
        noMethods().should().haveModifier(JavaModifier.SYNCHRONIZED).check(classes);
    }
}
