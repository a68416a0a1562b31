package dev.faust4j.internal.json;

import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.AnnotatedMember;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.util.NameTransformer;

/**
 * Jackson's standard annotation handling with one change: a plain {@code @JsonUnwrapped} (no
 * prefix or suffix) gets an identity name transformer instead of {@link NameTransformer#NOP}.
 *
 * <p>Design note: Jackson only renames (copies) the property writers of an unwrapped bean when the
 * transformer is not {@code NOP}. {@link FaustMetadataWriter} relies on that copy to fall silent,
 * so an unwrapped record does not write a second {@code __faust} into the enclosing object (which
 * Jackson would otherwise reject as a name clash). Every other property keeps its name because
 * the identity transformer returns it unchanged.
 */
final class FaustAnnotationIntrospector extends JacksonAnnotationIntrospector {

    private static final long serialVersionUID = 1L;

    private static final NameTransformer IDENTITY = new NameTransformer() {
        @Override
        public String transform(String name) {
            return name;
        }

        @Override
        public String reverse(String transformed) {
            return transformed;
        }

        @Override
        public String toString() {
            return "[IdentityTransformer]";
        }
    };

    @Override
    public NameTransformer findUnwrappingNameTransformer(MapperConfig<?> config, AnnotatedMember member) {
        NameTransformer transformer = super.findUnwrappingNameTransformer(config, member);
        return NameTransformer.NOP.equals(transformer) ? IDENTITY : transformer;
    }
}
