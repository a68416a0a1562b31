package dev.faust4j.internal.json;

import dev.faust4j.codec.FaustRecord;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.PropertyMetadata;
import tools.jackson.databind.PropertyName;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.introspect.AnnotatedClass;
import tools.jackson.databind.introspect.VirtualAnnotatedMember;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.ValueSerializerModifier;
import tools.jackson.databind.util.SimpleBeanPropertyDefinition;

import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Appends the {@code "__faust":{"ns":...}} member to the serializer of every record/POJO class.
 *
 * <p>Design note: Jackson calls {@link #changeProperties} once per bean class while it builds (and
 * then caches) that class's serializer. We add one {@link FaustMetadataWriter} after the declared
 * properties, so the member comes last, as in Faust, and nested records get their own. The
 * namespace is resolved here, once per class; nothing is reflected per record. JDK and Jackson
 * types, classes annotated {@code includeMetadata = false}, and classes that already have a
 * {@code __faust} property are left alone.
 */
final class FaustMetadataModifier extends ValueSerializerModifier {

    private static final long serialVersionUID = 1L;

    static final String PROPERTY = "__faust";

    @Override
    public List<BeanPropertyWriter> changeProperties(SerializationConfig config, BeanDescription.Supplier beanDesc,
                                                     List<BeanPropertyWriter> beanProperties) {
        Class<?> beanClass = beanDesc.getBeanClass();
        if (!isModelClass(beanClass)) {
            return beanProperties;
        }
        FaustRecord annotation = beanClass.getAnnotation(FaustRecord.class);
        if (annotation != null && !annotation.includeMetadata()) {
            return beanProperties;
        }
        for (BeanPropertyWriter existing : beanProperties) {
            if (PROPERTY.equals(existing.getName())) {
                return beanProperties; // the class defines __faust itself; do not write it twice
            }
        }
        String namespace = annotation != null && !annotation.namespace().isBlank()
                ? annotation.namespace()
                : defaultNamespace(beanClass);

        AnnotatedClass classInfo = beanDesc.getClassInfo();
        JavaType type = config.constructType(String.class);
        VirtualAnnotatedMember member = new VirtualAnnotatedMember(classInfo, beanClass, PROPERTY, type);
        SimpleBeanPropertyDefinition definition = SimpleBeanPropertyDefinition.construct(config, member,
                PropertyName.construct(PROPERTY), PropertyMetadata.STD_OPTIONAL, JsonInclude.Include.ALWAYS);

        List<BeanPropertyWriter> result = new ArrayList<>(beanProperties.size() + 1);
        result.addAll(beanProperties);
        result.add(new FaustMetadataWriter(definition, classInfo.getAnnotations(), type,
                new SerializedString(namespace)));
        return result;
    }

    /** The Java fully-qualified name ({@code Outer.Inner} for nested classes), else the binary name. */
    static String defaultNamespace(Class<?> type) {
        String canonical = type.getCanonicalName();
        return canonical != null ? canonical : type.getName();
    }

    /**
     * Whether {@code type} is a user model: a record or concrete class outside the JDK and Jackson,
     * and not a collection or map. Only these get {@code __faust}.
     */
    static boolean isModelClass(Class<?> type) {
        if (type.isPrimitive() || type.isArray() || type.isEnum() || type.isInterface()
                || type.isAnnotation() || Modifier.isAbstract(type.getModifiers())
                || Map.class.isAssignableFrom(type) || Collection.class.isAssignableFrom(type)
                || Throwable.class.isAssignableFrom(type)) {
            return false;
        }
        String name = type.getName();
        return !(name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.")
                || name.startsWith("sun.") || name.startsWith("com.sun.")
                || name.startsWith("tools.jackson.") || name.startsWith("com.fasterxml.jackson."));
    }
}
