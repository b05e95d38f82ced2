package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.keep.AutoMode;
import io.raet.route.Policy;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RouterConfigTest {
    @TempDir
    Path dir;

    @Test
    void everySettingIsReadAndRelativePathsFollowTheFile() throws Exception {
        Path f = dir.resolve("router.json");
        Files.writeString(f, """
                {"name": "alpha", "role": "minion", "host": "0.0.0.0", "port": 7540, "main": false,
                 "keep": "keep", "auto": "always", "lane": "maple", "laneDir": "/run/raet", "yards": ["w1", "w2"],
                 "join": ["127.0.0.1:7530", "[::1]:7531"], "policyFile": "policy.json",
                 "policy": {"default": "deny", "rules": [{"role": "*", "dst": "*", "action": "allow"}]},
                 "shares": {"status": "best", "events": "topic", "inbox": "queue", "jobs": "pool"},
                 "aliasFile": "aliases.json", "policyPollMillis": 100, "joinRetryMillis": 250}""");
        RouterConfig c = RouterConfig.load(f).build();
        assertThat(c.name()).isEqualTo("alpha");
        assertThat(c.role()).isEqualTo("minion");
        assertThat(c.host()).isEqualTo("0.0.0.0");
        assertThat(c.port()).isEqualTo(7540);
        assertThat(c.main()).isFalse();
        assertThat(c.keep()).isEqualTo(dir.resolve("keep"));
        assertThat(c.auto()).isEqualTo(AutoMode.ALWAYS);
        assertThat(c.lane()).isEqualTo("maple");
        assertThat(c.laneDir()).isEqualTo(Path.of("/run/raet"));
        assertThat(c.yards()).containsExactly("w1", "w2");
        assertThat(c.join()).containsExactly(new InetSocketAddress("127.0.0.1", 7530),
                new InetSocketAddress("::1", 7531));
        assertThat(c.policyFile()).isEqualTo(dir.resolve("policy.json"));
        assertThat(c.policy().defaultEffect()).isEqualTo(Policy.Effect.DENY);
        assertThat(c.policy().rules()).hasSize(1);
        assertThat(c.shares()).containsOnlyKeys("status", "events", "inbox", "jobs")
                .containsEntry("events", RouterConfig.ShareKind.TOPIC).containsEntry("jobs", RouterConfig.ShareKind.POOL);
        assertThat(c.aliasFile()).isEqualTo(dir.resolve("aliases.json"));
        assertThat(c.policyPoll()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.joinRetry()).isEqualTo(Duration.ofMillis(250));
        // flags given after the file override it
        RouterConfig o = c.toBuilder().port(1).name("beta").build();
        assertThat(o.port()).isEqualTo(1);
        assertThat(o.name()).isEqualTo("beta");
        assertThat(o.yards()).containsExactly("w1", "w2");
        assertThat(o.aliasFile()).isEqualTo(c.aliasFile());
    }

    @Test
    void defaults() {
        RouterConfig c = RouterConfig.builder("alpha").build();
        assertThat(c.role()).isEqualTo("router");
        assertThat(c.port()).isEqualTo(7530);
        assertThat(c.main()).isTrue();
        assertThat(c.auto()).isEqualTo(AutoMode.ONCE);
        assertThat(c.lane()).isEqualTo("lane");
        assertThat(c.yards()).isEmpty();
        assertThat(c.policy().rules()).isEmpty();
        assertThat(c.policy().defaultEffect()).isEqualTo(Policy.Effect.ALLOW);
    }

    @Test
    void mistakesAreNamed() {
        record Case(String json, String message) {}
        for (Case k : List.of(
                new Case("{\"nmae\": \"x\"}", "unknown setting 'nmae'"),
                new Case("[1]", "must be a JSON object"),
                new Case("{\"name\": ", "not valid JSON"),
                new Case("{\"port\": \"7530\"}", "'port' must be an integer"),
                new Case("{\"port\": 70000}", "port must be 0..65535"),
                new Case("{\"auto\": \"sometimes\"}", "auto must be never, once or always"),
                new Case("{\"join\": [\"nohost\"]}", "host:port"),
                new Case("{\"join\": [\"h:0\"]}", "port must be 1..65535"),
                new Case("{\"join\": \"h:1\"}", "'join' must be a list"),
                new Case("{\"yards\": [\"a.b\"]}", "must not contain a dot"),
                new Case("{\"lane\": \"a b\"}", "must not contain spaces"),
                new Case("{\"policy\": [{\"action\": \"perhaps\"}]}", "'policy': policy rule 0"),
                new Case("{\"shares\": {\"s\": \"heap\"}}", "queue, best, topic or pool"),
                new Case("{\"shares\": {\"bad name\": \"queue\"}}", "invalid share name"),
                new Case("{\"main\": \"yes\"}", "'main' must be true or false"),
                new Case("{\"policyPollMillis\": 0}", "must be positive"))) {
            assertThatThrownBy(() -> RouterConfig.parse(k.json(), null)).as(k.json())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(k.message());
        }
        assertThatThrownBy(() -> RouterConfig.parse("{}", null).build()).hasMessageContaining("needs a name");
        assertThatThrownBy(() -> RouterConfig.load(dir.resolve("missing.json")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read");
    }

    @Test
    void aRouterRefusesToStartWithABadPolicyFile() throws Exception {
        Path f = dir.resolve("p.json");
        Files.writeString(f, "{\"rules\": 3}");
        assertThatThrownBy(() -> Router.start(RouterConfig.builder("x").port(0).laneDir(dir).policyFile(f).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("policy file");
        assertThatThrownBy(() -> Router.start(RouterConfig.builder("x").port(0).laneDir(dir)
                .policyFile(dir.resolve("none.json")).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot read policy file");
        Path a = dir.resolve("a.json");
        Files.writeString(a, "{\"aliases\": [{\"dst\": \"*\"}]}");
        assertThatThrownBy(() -> Router.start(RouterConfig.builder("x").port(0).laneDir(dir).aliasFile(a).build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alias file " + a)
                .hasMessageContaining("aliases rule 0");
        // nothing was left bound: a router can start in the same directory
        try (Router r = Router.start(RouterConfig.builder("x").port(0).laneDir(dir).build())) {
            assertThat(r.lanePath()).isEqualTo(dir.resolve("lane.router.uxd").toAbsolutePath());
        }
    }
}
