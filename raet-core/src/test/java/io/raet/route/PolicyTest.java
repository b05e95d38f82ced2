package io.raet.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.route.Policy.Effect;
import io.raet.route.Policy.Rule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PolicyTest {
    static final String DOC_TABLE = """
            [{"role": "minion*", "dst": "*/*/jobs.*", "action": "allow"},
             {"role": "*",       "dst": "*/*/admin.*", "action": "deny"}]
            """;

    @Test
    void globs() {
        assertThat(Policy.glob("*", "")).isTrue();
        assertThat(Policy.glob("*", "a/b/c")).isTrue();
        assertThat(Policy.glob("minion*", "minion")).isTrue();
        assertThat(Policy.glob("minion*", "minion-7")).isTrue();
        assertThat(Policy.glob("minion*", "xminion")).isFalse();
        assertThat(Policy.glob("*/*/jobs.*", "beta/router/jobs.high")).isTrue();
        assertThat(Policy.glob("*/*/jobs.*", "beta/router/jobs")).isFalse();
        assertThat(Policy.glob("a*b*c", "aXbYbZc")).isTrue();
        assertThat(Policy.glob("a*b*c", "aXbYbZ")).isFalse();
        assertThat(Policy.glob("", "")).isTrue();
        assertThat(Policy.glob("", "a")).isFalse();
        assertThat(Policy.glob("a.b", "a.b")).isTrue();
        assertThat(Policy.glob("a.b", "axb")).isFalse();
    }

    @Test
    void documentedTableFirstMatchWinsAndDefault() {
        Policy p = Policy.parseJson(DOC_TABLE);
        assertThat(p.rules()).containsExactly(Rule.allow("minion*", "*/*/jobs.*"), Rule.deny("*", "*/*/admin.*"));
        Address jobs = Address.of("beta", "svc", "jobs.high");
        Address admin = Address.of("beta", "svc", "admin.reset");
        assertThat(p.decide("minion1", jobs, "beta").allowed()).isTrue();
        assertThat(p.decide("minion1", jobs, "beta").rule()).isZero();
        assertThat(p.decide("minion1", admin, "beta").effect()).isEqualTo(Effect.DENY);
        assertThat(p.decide("minion1", admin, "beta").rule()).isEqualTo(1);
        assertThat(p.decide("local", jobs, "beta").rule()).isEqualTo(-1);
        assertThat(p.decide("local", jobs, "beta").allowed()).isTrue();
        assertThat(p.withDefault(Effect.DENY).decide("local", jobs, "beta").allowed()).isFalse();
        assertThat(p.decide(null, admin, "beta").allowed()).isFalse();
    }

    @Test
    void firstMatchWinsOverLaterRules() {
        Policy p = new Policy(List.of(Rule.deny("*", "*/*/jobs.secret"), Rule.allow("*", "*/*/jobs.*")), Effect.DENY);
        assertThat(p.decide("r", Address.of("b", "y", "jobs.secret"), "b").allowed()).isFalse();
        assertThat(p.decide("r", Address.of("b", "y", "jobs.open"), "b").allowed()).isTrue();
        assertThat(p.decide("r", Address.of("b", "y", "other"), "b").allowed()).isFalse();
    }

    @Test
    void emptyLevelsCompareAsTheRoutersOwnNames() {
        Policy p = new Policy(List.of(Rule.allow("local", "alpha/router/"), Rule.allow("*", "alpha/w1/*")),
                Effect.DENY);
        assertThat(p.decide("local", Address.EMPTY, "alpha").allowed()).isTrue();
        assertThat(p.decide("local", Address.of("alpha", "router", ""), "alpha").allowed()).isTrue();
        assertThat(p.decide("local", Address.of("", "w1", "x"), "alpha").allowed()).isTrue();
        assertThat(p.decide("local", Address.of("", "w2", "x"), "alpha").allowed()).isFalse();
        assertThat(p.decide("local", Address.EMPTY, "alpha").dstKey()).isEqualTo("alpha/router/");
    }

    @Test
    void objectFormWithDefaultAndMissingGlobs() {
        Policy p = Policy.parseJson("{\"default\": \"deny\", \"rules\": [{\"dst\": \"*/*/pub\", \"action\": \"ALLOW\"}]}");
        assertThat(p.defaultEffect()).isEqualTo(Effect.DENY);
        assertThat(p.rules()).containsExactly(Rule.allow("*", "*/*/pub"));
        assertThat(p.toRules()).containsExactly(Map.of("role", "*", "dst", "*/*/pub", "action", "allow"));
        assertThat(Policy.parseJson("[]").defaultEffect()).isEqualTo(Effect.ALLOW);
        assertThat(Policy.fromRules(Policy.parseJson(DOC_TABLE).toRules(), Effect.ALLOW).rules())
                .isEqualTo(Policy.parseJson(DOC_TABLE).rules());
    }

    @Test
    void malformedTables() {
        assertThatThrownBy(() -> Policy.parseJson("[{\"role\": \"*\"}]")).hasMessageContaining("rule 0")
                .hasMessageContaining("action");
        assertThatThrownBy(() -> Policy.parseJson("[{\"action\": \"allow\"}, {\"action\": \"maybe\"}]"))
                .hasMessageContaining("rule 1");
        assertThatThrownBy(() -> Policy.parseJson("[{\"role\": 3, \"action\": \"allow\"}]"))
                .hasMessageContaining("role must be a string");
        assertThatThrownBy(() -> Policy.parseJson("[1]")).hasMessageContaining("mapping");
        assertThatThrownBy(() -> Policy.parseJson("{\"rules\": 5}")).hasMessageContaining("list");
        assertThatThrownBy(() -> Policy.parseJson("[")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> Policy.parseJson("{\"default\": \"perhaps\"}")).isInstanceOf(IllegalArgumentException.class);
    }
}
