package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.keep.AutoMode;
import io.raet.road.SessionRenewal;
import io.raet.trust.Restrictions;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The channel, governance, passphrase and restriction settings of a router's configuration file. */
class RouterConfigTrustTest {
    @TempDir
    Path dir;

    RouterConfig.Builder parse(String json) {
        return RouterConfig.parse(json, dir);
    }

    @Test
    void channelsGovernanceAndRestrictionAreRead() throws Exception {
        Path f = dir.resolve("router.json");
        Files.writeString(f, """
                {"name": "alpha", "role": "minion", "port": 7530, "keep": "keep-a",
                 "channels": {"ctl": {"port": 7630, "keep": "ctl-a", "control": true, "members": ["beta.json"],
                                      "join": ["127.0.0.1:7631"]},
                              "bulk": {"name": "alpha-bulk", "port": 7730, "auto": "always", "main": false}},
                 "genesis": "genesis.json", "chain": "chain",
                 "passphrase": {"file": "pass"},
                 "restrict": {"throttleAt": 5, "denyAt": 9, "coolingMillis": 2000, "rate": 100},
                 "refusalErrorRate": 7, "renew": {"maxAgeSeconds": 600.5, "maxBytes": 8589934592}}""");
        RouterConfig c = RouterConfig.load(f).build();
        assertThat(c.channels()).containsOnlyKeys("", "ctl", "bulk");
        RouterConfig.Channel main = c.channels().get("");
        assertThat(main.estate()).isEqualTo("alpha");
        assertThat(main.port()).isEqualTo(7530);
        assertThat(main.keep()).isEqualTo(dir.resolve("keep-a"));
        RouterConfig.Channel ctl = c.channels().get("ctl");
        assertThat(ctl.control()).isTrue();
        assertThat(ctl.auto()).isEqualTo(AutoMode.NEVER);
        assertThat(ctl.role()).as("a control member is provisioned by its own role").isEqualTo("alpha");
        assertThat(ctl.members()).containsExactly(dir.resolve("beta.json"));
        assertThat(ctl.join()).containsExactly(new InetSocketAddress("127.0.0.1", 7631));
        assertThat(c.control()).contains(ctl);
        RouterConfig.Channel bulk = c.channels().get("bulk");
        assertThat(bulk.estate()).isEqualTo("alpha-bulk");
        assertThat(bulk.role()).isEqualTo("minion");
        assertThat(bulk.auto()).isEqualTo(AutoMode.ALWAYS);
        assertThat(bulk.main()).isFalse();
        assertThat(c.genesis()).isEqualTo(dir.resolve("genesis.json"));
        assertThat(c.chain()).isEqualTo(dir.resolve("chain"));
        assertThat(c.passphrase().description()).contains(dir.resolve("pass").toString());
        Restrictions.Settings r = c.restrictions();
        assertThat(r.enabled()).isTrue();
        assertThat(r.throttleAt()).isEqualTo(5);
        assertThat(r.denyAt()).isEqualTo(9);
        assertThat(r.cooling()).isEqualTo(Duration.ofSeconds(2));
        assertThat(r.rate()).isEqualTo(100);
        assertThat(r.halfLife()).isEqualTo(Restrictions.Settings.defaults().halfLife());
        assertThat(c.refusalErrorRate()).isEqualTo(7);
        assertThat(c.sessionRenewal()).isEqualTo(new SessionRenewal(Duration.ofMillis(600_500), 8L << 30));
        // the channels survive toBuilder (command-line flags override a file)
        assertThat(c.toBuilder().port(1).build().channels().get("ctl")).isEqualTo(ctl);
        assertThat(parse("{\"name\": \"a\", \"restrict\": false}").build().restrictions().enabled()).isFalse();
        // renewal: on by default (every hour or GiB), off with false, by one bound alone
        assertThat(parse("{\"name\": \"a\"}").build().sessionRenewal()).isEqualTo(SessionRenewal.defaults());
        assertThat(parse("{\"name\": \"a\", \"renew\": false}").build().sessionRenewal())
                .isEqualTo(SessionRenewal.OFF);
        assertThat(parse("{\"name\": \"a\", \"renew\": {\"maxBytes\": 1000}}").build().sessionRenewal())
                .isEqualTo(new SessionRenewal(Duration.ZERO, 1000));
        assertThat(c.toBuilder().build().sessionRenewal()).isEqualTo(c.sessionRenewal());
    }

    @Test
    void mistakesAreRefusedWithTheSettingNamed() {
        assertThatThrownBy(() -> parse("""
                {"name": "a", "channels": {"x": {"control": true, "keep": "k"}, "y": {"control": true,
                 "keep": "k2"}}}""").build()).hasMessageContaining("at most one control channel");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"channels\": {\"x\": {\"members\": [\"m.json\"]}}}")
                .build()).hasMessageContaining("members are provisioned on the control channel only");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"channels\": {\"x\": {\"control\": true, \"keep\": \"k\","
                + " \"auto\": \"once\"}}}").build()).hasMessageContaining("accepts only its provisioned members");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"channels\": {\"x\": {\"control\": true}}}").build())
                .hasMessageContaining("the control channel needs a keep");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"channels\": {\"x\": {\"prot\": 1}}}"))
                .hasMessageContaining("unknown setting 'prot'");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"channels\": {\"no way\": {}}}"))
                .hasMessageContaining("channel 'no way'").hasMessageContaining("a channel name is 1..64");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"genesis\": \"g.json\"}").build())
                .hasMessageContaining("needs the directory of its policy chain");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"genesis\": \"g.json\", \"chain\": \"c\","
                + " \"policyFile\": \"p.json\"}").build())
                .hasMessageContaining("a governed router takes its table from its policy chain");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"passphrase\": {\"file\": \"p\", \"env\": \"P\"}}"))
                .hasMessageContaining("names one source");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"restrict\": {\"throttleAt\": 9, \"denyAt\": 1}}"))
                .hasMessageContaining("'restrict'").hasMessageContaining("throttleAt <= denyAt");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"renew\": {\"maxAgeSeconds\": -1}}"))
                .hasMessageContaining("'renew'").hasMessageContaining("maxAgeSeconds must be 0 (never)");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"renew\": {\"maxBytes\": -1}}"))
                .hasMessageContaining("'renew'").hasMessageContaining("maxBytes must be zero (never) or positive");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"renew\": {\"maxBytes\": 1.5}}"))
                .hasMessageContaining("'maxBytes' must be an integer");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"renew\": {\"seconds\": 60}}"))
                .hasMessageContaining("'renew': unknown setting 'seconds'");
        assertThatThrownBy(() -> parse("{\"name\": \"a\", \"renew\": 60}"))
                .hasMessageContaining("'renew' must be an object");
    }

    @Test
    void aMemberKeyFileIsCheckedAtStart() throws Exception {
        Path member = dir.resolve("m.json");
        Files.writeString(member, "{\"role\": \"beta\", \"verhex\": \"zz\", \"pubhex\": \"00\"}");
        RouterConfig c = parse("{\"name\": \"a\", \"laneDir\": \"lane\", \"port\": 0, \"channels\": {\"ctl\":"
                + " {\"control\": true, \"keep\": \"k\", \"members\": [\"m.json\"]}}}").build();
        assertThatThrownBy(() -> Router.start(c)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("member key file " + member).hasMessageContaining("verhex");
    }
}
