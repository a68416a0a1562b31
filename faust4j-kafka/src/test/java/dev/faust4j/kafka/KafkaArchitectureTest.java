package dev.faust4j.kafka;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.faust4j.kafka.internal.CopartitionedAssignor;
import dev.faust4j.testing.SecurityRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.stream.Collectors;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structure of the Kafka transport (its main classes only): it is reached through its factory and nothing else,
 * uses only faust4j's public API and SPI (never the core's runtime), has no file depending on itself in a circle,
 * never locks with {@code synchronized}, never uses Java serialization and never lets JSON data choose a Jackson type
 * ({@link SecurityRules}). The module descriptor is the first
 * guard; these rules are the second.
 */
class KafkaArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !location.contains("/test-classes/") && !location.contains("-tests.jar"))
                .importPackages("dev.faust4j.kafka");
        assertThat(classes.contain(KafkaTransportFactory.class)).isTrue();
        assertThat(classes.stream().map(JavaClass::getName))
                .noneMatch(n -> n.endsWith("Test"));
    }

    @Test
    void onlyTheFactoryIsPublic() {
        assertThat(classes.stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.getEnclosingClass().isEmpty())
                .filter(c -> c.getPackageName().equals("dev.faust4j.kafka"))
                .map(JavaClass::getName).collect(Collectors.toSet()))
                .containsExactly(KafkaTransportFactory.class.getName());
    }

    @Test
    void theInternalPackageHoldsOnlyWhatKafkaInstantiatesByName() {
        // public because the consumer instantiates the assignor by reflection; exported to kafka.clients only
        assertThat(classes.stream()
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC) && c.getEnclosingClass().isEmpty())
                .filter(c -> c.getPackageName().equals("dev.faust4j.kafka.internal"))
                .map(JavaClass::getName).collect(Collectors.toSet()))
                .containsExactly(CopartitionedAssignor.class.getName());
    }

    @Test
    void theTransportUsesOnlyTheApiAndTheSpi() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.faust4j.internal..")
                .because("a transport is built on the SPI, like any third-party transport could be")
                .check(classes);
    }

    @Test
    void noFileDependsOnItselfInACircle() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                return SliceIdentifier
                        .of(javaClass.getSource().flatMap(com.tngtech.archunit.core.domain.Source::getFileName)
                                .orElse(javaClass.getName()));
            }

            @Override
            public String getDescription() {
                return "source files";
            }
        }).should().beFreeOfCycles().check(classes);
    }

    @Test
    void noSynchronizedMethods() {
        noMethods().should().haveModifier(JavaModifier.SYNCHRONIZED).check(classes);
    }

    @Test
    void noJavaSerializationAndNoJacksonTypesChosenByTheData() {
        SecurityRules.NO_JAVA_SERIALIZATION.check(classes);
        SecurityRules.NO_JACKSON_DEFAULT_TYPING.check(classes);
        SecurityRules.NO_CLASS_NAME_TYPE_IDS.check(classes);
    }
}
