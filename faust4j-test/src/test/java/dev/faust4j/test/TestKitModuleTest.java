package dev.faust4j.test;

import dev.faust4j.App;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;

import static org.assertj.core.api.Assertions.assertThat;

/** The kit is the named module {@code dev.faust4j.test} and uses faust4j's exported API only. */
class TestKitModuleTest {

    @Test
    void theKitIsANamedModuleThatCoreExportsNothingInternalTo() {
        Module kit = TestDriver.class.getModule();
        assertThat(kit.isNamed()).as("these tests run on the module path").isTrue();
        assertThat(kit.getName()).isEqualTo("dev.faust4j.test");
        assertThat(kit.getDescriptor().exports()).extracting(ModuleDescriptor.Exports::source)
                .containsExactly("dev.faust4j.test");
        Module core = App.class.getModule();
        assertThat(core.getDescriptor().exports()).noneMatch(e -> e.targets().contains("dev.faust4j.test"));
        assertThat(core.isExported("dev.faust4j.internal.memory", kit)).isFalse();
        assertThat(kit.getDescriptor().requires()).extracting(ModuleDescriptor.Requires::name)
                .contains("dev.faust4j").doesNotContain("org.junit.jupiter.api");
    }
}
