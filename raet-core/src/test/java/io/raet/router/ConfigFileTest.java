package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {
    @TempDir
    Path tmp;

    @Test
    void typedValuesAndPathsFromTheFilesDirectory() throws Exception {
        Path f = tmp.resolve("conf/a.json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "{\"name\": \"x\", \"port\": 7, \"echo\": true, \"keep\": \"k\", \"abs\": \"/k\","
                + " \"join\": [\"a:1\"]}");
        ConfigFile c = ConfigFile.load(f, Set.of("name", "port", "echo", "keep", "abs", "join", "other"), "test");
        assertThat(c.keys()).containsExactly("abs", "echo", "join", "keep", "name", "port");
        assertThat(c.string("name")).isEqualTo("x");
        assertThat(c.integer("port")).isEqualTo(7);
        assertThat(c.bool("echo")).isTrue();
        assertThat(c.path("keep")).isEqualTo(tmp.resolve("conf/k").toAbsolutePath());
        assertThat(c.path("abs")).isEqualTo(Path.of("/k"));
        assertThat(c.strings("join", "addresses")).containsExactly("a:1");
        assertThat(c.strings("other", "addresses")).isEmpty();
        assertThatThrownBy(() -> c.integer("name")).hasMessage("'name' must be an integer");
        assertThatThrownBy(() -> c.bool("port")).hasMessage("'port' must be true or false");
    }

    @Test
    void mistakesNameTheFileTheSettingOrTheLineAndColumn() {
        assertThatThrownBy(() -> ConfigFile.parse("{\"nmae\": 1}", null, Set.of("name")))
                .hasMessageContaining("unknown setting 'nmae' (known: [name])");
        assertThatThrownBy(() -> ConfigFile.parse("[1]", null, Set.of())).hasMessageContaining("a JSON object");
        assertThatThrownBy(() -> ConfigFile.parse("{\n  \"a\": 1,,\n}", null, Set.of("a")))
                .hasMessageStartingWith("not valid JSON: Unexpected character (',')")
                .hasMessageEndingWith("at line 2 column 10")
                .hasMessageNotContaining("\n").hasMessageNotContaining("Source:");
        assertThatThrownBy(() -> ConfigFile.parse("{} {}", null, Set.of())).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> ConfigFile.load(tmp.resolve("none.json"), Set.of(), "test settings"))
                .hasMessage("cannot read test settings " + tmp.resolve("none.json") + ": no such file");
        assertThat(List.of(ConfigFile.parse("{}", null, Set.of()).keys())).containsExactly(Set.of());
    }
}
