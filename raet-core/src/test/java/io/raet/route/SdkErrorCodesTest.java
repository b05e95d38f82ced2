package io.raet.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The SDKs list every error code a router may answer with, so a yard can tell each from the others. */
class SdkErrorCodesTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void pythonAndGoListEveryErrorCode() throws IOException {
        String python = Files.readString(ROOT.resolve("sdk/python/raetsdk/route.py"));
        var tuple = Pattern.compile("ERROR_CODES = \\(([^)]*)\\)", Pattern.DOTALL).matcher(python);
        assertThat(tuple.find()).isTrue();
        String go = Files.readString(ROOT.resolve("sdk/go/route.go"));
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(tuple.group(1)).as("sdk/python ERROR_CODES").contains("\"" + code.wire() + "\"");
            assertThat(go).as("sdk/go error codes").containsPattern("Code\\w+\\s*=\\s*\"" + code.wire() + "\"");
        }
        assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::wire)).doesNotHaveDuplicates();
    }
}
