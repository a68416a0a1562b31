package dev.faust4j;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import dev.faust4j.testing.SecurityRules;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.equivalentTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noMethods;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Structure of the product code (test classes, also from a test-jar, are not imported). The module descriptor keeps
 * users out of the runtime; these rules are the second guard, and they keep the runtime's rooms apart: the public
 * API reaches the runtime only through its two entry points, no package and no file of the product depends on
 * itself in a circle, a record flows one way (nothing on a reader's side calls the poll thread's classes), and the
 * runtime never locks with {@code synchronized}. No product class uses Java serialization or lets JSON data choose a
 * Jackson type ({@link SecurityRules}, reliability.md S3 and S4).
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
    void theApiReachesTheRuntimeOnlyThroughItsTwoEntryPoints() {
        noClasses().that().resideOutsideOfPackage(INTERNAL)
                .and().doNotHaveFullyQualifiedName(App.class.getName())
                .and().doNotHaveFullyQualifiedName(dev.faust4j.codec.Codecs.class.getName())
                .should().dependOnClassesThat().resideInAPackage(INTERNAL)
                .because("the public API (dev.faust4j, codec, spi, time) and transports must not depend on the runtime")
                .check(classes);
        noClasses().that().haveFullyQualifiedName(App.class.getName())
                .should().dependOnClassesThat(resideInAPackage(INTERNAL)
                        .and(not(equivalentTo(dev.faust4j.internal.app.AppRuntime.class))))
                .because("App only delegates to AppRuntime")
                .check(classes);
        noClasses().that().haveFullyQualifiedName(dev.faust4j.codec.Codecs.class.getName())
                .should().dependOnClassesThat(resideInAPackage(INTERNAL)
                        .and(not(resideInAPackage("dev.faust4j.internal.json.."))))
                .because("Codecs only uses the JSON implementation")
                .check(classes);
    }

    @Test
    void theApiDoesNotDependOnTheTransportSpi() {
        noClasses().that().resideInAnyPackage("dev.faust4j", "dev.faust4j.codec", "dev.faust4j.time")
                .should().dependOnClassesThat().resideInAPackage("dev.faust4j.spi..")
                .because("the SPI builds on the API (records, headers, settings), never the other way round")
                .check(classes);
    }

    @Test
    void noPackageDependsOnItselfInACircle() {
        slices().matching("dev.faust4j.internal.(*)..").should().beFreeOfCycles().check(classes);
    }

    /**
     * No source file of the runtime depends on itself through other files. (The public API's types refer to each
     * other by design: a {@code Source} makes an {@code EventStream}, which can go {@code through} a {@code Topic},
     * which is a {@code Source}.)
     */
    @Test
    void noFileOfTheRuntimeDependsOnItselfInACircle() {
        slices().assignedFrom(new SliceAssignment() {
            @Override
            public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
                if (!javaClass.getPackageName().startsWith("dev.faust4j.internal")) {
                    return SliceIdentifier.ignore();
                }
                String file = javaClass.getSource().flatMap(com.tngtech.archunit.core.domain.Source::getFileName)
                        .orElse(javaClass.getName());
                return SliceIdentifier.of(javaClass.getPackageName() + "/" + file);
            }

            @Override
            public String getDescription() {
                return "source files of the runtime";
            }
        }).should().beFreeOfCycles().check(classes);
    }

    @Test
    void aRecordFlowsOneWayFromThePollThreadToTheReaders() {
        noClasses().that().resideInAnyPackage("dev.faust4j.internal.event..", "dev.faust4j.internal.buffer..",
                "dev.faust4j.internal.stream..", "dev.faust4j.internal.agent..", "dev.faust4j.internal.failure..",
                "dev.faust4j.internal.route..", "dev.faust4j.internal.send..", "dev.faust4j.internal.topic..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.faust4j.internal.conductor..",
                        "dev.faust4j.internal.commit..", "dev.faust4j.internal.flow..")
                .because("a reader's thread never calls back into the poll thread's classes: an event carries what it "
                        + "needs (its route) and acks through its message")
                .check(classes);
    }

    @Test
    void nothingUsesJavaSerialization() {
        SecurityRules.NO_JAVA_SERIALIZATION.check(classes);
    }

    @Test
    void nothingLetsTheDataChooseAJacksonType() {
        SecurityRules.NO_JACKSON_DEFAULT_TYPING.check(classes);
        SecurityRules.NO_CLASS_NAME_TYPE_IDS.check(classes);
    }

    @Test
    void theRuntimeHasNoSynchronizedMethods() {
        noMethods().that().areDeclaredInClassesThat().resideInAPackage(INTERNAL)
                .should().haveModifier(JavaModifier.SYNCHRONIZED)
                .because("the runtime uses explicit locks (ReentrantLock) and atomics")
                .check(classes);
    }
}
