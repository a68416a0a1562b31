package dev.faust4j.testing;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaEnumConstant;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaParameter;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * The security rules of reliability.md S3 and S4 as ArchUnit rules, checked on the product classes by
 * {@code ArchitectureTest} (faust4j-core) and {@code KafkaArchitectureTest} (faust4j-kafka), and shown to fail on
 * offending classes by {@code SecurityRulesTest}.
 */
public final class SecurityRules {

    /** The Jackson 2 and Jackson 3 methods that turn on polymorphic typing chosen by the data. */
    static final Set<String> DEFAULT_TYPING_METHODS = Set.of("activateDefaultTyping",
            "activateDefaultTypingAsProperty", "enableDefaultTyping", "enableDefaultTypingAsProperty",
            "setDefaultTyping");

    private static final String JSON_TYPE_INFO = "com.fasterxml.jackson.annotation.JsonTypeInfo";
    private static final Set<String> CLASS_NAME_IDS = Set.of("CLASS", "MINIMAL_CLASS");

    private SecurityRules() {
    }

    /**
     * S3: no class uses Java native serialization, that is depends on {@code ObjectInputStream},
     * {@code ObjectOutputStream} or anything else that reads or writes Java-serialized objects ({@code ObjectInput},
     * {@code ObjectOutput}). A {@code readObject(ObjectInputStream)} hook counts too.
     */
    public static final ArchRule NO_JAVA_SERIALIZATION = noClasses().should().dependOnClassesThat()
            .areAssignableTo(ObjectInput.class)
            .orShould().dependOnClassesThat().areAssignableTo(ObjectOutput.class)
            .because("Java deserialization of data is a gadget-chain remote code execution waiting to happen "
                    + "(reliability.md S3)");

    /**
     * S4: nothing turns on Jackson default typing ({@code activateDefaultTyping}, {@code enableDefaultTyping}, their
     * {@code AsProperty} forms and {@code setDefaultTyping}), on Jackson 2's {@code ObjectMapper} or Jackson 3's
     * mapper builders, by a call or a method reference.
     */
    public static final ArchRule NO_JACKSON_DEFAULT_TYPING = noClasses().should()
            .accessTargetWhere(DescribedPredicate.describe("a Jackson default-typing method",
                    (JavaAccess<?> access) -> isJackson(access.getTargetOwner())
                            && DEFAULT_TYPING_METHODS.contains(access.getName())))
            .because("default typing lets the data choose the class to instantiate (reliability.md S4)");

    /**
     * S4: no {@code @JsonTypeInfo(use = Id.CLASS)} or {@code Id.MINIMAL_CLASS} on a class, field, method,
     * constructor or parameter (record components are fields, accessors and constructor parameters).
     */
    public static final ArchRule NO_CLASS_NAME_TYPE_IDS = classes().should(
            new ArchCondition<JavaClass>(
                    "not use @JsonTypeInfo with class-name type ids (Id.CLASS, Id.MINIMAL_CLASS)") {
                @Override
                public void check(JavaClass javaClass, ConditionEvents events) {
                    List<String> where = new ArrayList<>();
                    if (hasClassNameTypeInfo(javaClass.getAnnotations())) {
                        where.add(javaClass.getName());
                    }
                    for (JavaField field : javaClass.getFields()) {
                        if (hasClassNameTypeInfo(field.getAnnotations())) {
                            where.add(field.getFullName());
                        }
                    }
                    for (JavaCodeUnit unit : javaClass.getCodeUnits()) {
                        if (hasClassNameTypeInfo(unit.getAnnotations())) {
                            where.add(unit.getFullName());
                        }
                        for (JavaParameter parameter : unit.getParameters()) {
                            if (hasClassNameTypeInfo(parameter.getAnnotations())) {
                                where.add(unit.getFullName() + " parameter " + parameter.getIndex());
                            }
                        }
                    }
                    for (String w : where) {
                        events.add(SimpleConditionEvent.violated(javaClass,
                                w + " has @JsonTypeInfo with a class-name type id"));
                    }
                }
            }).because("a class-name type id lets the data choose the class to instantiate (reliability.md S4)");

    private static boolean isJackson(JavaClass owner) {
        String p = owner.getPackageName();
        return p.startsWith("com.fasterxml.jackson.databind") || p.startsWith("tools.jackson.databind");
    }

    private static boolean hasClassNameTypeInfo(Set<? extends JavaAnnotation<?>> annotations) {
        for (JavaAnnotation<?> a : annotations) {
            if (a.getRawType().getName().equals(JSON_TYPE_INFO)) {
                Optional<Object> use = a.get("use");
                if (use.isPresent() && use.get() instanceof JavaEnumConstant id && CLASS_NAME_IDS.contains(id.name())) {
                    return true;
                }
            }
        }
        return false;
    }
}
