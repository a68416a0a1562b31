package dev.faust4j.internal.json;

import tools.jackson.databind.DatabindContext;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.jsontype.PolymorphicTypeValidator;

/**
 * Refuses every polymorphic type id that is a class name.
 *
 * <p>Design note (reliability.md S4): faust4j never enables default typing, but a user type could
 * still carry a {@code @JsonTypeInfo} asking for class-name ids ({@code CLASS} or
 * {@code MINIMAL_CLASS}); then the class to
 * instantiate would come from the message, the classic Jackson gadget-chain hole. Jackson asks
 * this validator about such ids, and it says no, so the record fails to decode. Logical type
 * names ({@code Id.NAME} with {@code @JsonSubTypes}) map only to classes the programmer listed and
 * do not go through this check, so they keep working.
 */
final class NoClassNameTypeValidator extends PolymorphicTypeValidator.Base {

    private static final long serialVersionUID = 1L;

    static final NoClassNameTypeValidator INSTANCE = new NoClassNameTypeValidator();

    private NoClassNameTypeValidator() {
    }

    @Override
    public Validity validateBaseType(DatabindContext ctxt, JavaType baseType) {
        return Validity.INDETERMINATE;
    }

    @Override
    public Validity validateSubClassName(DatabindContext ctxt, JavaType baseType, String subClassName) {
        return Validity.DENIED;
    }

    @Override
    public Validity validateSubType(DatabindContext ctxt, JavaType baseType, JavaType subType) {
        return Validity.DENIED;
    }
}
