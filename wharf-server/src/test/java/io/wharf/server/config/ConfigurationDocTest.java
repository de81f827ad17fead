package io.wharf.server.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/CONFIGURATION.md must list exactly the keys the server accepts, with their defaults. The table is
 * generated from the key table; run the build with {@code -Dwharf.updateDocs=true} to rewrite it.
 */
class ConfigurationDocTest {
    private static final Path DOC = Path.of("..", "docs", "CONFIGURATION.md");
    private static final String BEGIN = "<!-- BEGIN GENERATED: ServerConfig.markdownReference() -->";
    private static final String END = "<!-- END GENERATED -->";

    @Test
    void theConfigurationReferenceMatchesTheKeyTable() throws Exception {
        String doc = Files.readString(DOC, StandardCharsets.UTF_8);
        int begin = doc.indexOf(BEGIN);
        int end = doc.indexOf(END);
        assertThat(begin).as("%s has a %s marker", DOC, BEGIN).isNotNegative();
        assertThat(end).as("%s has a %s marker", DOC, END).isGreaterThan(begin);
        String expected = "\n" + ServerConfig.markdownReference().strip() + "\n";
        String actual = doc.substring(begin + BEGIN.length(), end);
        if (Boolean.getBoolean("wharf.updateDocs") && !actual.equals(expected)) {
            Files.writeString(DOC, doc.substring(0, begin + BEGIN.length()) + expected + doc.substring(end),
                StandardCharsets.UTF_8);
            actual = expected;
        }
        assertThat(actual).as("docs/CONFIGURATION.md is out of date; rebuild with -Dwharf.updateDocs=true")
            .isEqualTo(expected);
    }
}
