package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.keep.KeepException;
import io.raet.keep.PassphraseSource;
import io.raet.keep.RoadKeep;
import io.raet.keep.SealScope;
import io.raet.keep.SealedKeep;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A stack runs on a sealed keep when its builder is given the passphrase, and only then. */
@Timeout(60)
class RoadStackSealedKeepTest {
    @TempDir
    Path tmp;

    static PassphraseSource pass(String p) {
        return PassphraseSource.of(p.getBytes(StandardCharsets.UTF_8), "test passphrase");
    }

    @Test
    void aNewKeepIsSealedAndTheSameIdentityComesBackWithThePassphrase() throws Exception {
        Path keep = tmp.resolve("alpha");
        String verhex;
        try (RoadStack s = RoadStack.builder().name("alpha").port(0).keep(keep).passphrase(pass("s3cret")).build()) {
            verhex = s.signingKey().verifyKey().hex();
        }
        assertThat(SealedKeep.status(keep).scope()).contains(SealScope.KEYS);
        assertThat(Files.readString(keep.resolve("role/local/role.json"))).contains("\"sealed\"")
                .doesNotContain("sighex");
        try (RoadStack s = RoadStack.builder().name("alpha").port(0).keep(keep).passphrase(pass("s3cret")).build()) {
            assertThat(s.signingKey().verifyKey().hex()).isEqualTo(verhex);
        }
        assertThatThrownBy(() -> RoadStack.builder().name("alpha").port(0).keep(keep).build())
                .isInstanceOf(KeepException.class).hasMessageContaining("is sealed")
                .hasMessageContaining("passphrase");
        assertThatThrownBy(() -> RoadStack.builder().name("alpha").port(0).keep(keep).passphrase(pass("wrong"))
                .build()).isInstanceOf(KeepException.class).hasMessageContaining("wrong passphrase");
    }

    @Test
    void aSealedMainAndAPlainJoinerExchangeMessages() throws Exception {
        Path mainKeep = tmp.resolve("main");
        SealedKeep.encrypt(seed(mainKeep), pass("pw"), io.raet.crypto.Argon2id.INTERACTIVE, SealScope.ALL);
        RoadKeep opened = new RoadKeep(mainKeep, pass("pw"));
        try (RoadStack main = RoadStack.builder().name("main").main(true).port(0).keep(opened).build();
                RoadStack joiner = RoadStack.builder().name("joiner").port(0).build()) {
            joiner.join(main.address()).get(10, TimeUnit.SECONDS);
            joiner.send("main", Map.of("n", 1)).get(10, TimeUnit.SECONDS);
            assertThat(main.receive().body()).containsEntry("n", 1L);
            // the joiner's role was kept sealed, through the keep the caller holds too
            assertThat(opened.loadRemoteRole("joiner")).isPresent();
            assertThat(Files.readString(mainKeep.resolve("role/remote/role.joiner.json"))).contains("\"sealed\"");
        }
    }

    /** A plain keep with a local identity, written by a stack. */
    private static Path seed(Path dir) {
        RoadStack.builder().name("main").main(true).port(0).keep(dir).build().close();
        return dir;
    }
}
