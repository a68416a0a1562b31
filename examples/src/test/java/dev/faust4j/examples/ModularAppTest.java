package dev.faust4j.examples;

import dev.faust4j.App;
import org.junit.jupiter.api.Test;

import java.lang.module.ModuleDescriptor;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The examples are a modular app (their tests run on the module path): faust4j is the named module
 * {@code dev.faust4j}, it exports its API and nothing of its runtime, and a user's code cannot reach into the
 * runtime even by reflection. (The example apps themselves run in {@link ExamplesTest}, in this same module.)
 */
class ModularAppTest {

    @Test
    void faust4jIsANamedModuleExportingOnlyItsApi() {
        assertThat(getClass().getModule().isNamed()).as("these tests run on the module path").isTrue();
        Module faust4j = App.class.getModule();
        assertThat(faust4j.getName()).isEqualTo("dev.faust4j");
        Set<String> exported = faust4j.getDescriptor().exports().stream()
                .filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(exported).containsExactlyInAnyOrder("dev.faust4j", "dev.faust4j.codec", "dev.faust4j.spi",
                "dev.faust4j.time");
        assertThat(faust4j.isExported("dev.faust4j.internal.app", getClass().getModule())).isFalse();
        assertThat(faust4j.getDescriptor().provides())
                .anyMatch(p -> p.service().equals("dev.faust4j.spi.TransportFactory"));
    }

    @Test
    void theRuntimeCannotBeReachedEvenByReflection() throws Exception {
        Class<?> runtime = Class.forName("dev.faust4j.internal.app.AppRuntime", false, App.class.getClassLoader());
        assertThatThrownBy(() -> runtime.getConstructors()[0].newInstance(App.builder("x").build().settings()))
                .isInstanceOf(IllegalAccessException.class);
    }
}
