package dev.faust4j;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings table in the {@link Settings} Javadoc is generated from the settings table in code, so the two cannot
 * drift: this test renders it and compares. Run with {@code -Dfaust4j.settings.write=true} to rewrite the Javadoc
 * after changing a setting.
 */
class SettingsDocumentationTest {
    private static final String BEGIN = " * <!-- settings-table:begin";
    private static final String END = " * <!-- settings-table:end -->";

    @Test
    void theJavadocTableIsTheSettingsTable() throws IOException {
        Path source = Path.of("src/main/java/dev/faust4j/Settings.java");
        String text = Files.readString(source, StandardCharsets.UTF_8);
        int begin = text.indexOf(BEGIN);
        int end = text.indexOf(END);
        assertThat(begin).as("the table's begin marker in " + source).isNotNegative();
        assertThat(end).as("the table's end marker").isGreaterThan(begin);
        int tableStart = text.indexOf('\n', begin) + 1;
        String documented = text.substring(tableStart, end);
        String generated = render();
        if (Boolean.getBoolean("faust4j.settings.write") && !documented.equals(generated)) {
            Files.writeString(source, text.substring(0, tableStart) + generated + text.substring(end),
                    StandardCharsets.UTF_8);
            documented = generated;
        }
        assertThat(documented).as("the Settings Javadoc table (rerun with -Dfaust4j.settings.write=true to regenerate)")
                .isEqualTo(generated);
    }

    private static String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(" * <table>\n");
        sb.append(
                " * <caption>Settings: the builder method, the property key, the environment variable, the default</caption>\n");
        sb.append(
                " * <tr><th>builder method</th><th>property</th><th>environment</th><th>default</th><th>meaning</th></tr>\n");
        for (Setting<?> s : Setting.all()) {
            sb.append(" * <tr><td>{@code ").append(s.name()).append("}</td><td>{@code ").append(s.key())
                    .append("}</td><td>{@code ").append(s.env()).append("}</td><td>{@code ")
                    .append(s.format(s.defaultValue())).append("}</td><td>").append(s.doc()).append("</td></tr>\n");
        }
        sb.append(" * </table>\n");
        return sb.toString();
    }
}
