package io.raet.keep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeepNamesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"alpha", "estate_0123abcd", "a.b", "Ünïcödé", "x-y_z", "other", "a.b.c"})
    void acceptsFileSafeNames(String name) {
        assertThat(KeepNames.isValid(name)).isTrue();
        assertThat(KeepNames.require("name", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a b", "../x", "a/b", "", "..", "a..b", "a\\b", "a\u0000b", "a\nb", "a\tb", "\u0001",
        "x\u007f", "x\u0085", " lead", "trail ", "\ud800x"})
    void rejectsUnsafeNames(String name) {
        assertThat(KeepNames.isValid(name)).isFalse();
        assertThatThrownBy(() -> KeepNames.require("name", name))
                .isInstanceOf(KeepException.class)
                .hasMessageStartingWith("invalid name ");
    }

    @Test
    void messagesSayWhy() {
        assertThat(KeepNames.problem("a b")).contains("contains a space");
        assertThat(KeepNames.problem("../x")).contains("contains a path separator '/'");
        assertThat(KeepNames.problem("..")).contains("contains '..'");
        assertThat(KeepNames.problem("")).contains("is empty");
        assertThat(KeepNames.problem(null)).contains("is null");
        assertThat(KeepNames.problem("a\u0000")).contains("contains NUL");
        assertThat(KeepNames.problem("a\u001b")).contains("contains control character U+001B");
        assertThatThrownBy(() -> KeepNames.require("role", "a\nb")).hasMessageContaining("\"a\\u000ab\"");
    }

    @Test
    void lengthIsLimitedInUtf8Bytes() {
        assertThat(KeepNames.isValid("x".repeat(200))).isTrue();
        assertThat(KeepNames.isValid("x".repeat(201))).isFalse();
        assertThat(KeepNames.isValid("é".repeat(100))).isTrue();
        assertThat(KeepNames.problem("é".repeat(101))).contains("is 202 bytes long in UTF-8 (at most 200)");
    }

    @Test
    void keepRefusesInvalidNamesBeforeTouchingFiles() {
        RoadKeep keep = new RoadKeep(dir);
        assertThatThrownBy(() -> keep.removeRemote("../x")).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> keep.loadRemote("a b")).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> keep.loadRemoteRole("a/b")).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> keep.removeRemoteRole("")).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> keep.acceptRemote("a\u0001")).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> keep.statusRole("../x", Samples.OTHER_VERHEX, Samples.OTHER_PUBHEX, AutoMode.ALWAYS))
                .isInstanceOf(KeepException.class)
                .hasMessageContaining("invalid role");
        assertThatThrownBy(() -> Samples.remote("a b", 1)).isInstanceOf(KeepException.class)
                .hasMessageContaining("invalid name");
        assertThatThrownBy(() -> new RemoteRoleData("../x", null, Samples.OTHER_VERHEX, Samples.OTHER_PUBHEX))
                .isInstanceOf(KeepException.class);
        assertThat(dir.resolve("x")).doesNotExist();
        assertThat(dir.resolve("remote")).isEmptyDirectory();
    }
}
