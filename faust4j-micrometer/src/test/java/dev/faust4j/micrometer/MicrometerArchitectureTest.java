package dev.faust4j.micrometer;

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
 * Structure of the Micrometer module (its main classes only): one public entry point, built on faust4j's public API
 * (the {@code Sensor} hooks, never the core's runtime), no {@code synchronized} (its hooks run on virtual threads).
 */
class MicrometerArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/test-classes/"))
                .importPackages("dev.faust4j.micrometer");
        assertThat(classes.contain(FaustMetrics.class)).isTrue();
        assertThat(classes.stream().map(JavaClass::getName)).noneMatch(n -> n.endsWith("Test"));
    }

    @Test
    void onlyFaustMetricsIsPublic() {
        assertThat(classes.stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.getEnclosingClass().isEmpty())
                .map(JavaClass::getName).collect(Collectors.toSet()))
                .containsExactly(FaustMetrics.class.getName());
    }

    @Test
    void itUsesOnlyThePublicApi() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.faust4j.internal..")
                .because("metrics come through the Sensor hooks, like any third-party exporter's could")
                .check(classes);
    }

    @Test
    void onlyTheKafkaClientBinderNamesKafkaAndNothingNamesTheKafkaTransport() {
        noClasses().that().doNotHaveSimpleName("KafkaClientBinder").should().dependOnClassesThat()
                .resideInAnyPackage("org.apache.kafka..")
                .because("kafka-clients is optional: the module works with any transport, and only the binder,"
                        + " loaded when kafka-clients is there, may name it")
                .check(classes);
        noClasses().should().dependOnClassesThat().resideInAnyPackage("dev.faust4j.kafka..")
                .because("the clients come through the Sensor hooks, never from the transport's classes")
                .check(classes);
    }

    @Test
    void noSynchronizedMethods() {
        noMethods().should().haveModifier(JavaModifier.SYNCHRONIZED).check(classes);
    }
}
