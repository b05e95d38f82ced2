package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.codec.BodyKind;
import io.raet.keep.AutoMode;
import io.raet.keep.RoadKeep;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoadStackTest {
    @TempDir
    Path tmp;

    private RoadStack.Builder estate(String name, boolean main) {
        return RoadStack.builder().name(name).main(main).port(0).auto(AutoMode.ONCE).keep(tmp.resolve(name));
    }

    @Test
    void twoEstatesOnLoopbackJoinAllowAndExchangeMessages() throws Exception {
        try (RoadStack alpha = estate("alpha", true).build(); RoadStack beta = estate("beta", false).build()) {
            String name = beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            assertThat(name).isEqualTo("alpha");
            beta.allow("alpha").get(10, TimeUnit.SECONDS);
            Delivery d = beta.send("alpha", Map.of("content", "hello over udp")).get(10, TimeUnit.SECONDS);
            assertThat(d.remote()).isEqualTo("alpha");
            RoadEvent.Message m = alpha.receive(Duration.ofSeconds(5));
            assertThat(m.from()).isEqualTo("beta");
            assertThat(m.body()).containsEntry("content", "hello over udp");

            String big = "x".repeat(300_000);
            alpha.send("beta", Map.of("content", big)).get(20, TimeUnit.SECONDS);
            assertThat(beta.receive(Duration.ofSeconds(5)).body().get("content")).isEqualTo(big);
            assertThat(alpha.stats()).isNotEmpty();

            RemoteInfo a = beta.remote("alpha").get(5, TimeUnit.SECONDS).orElseThrow();
            assertThat(a.address()).isEqualTo(alpha.address());
            assertThat(a.verifyKey()).isEqualTo(alpha.signingKey().verifyKey());
            assertThat(a.joined() && a.allowed() && a.proven()).isTrue();
            assertThat(beta.remotes().get(5, TimeUnit.SECONDS)).extracting(RemoteInfo::name).containsExactly("alpha");
            assertThat(beta.remote("nobody").get(5, TimeUnit.SECONDS)).isEmpty();
        }
    }

    @Test
    void sendBeforeAllowJoinsAndAllowsFirst() throws Exception {
        try (RoadStack alpha = estate("alpha", true).build(); RoadStack beta = estate("beta", false).build()) {
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
            assertThat(alpha.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 1L);
        }
    }

    @Test
    void aRefusedMessageFailsWithItsReasonAndAClosedStackFailsTheRest() throws Exception {
        try (RoadStack alpha = estate("alpha", true).limits(RoadLimits.defaults().withMaxMessageSize(4096)).build();
                RoadStack beta = estate("beta", false).build()) {
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            Map<String, ?> big = Map.of("content", "x".repeat(20_000));
            assertThatThrownBy(() -> beta.send("alpha", big).get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(DeliveryException.class,
                            e -> assertThat(e.reason()).isEqualTo(DeliveryFailure.REFUSED));
            alpha.close();
            var late = beta.send("alpha", Map.of("n", 1L), MessageOptions.DEFAULT.withTimeout(Duration.ofMinutes(5)));
            assertThat(beta.levels()).containsEntry("messages_in_flight", 1L); // the send ran on the owner
            beta.close();
            assertThatThrownBy(() -> late.get(10, TimeUnit.SECONDS)).cause().isInstanceOfSatisfying(
                    DeliveryException.class, e -> assertThat(e.reason()).isEqualTo(DeliveryFailure.CLOSED));
        }
    }

    @Test
    void msgpackBodies() throws Exception {
        try (RoadStack alpha = estate("alpha", true).bodyKind(BodyKind.MSGPACK).build();
                RoadStack beta = estate("beta", false).bodyKind(BodyKind.MSGPACK).build()) {
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.send("alpha", Map.of("blob", new byte[] {1, 2, 3}, "n", 7L)).get(10, TimeUnit.SECONDS);
            RoadEvent.Message m = alpha.receive(Duration.ofSeconds(5));
            assertThat((byte[]) m.body().get("blob")).containsExactly(1, 2, 3);
        }
    }

    @Test
    void restartFromTheKeepKeepsIdentityAndRemotes() throws Exception {
        var alphaAddress = (java.net.InetSocketAddress) null;
        String alphaVer;
        try (RoadStack alpha = estate("alpha", true).build(); RoadStack beta = estate("beta", false).build()) {
            alphaAddress = alpha.address();
            alphaVer = alpha.signingKey().verifyKey().hex();
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
        }
        assertThat(new RoadKeep(tmp.resolve("beta")).loadRemotes().remotes()).singleElement()
                .satisfies(r -> assertThat(r.name()).isEqualTo("alpha"));
        try (RoadStack alpha = estate("alpha", true).port(alphaAddress.getPort()).build();
                RoadStack beta = estate("beta", false).build()) {
            assertThat(alpha.signingKey().verifyKey().hex()).isEqualTo(alphaVer);
            // beta knows alpha from its keep: it can message without a new join (an allow happens first).
            beta.send("alpha", Map.of("n", 2L), MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(15)))
                    .get(20, TimeUnit.SECONDS);
            assertThat(alpha.receive(Duration.ofSeconds(5)).body()).containsEntry("n", 2L);
        }
    }

    @Test
    void badArgumentsGiveClearErrors() throws Exception {
        assertThatThrownBy(() -> RoadStack.builder().port(1).build()).hasMessageContaining("name");
        assertThatThrownBy(() -> RoadStack.builder().name("x").port(70000).build()).hasMessageContaining("port");
        try (RoadStack alpha = estate("alpha", true).build()) {
            assertThatThrownBy(() -> alpha.send("nobody", Map.of()).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasMessageContaining("unknown remote");
            assertThatThrownBy(() -> alpha.send("nobody", Map.of("x", new Object())).get(5, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
        }
    }

    @Test
    void corruptRemoteFileIsSkippedOthersLoad() throws Exception {
        try (RoadStack alpha = estate("alpha", true).build(); RoadStack beta = estate("beta", false).build();
                RoadStack gamma = estate("gamma", false).build()) {
            // A joiner is kept once it signed a packet with its keys (here, its allow).
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.allow("alpha").get(10, TimeUnit.SECONDS);
            gamma.join(alpha.address()).get(10, TimeUnit.SECONDS);
            gamma.allow("alpha").get(10, TimeUnit.SECONDS);
        }
        Path bad = tmp.resolve("alpha/remote/estate.beta.json");
        Files.writeString(bad, "{ not json");
        try (RoadStack alpha = estate("alpha", true).build()) {
            assertThat(alpha.inspect(e -> e.remote("gamma") != null).get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(alpha.inspect(e -> e.remote("beta") == null).get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(alpha.inspect(e -> e.stats().get("keep_problem")).get(5, TimeUnit.SECONDS)).isEqualTo(1L);
        }
    }
}
