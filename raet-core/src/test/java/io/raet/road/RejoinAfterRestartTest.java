package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A peer that kept no state (same keys, role and port) joins again a main that restarted from its keep. */
class RejoinAfterRestartTest {
    @TempDir
    Path tmp;

    @Test
    void aPeerWithoutAKeepRejoinsAMainRestartedFromItsKeep() throws Exception {
        SigningKey sk = SigningKey.generate();
        BoxKeyPair bk = BoxKeyPair.generate();
        int port;
        try (RoadStack alpha = RoadStack.builder().name("alpha").main(true).port(0).auto(AutoMode.ONCE)
                .keep(tmp.resolve("alpha")).build();
                RoadStack beta = RoadStack.builder().name("beta").port(0).keys(sk, bk).build()) {
            port = beta.address().getPort();
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
            assertThat(alpha.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 1L);
        }
        try (RoadStack alpha = RoadStack.builder().name("alpha").main(true).port(0).auto(AutoMode.ONCE)
                .keep(tmp.resolve("alpha")).build();
                RoadStack beta = RoadStack.builder().name("beta").port(port).keys(sk, bk).build()) {
            beta.join(new InetSocketAddress("127.0.0.1", alpha.address().getPort())).get(10, TimeUnit.SECONDS);
            beta.send("alpha", Map.of("n", 2L)).get(10, TimeUnit.SECONDS);
            assertThat(alpha.stats()).doesNotContainKey("answer_budget");
            assertThat(alpha.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 2L);
        }
    }
}
