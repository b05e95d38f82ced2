package io.raet.keep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RoadKeepTest {
    @TempDir
    Path dir;

    // ---------------------------------------------------------------- round trips

    @Test
    void createsTheReferenceLayout() {
        new RoadKeep(dir.resolve("k"));
        assertThat(dir.resolve("k/local")).isDirectory();
        assertThat(dir.resolve("k/remote")).isDirectory();
        assertThat(dir.resolve("k/role/local")).isDirectory();
        assertThat(dir.resolve("k/role/remote")).isDirectory();
    }

    @Test
    void emptyKeepLoadsNothing() {
        RoadKeep keep = new RoadKeep(dir);
        assertThat(keep.loadLocal()).isEmpty();
        assertThat(keep.loadLocalRole()).isEmpty();
        assertThat(keep.loadRemote("alpha")).isEmpty();
        assertThat(keep.loadRemoteRole("alpha")).isEmpty();
        RemoteLoad load = keep.loadRemotes();
        assertThat(load.remotes()).isEmpty();
        assertThat(load.roles()).isEmpty();
        assertThat(load.problems()).isEmpty();
    }

    @Test
    void localRoundTrip() {
        RoadKeep keep = new RoadKeep(dir);
        LocalEstateData full = new LocalEstateData("estate_0123456789abcdef", 4294967295L,
                new HostPort("::1", 65535), new HostPort("10.1.2.3", 1), true, "", false, 4294967295L, 0,
                new HostPort("0.0.0.0", 0), "role-x");
        keep.dumpLocal(full);
        assertThat(new RoadKeep(dir).loadLocal()).contains(full);
        keep.dumpLocal(Samples.MAIN);
        assertThat(keep.loadLocal()).contains(Samples.MAIN);

        SigningKey sk = SigningKey.generate();
        BoxKeyPair bk = BoxKeyPair.generate();
        LocalRoleData role = LocalRoleData.of("role-x", sk, bk);
        keep.dumpLocalRole(role);
        LocalRoleData back = new RoadKeep(dir).loadLocalRole().orElseThrow();
        assertThat(back).isEqualTo(role);
        assertThat(back.signingKey().verifyKey()).isEqualTo(sk.verifyKey());
        assertThat(back.boxKeyPair().publicKey()).isEqualTo(bk.publicKey());
        assertThat(back.toString()).doesNotContain(role.sighex()).doesNotContain(role.prihex());
    }

    @Test
    void remoteRoundTrip() {
        RoadKeep keep = new RoadKeep(dir);
        RemoteEstateData full = new RemoteEstateData("beta.estate", 7, 9, new HostPort("127.0.0.1", 7541),
                new HostPort("10.0.0.2", 7541), false, "beta.example", true, 12, true, 255, false, "shared");
        keep.dumpRemote(full);
        keep.dumpRemote(Samples.OTHER);
        RemoteRoleData role = new RemoteRoleData("shared", null, Samples.BETA_VERHEX, Samples.BETA_PUBHEX);
        keep.dumpRemoteRole(role);
        keep.dumpRemoteRole(Samples.OTHER_ROLE);

        RoadKeep again = new RoadKeep(dir);
        assertThat(again.loadRemote("beta.estate")).contains(full);
        assertThat(again.loadRemoteRole("shared")).contains(role);
        RemoteLoad load = again.loadRemotes();
        assertThat(load.problems()).isEmpty();
        assertThat(load.remotes()).containsExactly(full, Samples.OTHER);
        assertThat(load.roles()).containsEntry("shared", role).containsEntry("other", Samples.OTHER_ROLE);
        assertThat(load.roleOf(full).orElseThrow().verifyKey().hex()).isEqualTo(Samples.BETA_VERHEX);
        assertThat(load.roleOf(full).orElseThrow().publicKey().hex()).isEqualTo(Samples.BETA_PUBHEX);
    }

    @Test
    void removeAndClear() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        keep.dumpLocal(Samples.MAIN);
        keep.dumpLocalRole(Samples.MAIN_ROLE);
        keep.dumpRemote(Samples.OTHER);
        keep.dumpRemote(Samples.remote("b", 3));
        keep.dumpRemoteRole(Samples.OTHER_ROLE);
        assertThat(keep.removeRemote("b")).isTrue();
        assertThat(keep.removeRemote("b")).isFalse();
        assertThat(keep.loadRemotes().remotes()).containsExactly(Samples.OTHER);
        assertThat(keep.removeRemoteRole("other")).isTrue();
        assertThat(keep.removeRemoteRole("other")).isFalse();
        keep.dumpRemoteRole(Samples.OTHER_ROLE);

        Files.writeString(dir.resolve("remote/estate.x.json.corrupt"), "junk");
        Files.writeString(dir.resolve("remote/.estate.y.json.0011223344556677.tmp"), "junk");
        Files.writeString(dir.resolve("remote/notes.txt"), "operator notes");
        keep.clearAll();
        assertThat(keep.loadLocal()).isEmpty();
        assertThat(keep.loadLocalRole()).isEmpty();
        RemoteLoad load = keep.loadRemotes();
        assertThat(load.remotes()).isEmpty();
        assertThat(load.roles()).isEmpty();
        assertThat(dir.resolve("remote")).isDirectoryContaining(p -> p.getFileName().toString().equals("notes.txt"));
        try (var files = Files.list(dir.resolve("remote"))) {
            assertThat(files.toList()).hasSize(1);
        }
    }

    @Test
    void filesAreOwnerOnly() throws Exception {
        Path k = dir.resolve("keep");
        RoadKeep keep = new RoadKeep(k);
        keep.dumpLocalRole(Samples.MAIN_ROLE);
        keep.dumpRemote(Samples.OTHER);
        if (!AtomicFiles.posix(k)) {
            return;
        }
        for (String d : List.of("", "local", "remote", "role", "role/local", "role/remote")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(k.resolve(d)))).as(d)
                    .isEqualTo("rwx------");
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keep.localRolePath())))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keep.remoteEstatePath("other"))))
                .isEqualTo("rw-------");
    }

    // ---------------------------------------------------------------- invalid files

    @Test
    void corruptRemotesAreReportedAndSkipped() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        keep.dumpRemote(Samples.remote("alpha", 2));
        keep.dumpRemote(Samples.remote("omega", 3));
        keep.dumpRemoteRole(Samples.OTHER_ROLE);
        String good = Files.readString(keep.remoteEstatePath("alpha"));
        Path remote = dir.resolve("remote");
        Files.write(remote.resolve("estate.garbage.json"), new byte[] {0, (byte) 0xff, 'x', '{'});
        Files.writeString(remote.resolve("estate.truncated.json"), good.substring(0, good.length() / 2));
        Files.writeString(remote.resolve("estate.empty.json"), "");
        Files.writeString(remote.resolve("estate.wrongkeys.json"),
                good.replace("\"alpha\",\n  \"uid\"", "\"wrongkeys\",\n  \"mutable\": true,\n  \"uid\"")
                        .replace("  \"fqdn\": \"host-alpha\",\n", ""));
        Files.writeString(remote.resolve("estate.badport.json"),
                good.replace("\"alpha\"", "\"badport\"").replace("7002", "70000"));
        Files.writeString(remote.resolve("estate.badtype.json"),
                good.replace("\"alpha\"", "\"badtype\"").replace("\"sid\": 1", "\"sid\": \"1\""));
        Files.writeString(remote.resolve("estate.renamed.json"), good);
        Files.writeString(remote.resolve("estate.array.json"), "[1, 2]");
        Files.writeString(remote.resolve("estate.dup.json"), "{\"name\": \"dup\", \"name\": \"dup\"}");
        Files.writeString(remote.resolve("estate.x.msgpack"), "\u0080");
        Path roles = dir.resolve("role/remote");
        Files.writeString(roles.resolve("role.badhex.json"), Samples.OTHER_ROLE_JSON
                .replace("\"other\"", "\"badhex\"").replace("17cb79fb", "17cb79fz"));
        Files.writeString(roles.resolve("role.short.json"), Samples.OTHER_ROLE_JSON
                .replace("\"other\"", "\"short\"").replace("17cb79fb", "17cb79f"));
        Files.writeString(roles.resolve("role.badacc.json"), Samples.OTHER_ROLE_JSON
                .replace("\"other\"", "\"badacc\"").replace("\"acceptance\": 1", "\"acceptance\": 3"));

        RemoteLoad load = keep.loadRemotes();

        assertThat(load.remotes()).containsExactly(Samples.remote("alpha", 2), Samples.remote("omega", 3));
        assertThat(load.roles()).containsOnlyKeys("other");
        assertThat(reasons(load)).containsExactlyInAnyOrder(
                "estate.array.json: not a JSON object",
                "estate.badport.json: field 'ha' port must be 0..65535, got 70000",
                "estate.badtype.json: field 'sid' must be an integer, got a string",
                "estate.dup.json: not valid JSON: Duplicate field 'name'",
                "estate.empty.json: empty file",
                "estate.garbage.json: not valid JSON",
                "estate.renamed.json: name \"alpha\" differs from the file name's \"renamed\"",
                "estate.truncated.json: not valid JSON",
                "estate.wrongkeys.json: wrong key set: missing keys [fqdn], unexpected keys [mutable]",
                "estate.x.msgpack: msgpack keep files are not supported",
                "role.badacc.json: field 'acceptance' must be 0..2, got 3",
                "role.badhex.json: verhex has a non-hex character at position 7",
                "role.short.json: verhex must be 64 hex characters, got 63");

        // invalid estate files are moved aside (never deleted), role files stay where they are
        for (KeepProblem p : load.problems()) {
            String n = p.file().getFileName().toString();
            if (n.startsWith("estate.") && n.endsWith(".json")) {
                assertThat(p.movedTo()).isEqualTo(p.file().resolveSibling(n + ".corrupt"));
                assertThat(p.file()).doesNotExist();
                assertThat(p.movedTo()).exists();
            } else {
                assertThat(p.movedTo()).isNull();
                assertThat(p.file()).exists();
            }
        }
        assertThat(Files.readString(remote.resolve("estate.renamed.json.corrupt"))).isEqualTo(good);

        // next load: only the files left in place are reported again
        RemoteLoad again = keep.loadRemotes();
        assertThat(again.remotes()).hasSize(2);
        assertThat(reasons(again)).hasSize(4).allMatch(r -> r.startsWith("role.") || r.startsWith("estate.x.msgpack"));

        // a second corrupt copy of the same file does not overwrite the first one moved aside
        Files.writeString(remote.resolve("estate.garbage.json"), "again");
        RemoteLoad third = keep.loadRemotes();
        assertThat(third.problems()).filteredOn(p -> p.movedTo() != null).singleElement()
                .satisfies(p -> assertThat(p.movedTo().getFileName().toString())
                        .isEqualTo("estate.garbage.json.corrupt.1"));
        assertThat(remote.resolve("estate.garbage.json.corrupt")).exists();
    }

    @Test
    void corruptLocalFilesThrowAndStayInPlace() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        Files.writeString(keep.localEstatePath(), Samples.MAIN_ESTATE_JSON.replace("\"puid\": 2,\n", ""));
        assertThatThrownBy(keep::loadLocal).isInstanceOf(KeepException.class)
                .hasMessageContaining("estate.json: wrong key set: missing keys [puid]");
        assertThat(keep.localEstatePath()).exists();
        Files.writeString(keep.localRolePath(), Samples.MAIN_ROLE_JSON.replace("d0c8", "d0c"));
        Files.setPosixFilePermissions(keep.localRolePath(), PosixFilePermissions.fromString("rw-------"));
        assertThatThrownBy(keep::loadLocalRole).isInstanceOf(KeepException.class)
                .hasMessageContaining("sighex must be 64 hex characters, got 63");
    }

    @Test
    void recordsValidateRanges() {
        HostPort ha = new HostPort("h", 1);
        assertThatThrownBy(() -> new HostPort("h", 65536)).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> new HostPort("h", -1)).isInstanceOf(KeepException.class);
        assertThatThrownBy(() -> new RemoteEstateData("a", -1, 0, ha, null, null, "", null, 0, false, 0, null, "a"))
                .hasMessageContaining("uid must be 0..4294967295");
        assertThatThrownBy(() -> new RemoteEstateData("a", 0, 1L << 32, ha, null, null, "", null, 0, false, 0,
                null, "a")).hasMessageContaining("fuid");
        assertThatThrownBy(() -> new RemoteEstateData("a", 0, 0, ha, null, null, "", null, 0, false, 256, null,
                "a")).hasMessageContaining("kind must be 0..255");
        assertThatThrownBy(() -> new RemoteEstateData("a", 0, 0, null, null, null, "", null, 0, false, 0, null,
                "a")).hasMessageContaining("ha must not be null");
        assertThatThrownBy(() -> new LocalEstateData("a", 0, ha, null, null, null, null, 0, 0, ha, "a"))
                .hasMessageContaining("fqdn must not be null");
        assertThatThrownBy(() -> new LocalRoleData("a", "00", Samples.ALPHA_PRIHEX))
                .hasMessageContaining("sighex must be 64 hex characters");
    }

    // ---------------------------------------------------------------- atomic writes

    @Test
    void leftoverTempFilesAreIgnoredAndOldOnesCleanedUp() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        keep.dumpLocal(Samples.MAIN);
        keep.dumpRemote(Samples.OTHER);
        keep.dumpRemoteRole(Samples.OTHER_ROLE);
        // what a crash between temp write and rename leaves behind
        Path oldTemp = dir.resolve("remote/.estate.other.json.0123456789abcdef.tmp");
        Path youngTemp = dir.resolve("remote/.estate.new.json.fedcba9876543210.tmp");
        Path roleTemp = dir.resolve("role/remote/.role.other.json.0000000000000000.tmp");
        Path localTemp = dir.resolve("local/.estate.json.1111111111111111.tmp");
        for (Path t : List.of(oldTemp, youngTemp, roleTemp, localTemp)) {
            Files.writeString(t, "{\"name\": \"half-writ");
        }
        FileTime past = FileTime.from(Instant.now().minusSeconds(3600));
        for (Path t : List.of(oldTemp, roleTemp, localTemp)) {
            Files.setLastModifiedTime(t, past);
        }

        RoadKeep restarted = new RoadKeep(dir);
        assertThat(restarted.loadLocal()).contains(Samples.MAIN);
        RemoteLoad load = restarted.loadRemotes();
        assertThat(load.problems()).isEmpty();
        assertThat(load.remotes()).containsExactly(Samples.OTHER);
        assertThat(load.roles()).containsOnlyKeys("other");
        assertThat(oldTemp).doesNotExist();
        assertThat(roleTemp).doesNotExist();
        assertThat(localTemp).doesNotExist();
        assertThat(youngTemp).exists(); // may belong to a write in progress elsewhere: ignored, not deleted
    }

    @Test
    void overwriteKeepsOldContentUntilTheRename() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        RemoteEstateData v1 = Samples.remote("alpha", 2);
        RemoteEstateData v2 = new RemoteEstateData("alpha", 2, 99, new HostPort("10.9.9.9", 9), null, null, "new",
                null, 5, true, 1, true, "alpha");
        keep.dumpRemote(v1);
        byte[] v1Bytes = Files.readAllBytes(keep.remoteEstatePath("alpha"));

        AtomicReference<Path> seenTemp = new AtomicReference<>();
        List<RemoteEstateData> seenByReader = new ArrayList<>();
        keep.beforeRename(tmp -> {
            seenTemp.set(tmp);
            try {
                assertThat(tmp.getParent()).isEqualTo(keep.remoteEstatePath("alpha").getParent());
                assertThat(tmp.getFileName().toString()).matches("\\.estate\\.alpha\\.json\\.[0-9a-f]{16}\\.tmp");
                assertThat(new String(Files.readAllBytes(tmp), StandardCharsets.US_ASCII))
                        .contains("\"fuid\": 99");
                assertThat(Files.readAllBytes(keep.remoteEstatePath("alpha"))).isEqualTo(v1Bytes);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            RemoteLoad during = new RoadKeep(dir).loadRemotes(); // another reader meanwhile
            assertThat(during.problems()).isEmpty();
            seenByReader.addAll(during.remotes());
        });
        keep.dumpRemote(v2);

        assertThat(seenTemp.get()).isNotNull().doesNotExist();
        assertThat(seenByReader).containsExactly(v1);
        assertThat(keep.loadRemote("alpha")).contains(v2);
    }

    @Test
    void failedWriteLeavesOldContentAndNoTempFile() throws Exception {
        RoadKeep keep = new RoadKeep(dir);
        keep.dumpRemoteRole(Samples.OTHER_ROLE);
        AtomicReference<Path> seenTemp = new AtomicReference<>();
        keep.beforeRename(tmp -> {
            seenTemp.set(tmp);
            throw new IllegalStateException("simulated crash before rename");
        });
        assertThatThrownBy(() -> keep.rejectRemote("other")).isInstanceOf(IllegalStateException.class);
        keep.beforeRename(null);
        assertThat(seenTemp.get()).doesNotExist();
        assertThat(Files.readString(keep.remoteRolePath("other"))).isEqualTo(Samples.OTHER_ROLE_JSON);
        try (var files = Files.list(dir.resolve("role/remote"))) {
            assertThat(files.toList()).hasSize(1);
        }
    }

    private static List<String> reasons(RemoteLoad load) {
        return load.problems().stream()
                .map(p -> p.file().getFileName() + ": " + p.reason())
                .map(s -> s.startsWith("estate.garbage.json: not valid JSON")
                        || s.startsWith("estate.truncated.json: not valid JSON")
                        ? s.substring(0, s.indexOf("JSON") + 4)
                        : s)
                .map(s -> s.startsWith("estate.dup.json") ? s.substring(0, s.indexOf("'name'") + 6) : s)
                .toList();
    }
}
