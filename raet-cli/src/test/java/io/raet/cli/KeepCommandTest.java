package io.raet.cli;

import static io.raet.cli.CliErrorsTest.oneLine;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.keep.AutoMode;
import io.raet.road.RoadStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code raet keep list|show|accept|reject|prune} on the keep of an estate that a remote has joined. */
class KeepCommandTest {
    @TempDir
    Path tmp;

    static List<Map<String, Object>> lines(CliRun r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        List<Map<String, Object>> out = new ArrayList<>();
        for (String l : r.out().strip().split("\n")) {
            out.add(Json.parseObject(l));
        }
        return out;
    }

    /** Main estate alpha with its keep in {@code tmp/alpha}, joined by beta; returns beta's verify key. */
    private String joined() throws Exception {
        try (RoadStack alpha = RoadStack.builder().name("alpha").main(true).port(0).auto(AutoMode.ONCE)
                .keep(tmp.resolve("alpha")).build();
                RoadStack beta = RoadStack.builder().name("beta").port(0).build()) {
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            // alpha keeps beta once beta's last join packet has arrived
            Path file = tmp.resolve("alpha/remote/estate.beta.json");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(file) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(file).exists();
            return beta.signingKey().verifyKey().hex();
        }
    }

    @Test
    void listShowsTheLocalIdentityTheRemotesAndTheRolesWithoutSecrets() throws Exception {
        String betaKey = joined();
        String keep = tmp.resolve("alpha").toString();
        List<Map<String, Object>> l = lines(CliRun.run("keep", "list", "--keep", keep));
        assertThat(l).extracting(m -> m.get("kind")).containsExactly("local", "remote", "role");
        assertThat(l.get(0)).containsEntry("name", "alpha").containsKeys("verhex", "pubhex", "address")
                .doesNotContainKeys("sighex", "prihex");
        assertThat(l.get(1)).containsEntry("name", "beta").containsEntry("role", "beta")
                .containsEntry("acceptance", "accepted").containsKey("written");
        assertThat(l.get(2)).containsEntry("role", "beta").containsEntry("verhex", betaKey).containsEntry("remotes", 1);
        assertThat(lines(CliRun.run("keep", "show", "--keep", keep)).get(0)).doesNotContainKeys("sighex", "prihex");
        assertThat(lines(CliRun.run("keep", "show", "--secrets", "--keep", keep)).get(0))
                .containsKeys("sighex", "prihex");
        assertThat(lines(CliRun.run("keep", "show", "beta", "--keep", keep)).get(0))
                .containsEntry("kind", "remote").containsEntry("verhex", betaKey);
        assertThat(lines(CliRun.run("keep", "show", "--role", "beta", "--keep", keep)).get(0))
                .containsEntry("kind", "role").containsEntry("acceptance", "accepted");
        assertThat(oneLine(CliRun.run("keep", "show", "gamma", "--keep", keep), 2))
                .isEqualTo("raet keep show: the keep " + keep + " has no remote 'gamma' (raet keep list shows the"
                        + " remotes)");
    }

    @Test
    void rejectAcceptAndPrune() throws Exception {
        joined();
        String keep = tmp.resolve("alpha").toString();
        assertThat(lines(CliRun.run("keep", "reject", "beta", "--keep", keep)).get(0))
                .containsEntry("role", "beta").containsEntry("acceptance", "rejected");
        List<Map<String, Object>> dry = lines(CliRun.run("keep", "prune", "--rejected", "--dry-run", "--keep", keep));
        assertThat(dry).extracting(m -> m.get("kind")).containsExactly("would_prune", "prune");
        assertThat(lines(CliRun.run("keep", "list", "--keep", keep))).extracting(m -> m.get("kind"))
                .contains("remote");
        List<Map<String, Object>> pruned = lines(CliRun.run("keep", "prune", "--rejected", "--keep", keep));
        assertThat(pruned.get(0)).containsEntry("kind", "pruned").containsEntry("name", "beta");
        assertThat(pruned.get(1)).containsEntry("removed", 1);
        // the rejection stays with the role
        List<Map<String, Object>> after = lines(CliRun.run("keep", "list", "--keep", keep));
        assertThat(after).extracting(m -> m.get("kind")).containsExactly("local", "role");
        assertThat(after.get(1)).containsEntry("acceptance", "rejected").containsEntry("remotes", 0);
        assertThat(lines(CliRun.run("keep", "accept", "beta", "--keep", keep)).get(0))
                .containsEntry("acceptance", "accepted");
        Map<String, Object> keys = Json.parseObject(CliRun.run("keygen").out().strip());
        assertThat(lines(CliRun.run("keep", "accept", "gamma", "--verhex", (String) keys.get("verhex"), "--pubhex",
                (String) keys.get("pubhex"), "--keep", keep)).get(0)).containsEntry("role", "gamma")
                .containsEntry("acceptance", "accepted").containsEntry("verhex", keys.get("verhex"));
    }

    @Test
    void pruneByAgeUsesWhenTheRemoteWasLastWritten() throws Exception {
        joined();
        Path keep = tmp.resolve("alpha");
        Path beta = keep.resolve("remote/estate.beta.json");
        assertThat(lines(CliRun.run("keep", "prune", "--unseen-for", "30d", "--keep", keep.toString())))
                .singleElement().satisfies(m -> assertThat(m).containsEntry("removed", 0));
        Files.setLastModifiedTime(beta, FileTime.from(Instant.now().minus(Duration.ofDays(31))));
        assertThat(lines(CliRun.run("keep", "prune", "--unseen-for", "30d", "--keep", keep.toString())).get(0))
                .containsEntry("kind", "pruned").containsEntry("name", "beta");
        assertThat(beta).doesNotExist();
    }

    @Test
    void mistakesAreOneLine() throws Exception {
        Path none = tmp.resolve("none");
        assertThat(oneLine(CliRun.run("keep", "list", "--keep", none.toString()), 2))
                .isEqualTo("raet keep list: no keep at " + none + ": no such directory");
        assertThat(none).doesNotExist();
        joined();
        String keep = tmp.resolve("alpha").toString();
        assertThat(oneLine(CliRun.run("keep", "accept", "gamma", "--keep", keep), 2))
                .startsWith("raet keep accept: the keep has no role \"gamma\": give its keys");
        assertThat(oneLine(CliRun.run("keep", "accept", "gamma", "--verhex", "abc", "--pubhex", "abc", "--keep",
                keep), 2)).startsWith("raet keep accept: --verhex must be a key of 64 hex digits");
        assertThat(oneLine(CliRun.run("keep", "prune", "--keep", keep), 2))
                .isEqualTo("raet keep prune: say what to prune: --unseen-for AGE, --rejected, or both");
        assertThat(oneLine(CliRun.run("keep", "prune", "--unseen-for", "soon", "--keep", keep), 2))
                .contains("--unseen-for must be a positive age such as 30d");
        assertThat(oneLine(CliRun.run("keep"), 2)).startsWith("raet keep: a subcommand is required");
    }
}
