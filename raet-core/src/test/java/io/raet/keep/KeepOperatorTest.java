package io.raet.keep;

import static io.raet.keep.Samples.ALPHA_PRIHEX;
import static io.raet.keep.Samples.ALPHA_PUBHEX;
import static io.raet.keep.Samples.ALPHA_SIGHEX;
import static io.raet.keep.Samples.ALPHA_VERHEX;
import static io.raet.keep.Samples.BETA_PUBHEX;
import static io.raet.keep.Samples.BETA_VERHEX;
import static io.raet.keep.Samples.MAIN;
import static io.raet.keep.Samples.OTHER;
import static io.raet.keep.Samples.OTHER_ROLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeepOperatorTest {
    @TempDir
    Path tmp;

    private KeepOperator filled() {
        RoadKeep k = new RoadKeep(tmp.resolve("keep"));
        k.dumpLocal(MAIN);
        k.dumpLocalRole(new LocalRoleData("main", ALPHA_SIGHEX, ALPHA_PRIHEX));
        k.dumpRemote(OTHER);
        k.dumpRemoteRole(OTHER_ROLE);
        k.dumpRemote(new RemoteEstateData("bad", 3, 3, new HostPort("127.0.0.1", 7532), null, null, "", null, 3,
                false, 0, true, "badrole"));
        k.dumpRemoteRole(new RemoteRoleData("badrole", Acceptance.REJECTED, BETA_VERHEX, BETA_PUBHEX));
        return KeepOperator.open(tmp.resolve("keep"));
    }

    @Test
    void aDirectoryThatIsNotAKeepIsRefusedAndNothingIsCreated() throws Exception {
        assertThatThrownBy(() -> KeepOperator.open(tmp.resolve("typo"))).isInstanceOf(KeepException.class)
                .hasMessageContaining("no keep at").hasMessageContaining("no such directory");
        assertThat(tmp.resolve("typo")).doesNotExist();
        Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> KeepOperator.open(tmp.resolve("empty"))).hasMessageContaining("no local, remote");
        assertThat(tmp.resolve("empty")).isEmptyDirectory();
    }

    @Test
    void listsTheLocalIdentityWithPublicKeysAndEveryRemoteWithItsAcceptance() {
        KeepOperator op = filled();
        KeepOperator.Local local = op.local();
        assertThat(local.estate().name()).isEqualTo("main");
        assertThat(local.verhex()).isEqualTo(ALPHA_VERHEX);
        assertThat(local.pubhex()).isEqualTo(ALPHA_PUBHEX);
        KeepOperator.Listing l = op.list();
        assertThat(l.remotes()).extracting(r -> r.estate().name()).containsExactly("bad", "other");
        assertThat(l.remotes()).extracting(KeepOperator.RemoteEntry::acceptance)
                .containsExactly(Acceptance.REJECTED, Acceptance.ACCEPTED);
        assertThat(l.remotes()).allSatisfy(r -> assertThat(r.written()).isNotNull());
        assertThat(l.roles()).containsOnlyKeys("other", "badrole");
        assertThat(op.remote("other")).hasValueSatisfying(r -> assertThat(r.role()).isEqualTo(OTHER_ROLE));
        assertThat(op.remote("nobody")).isEmpty();
    }

    @Test
    void acceptAndRejectWithGivenKeysOrTheKeysOnFile() {
        KeepOperator op = filled();
        op.accept("badrole", null, null);
        assertThat(op.role("badrole")).hasValueSatisfying(r -> {
            assertThat(r.acceptance()).isEqualTo(Acceptance.ACCEPTED);
            assertThat(r.verhex()).isEqualTo(BETA_VERHEX);
        });
        op.reject("other", null, null);
        assertThat(op.role("other").orElseThrow().acceptance()).isEqualTo(Acceptance.REJECTED);
        // a role never seen, accepted ahead of its first join, with upper-case hex
        op.accept("newrole", ALPHA_VERHEX.toUpperCase(), ALPHA_PUBHEX);
        assertThat(op.role("newrole")).hasValue(new RemoteRoleData("newrole", Acceptance.ACCEPTED, ALPHA_VERHEX,
                ALPHA_PUBHEX));
        // the estate's own acceptance rule now lets exactly these keys in, under auto mode never
        assertThat(op.keep().statusRole("newrole", ALPHA_VERHEX, ALPHA_PUBHEX, AutoMode.NEVER))
                .isEqualTo(Acceptance.ACCEPTED);
        assertThat(op.keep().statusRole("newrole", BETA_VERHEX, BETA_PUBHEX, AutoMode.NEVER))
                .isEqualTo(Acceptance.REJECTED);
        assertThatThrownBy(() -> op.accept("unknown", null, null)).isInstanceOf(KeepException.class)
                .hasMessageContaining("no role \"unknown\"").hasMessageContaining("give its keys");
        assertThatThrownBy(() -> op.accept("x", ALPHA_VERHEX, null)).hasMessageContaining("both keys");
        assertThatThrownBy(() -> op.accept("x", "abc", ALPHA_PUBHEX)).isInstanceOf(KeepException.class)
                .hasMessageContaining("verhex");
    }

    @Test
    void pruneRemovesOldOrRejectedRemotesAndKeepsTheRoleDecisions() throws Exception {
        KeepOperator op = filled();
        Path other = op.keep().remoteEstatePath("other");
        Files.setLastModifiedTime(other, FileTime.from(Instant.now().minus(Duration.ofDays(40))));
        Instant now = Instant.now();
        assertThat(op.prune(Duration.ofDays(30), false, true, now)).extracting(r -> r.estate().name())
                .containsExactly("other");
        assertThat(other).exists();
        assertThat(op.prune(null, true, false, now)).extracting(r -> r.estate().name()).containsExactly("bad");
        assertThat(op.keep().remoteEstatePath("bad")).doesNotExist();
        assertThat(op.role("badrole").orElseThrow().acceptance()).isEqualTo(Acceptance.REJECTED);
        assertThat(op.prune(Duration.ofDays(30), false, false, now)).hasSize(1);
        assertThat(op.list().remotes()).isEmpty();
        assertThat(op.list().roles()).containsOnlyKeys("other", "badrole");
        assertThatThrownBy(() -> op.prune(null, false, false, now)).hasMessageContaining("say what to prune");
    }
}
