package io.raet.keep;

import static io.raet.keep.Acceptance.ACCEPTED;
import static io.raet.keep.Acceptance.PENDING;
import static io.raet.keep.Acceptance.REJECTED;
import static io.raet.keep.AutoMode.ALWAYS;
import static io.raet.keep.AutoMode.NEVER;
import static io.raet.keep.AutoMode.ONCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every cell of the acceptance table (spec §6.5), with what is persisted. */
class StatusRoleTest {
    private static final String OLD_VER = Samples.ALPHA_VERHEX;
    private static final String OLD_PUB = Samples.ALPHA_PUBHEX;
    private static final String NEW_VER = Samples.BETA_VERHEX;
    private static final String NEW_PUB = Samples.BETA_PUBHEX;

    @TempDir
    Path dir;

    enum Prior { NONE, ACCEPTED, PENDING, REJECTED }

    enum Keys { SAME, NEW_VERKEY, NEW_PUBKEY, BOTH_NEW }

    static Stream<Arguments> table() {
        List<Arguments> cells = new ArrayList<>();
        for (Keys keys : Keys.values()) {
            boolean same = keys == Keys.SAME;
            cells.add(Arguments.of(NEVER, Prior.NONE, keys, PENDING));
            cells.add(Arguments.of(NEVER, Prior.ACCEPTED, keys, same ? ACCEPTED : REJECTED));
            cells.add(Arguments.of(NEVER, Prior.PENDING, keys, same ? PENDING : REJECTED));
            cells.add(Arguments.of(NEVER, Prior.REJECTED, keys, REJECTED));
            cells.add(Arguments.of(ONCE, Prior.NONE, keys, ACCEPTED));
            cells.add(Arguments.of(ONCE, Prior.ACCEPTED, keys, same ? ACCEPTED : REJECTED));
            cells.add(Arguments.of(ONCE, Prior.PENDING, keys, same ? ACCEPTED : REJECTED));
            cells.add(Arguments.of(ONCE, Prior.REJECTED, keys, REJECTED));
            cells.add(Arguments.of(ALWAYS, Prior.NONE, keys, ACCEPTED));
            cells.add(Arguments.of(ALWAYS, Prior.ACCEPTED, keys, ACCEPTED));
            cells.add(Arguments.of(ALWAYS, Prior.PENDING, keys, ACCEPTED));
            cells.add(Arguments.of(ALWAYS, Prior.REJECTED, keys, ACCEPTED));
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} prior={1} keys={2} -> {3}")
    @MethodSource("table")
    void acceptanceTable(AutoMode auto, Prior prior, Keys keys, Acceptance expected) throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        Path file = keep.remoteRolePath("r1");
        if (prior != Prior.NONE) {
            keep.dumpRemoteRole(new RemoteRoleData("r1", Acceptance.valueOf(prior.name()), OLD_VER, OLD_PUB));
        }
        byte[] before = prior == Prior.NONE ? null : Files.readAllBytes(file);
        String ver = keys == Keys.NEW_VERKEY || keys == Keys.BOTH_NEW ? NEW_VER : OLD_VER;
        String pub = keys == Keys.NEW_PUBKEY || keys == Keys.BOTH_NEW ? NEW_PUB : OLD_PUB;

        // The same decision without writing (what a join request gets before the joiner proves its keys).
        assertThat(keep.decideRole("r1", ver, pub, auto)).isEqualTo(expected);
        assertThat(Files.exists(file) ? Files.readAllBytes(file) : null).isEqualTo(before);

        assertThat(keep.statusRole("r1", ver, pub, auto)).isEqualTo(expected);

        if (expected == REJECTED) {
            // never written: the file is exactly as before
            assertThat(Files.readAllBytes(file)).isEqualTo(before);
        } else {
            assertThat(keep.loadRemoteRole("r1")).contains(new RemoteRoleData("r1", expected, ver, pub));
        }
    }

    @Test
    void nullAcceptanceCountsAsNoRecord() {
        RoadKeep keep = new RoadKeep(dir);
        keep.dumpRemoteRole(new RemoteRoleData("r1", null, OLD_VER, OLD_PUB));
        assertThat(keep.statusRole("r1", NEW_VER, NEW_PUB, NEVER)).isEqualTo(PENDING);
        assertThat(keep.loadRemoteRole("r1")).contains(new RemoteRoleData("r1", PENDING, NEW_VER, NEW_PUB));
        keep.dumpRemoteRole(new RemoteRoleData("r2", null, OLD_VER, OLD_PUB));
        assertThat(keep.statusRole("r2", NEW_VER, NEW_PUB, ONCE)).isEqualTo(ACCEPTED);
    }

    @Test
    void keysCompareByValueNotCase() {
        RoadKeep keep = new RoadKeep(dir);
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, ONCE)).isEqualTo(ACCEPTED);
        assertThat(keep.statusRole("r1", OLD_VER.toUpperCase(), OLD_PUB.toUpperCase(), ONCE)).isEqualTo(ACCEPTED);
        assertThat(keep.loadRemoteRole("r1").orElseThrow().verhex()).isEqualTo(OLD_VER);
    }

    @Test
    void pendingThenOperatorAcceptsThenKeysArePinned() {
        RoadKeep keep = new RoadKeep(dir);
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, NEVER)).isEqualTo(PENDING);
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, NEVER)).isEqualTo(PENDING);
        keep.acceptRemote("r1");
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, NEVER)).isEqualTo(ACCEPTED);
        assertThat(keep.statusRole("r1", NEW_VER, OLD_PUB, NEVER)).isEqualTo(REJECTED);
        assertThat(keep.loadRemoteRole("r1")).contains(new RemoteRoleData("r1", ACCEPTED, OLD_VER, OLD_PUB));
        keep.rejectRemote("r1");
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, ONCE)).isEqualTo(REJECTED);
        keep.pendRemote("r1");
        assertThat(keep.loadRemoteRole("r1").map(RemoteRoleData::acceptance)).contains(PENDING);
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, ONCE)).isEqualTo(ACCEPTED);
    }

    @Test
    void operatorMethodsNeedARoleFile() {
        RoadKeep keep = new RoadKeep(dir);
        assertThatThrownBy(() -> keep.acceptRemote("nobody")).isInstanceOf(KeepException.class)
                .hasMessageContaining("no role file");
        assertThatThrownBy(() -> keep.rejectRemote("nobody")).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> keep.pendRemote("nobody")).isInstanceOf(KeepException.class);
        assertThat(keep.loadRemoteRole("nobody")).isEmpty();
    }

    @Test
    void invalidKeysAreRefused() {
        RoadKeep keep = new RoadKeep(dir);
        assertThatThrownBy(() -> keep.statusRole("r1", "abc", OLD_PUB, ALWAYS)).isInstanceOf(KeepException.class)
                .hasMessageContaining("verhex must be 64 hex characters");
        assertThatThrownBy(() -> keep.statusRole("r1", OLD_VER, "g".repeat(64), ALWAYS))
                .isInstanceOf(KeepException.class).hasMessageContaining("pubhex has a non-hex character");
        assertThat(keep.loadRemoteRole("r1")).isEmpty();
    }

    @Test
    void corruptRoleFileFailsClosedExceptUnderAlways() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        Path file = keep.remoteRolePath("r1");
        Files.writeString(file, "{\"role\": \"r1\", \"acceptance\": 1, \"verhex\": \"nothex\"");
        byte[] before = Files.readAllBytes(file);
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, NEVER)).isEqualTo(REJECTED);
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, ONCE)).isEqualTo(REJECTED);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThatThrownBy(() -> keep.loadRemoteRole("r1")).isInstanceOf(KeepException.class)
                .hasMessageContaining("not valid JSON");
        assertThat(keep.statusRole("r1", OLD_VER, OLD_PUB, ALWAYS)).isEqualTo(ACCEPTED);
        assertThat(keep.loadRemoteRole("r1")).isEqualTo(Optional.of(new RemoteRoleData("r1", ACCEPTED, OLD_VER, OLD_PUB)));
    }

    @Test
    void anOperatorPreAcceptsARoleWithItsKeys() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        assertThat(keep.hasRemoteData()).isFalse();
        keep.acceptRole("r1", NEW_VER, NEW_PUB);
        assertThat(keep.loadRemoteRole("r1")).contains(new RemoteRoleData("r1", ACCEPTED, NEW_VER, NEW_PUB));
        assertThat(keep.hasRemoteData()).isTrue();
        assertThat(keep.decideRole("r1", NEW_VER, NEW_PUB, NEVER)).isEqualTo(ACCEPTED);
        assertThat(keep.decideRole("r1", OLD_VER, OLD_PUB, ONCE)).isEqualTo(REJECTED);

        // Other keys for the role replace the old ones (an operator re-keys a peer).
        keep.dumpRemoteRole(new RemoteRoleData("r2", REJECTED, OLD_VER, OLD_PUB));
        keep.acceptRole("r2", NEW_VER, NEW_PUB);
        assertThat(keep.loadRemoteRole("r2")).contains(new RemoteRoleData("r2", ACCEPTED, NEW_VER, NEW_PUB));

        // keepRole writes only what changes.
        Path file = keep.remoteRolePath("r2");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
        keep.keepRole("r2", NEW_VER.toUpperCase(), NEW_PUB, ACCEPTED);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isZero();
        keep.keepRole("r2", NEW_VER, NEW_PUB, PENDING);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isNotZero();
        assertThatThrownBy(() -> keep.acceptRole("../r3", NEW_VER, NEW_PUB)).isInstanceOf(KeepException.class);
    }
}
