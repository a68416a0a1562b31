package dev.faust4j.internal.json;

import tools.jackson.core.JsonGenerator;
import tools.jackson.core.SerializableString;
import tools.jackson.core.TokenStreamContext;
import tools.jackson.core.io.SerializedString;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.PropertyName;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.AnnotatedClass;
import tools.jackson.databind.introspect.BeanPropertyDefinition;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.VirtualBeanPropertyWriter;
import tools.jackson.databind.util.Annotations;
import tools.jackson.databind.util.NameTransformer;

/**
 * The virtual {@code __faust} property: writes {@code "__faust":{"ns":"<namespace>"}}.
 *
 * <p>Design note: all strings are pre-encoded {@link SerializedString}s, so writing the member is
 * four generator calls. A per-codec namespace override ({@code Codecs.json(type, ns)}) travels as
 * an {@code ObjectWriter} attribute and applies only to the top-level object (parent context is
 * the root), so nested records keep their own namespace. When the owning record is
 * {@code @JsonUnwrapped} into another object, the copy Jackson makes via {@link #rename} writes
 * nothing (under a different internal name, so Jackson's name-clash check passes): the enclosing
 * object already has its own {@code __faust}.
 */
final class FaustMetadataWriter extends VirtualBeanPropertyWriter {

    private static final long serialVersionUID = 1L;

    /** {@code ObjectWriter} attribute key carrying a {@link SerializedString} namespace override for the root object. */
    static final Object NAMESPACE_OVERRIDE = FaustMetadataWriter.class.getName() + ".namespaceOverride";

    private static final SerializedString NAME = new SerializedString(FaustMetadataModifier.PROPERTY);
    private static final SerializedString NS = new SerializedString("ns");

    private final SerializedString namespace;
    private final boolean enabled;

    FaustMetadataWriter(BeanPropertyDefinition definition, Annotations annotations, JavaType type,
                        SerializedString namespace) {
        super(definition, annotations, type);
        this.namespace = namespace;
        this.enabled = true;
    }

    /** A silent copy under a name that cannot clash with the enclosing object's own {@code __faust}. */
    private FaustMetadataWriter(FaustMetadataWriter base, PropertyName silentName) {
        super(base, silentName);
        this.namespace = base.namespace;
        this.enabled = false;
    }

    @Override
    protected Object value(Object bean, JsonGenerator g, SerializationContext ctxt) {
        return namespace.getValue();
    }

    @Override
    public void serializeAsProperty(Object bean, JsonGenerator g, SerializationContext ctxt) {
        if (!enabled) {
            return;
        }
        g.writeName(NAME);
        writeMetadata(g, ctxt);
    }

    @Override
    public void serializeAsElement(Object bean, JsonGenerator g, SerializationContext ctxt) {
        // Only used for @JsonFormat(shape = ARRAY) beans; keep the array's arity stable.
        if (enabled) {
            writeMetadata(g, ctxt);
        }
    }

    private void writeMetadata(JsonGenerator g, SerializationContext ctxt) {
        SerializableString ns = namespace;
        TokenStreamContext parent = g.streamWriteContext().getParent();
        if (parent != null && parent.inRoot()) {
            Object override = ctxt.getAttribute(NAMESPACE_OVERRIDE);
            if (override instanceof SerializableString s) {
                ns = s;
            }
        }
        g.writeStartObject();
        g.writeName(NS);
        g.writeString(ns);
        g.writeEndObject();
    }

    @Override
    public BeanPropertyWriter rename(NameTransformer transformer) {
        return new FaustMetadataWriter(this, PropertyName.construct(FaustMetadataModifier.PROPERTY + "$unwrapped"));
    }

    @Override
    public VirtualBeanPropertyWriter withConfig(MapperConfig<?> config, AnnotatedClass declaringClass,
                                                BeanPropertyDefinition propDef, JavaType type) {
        // Only reached through @JsonAppend, which faust4j does not use for this writer.
        throw new UnsupportedOperationException("FaustMetadataWriter is added by FaustMetadataModifier only");
    }
}
