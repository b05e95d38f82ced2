package io.raet.keep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.raet.crypto.Argon2id;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The sealed keep: round trips, wrong passphrases, migration of a plain keep, permissions, tampering. */
class SealedKeepTest {
    /** A cheap Argon2id cost so that the tests derive keys quickly; the format records it. */
    static final Argon2id FAST = new Argon2id(1, 64 * 1024);
    static final PassphraseSource PASS = PassphraseSource.of(bytes("correct horse battery staple"), "test");
    static final PassphraseSource WRONG = PassphraseSource.of(bytes("correct horse battery stapler"), "test");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A keep exactly as the reference writes it: main's estate and keys, and the remote "other". */
    private Path referenceKeep() throws IOException {
        write("local/estate.json", Samples.MAIN_ESTATE_JSON);
        write("role/local/role.json", Samples.MAIN_ROLE_JSON);
        write("remote/estate.other.json", Samples.OTHER_ESTATE_JSON);
        write("role/remote/role.other.json", Samples.OTHER_ROLE_JSON);
        return dir;
    }

    private void write(String rel, String text) throws IOException {
        Path file = dir.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }

    private String text(String rel) throws IOException {
        return Files.readString(dir.resolve(rel), StandardCharsets.US_ASCII);
    }

    /** Every file of the keep with its bytes and modification time. */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), Files.readString(f, StandardCharsets.ISO_8859_1) + "@"
                        + Files.getLastModifiedTime(f).toMillis());
            }
        }
        return out;
    }

    @Test
    void aPlainKeepIsMigratedAndLoadsWithThePassphraseOnly() throws IOException {
        referenceKeep();
        SealedKeep.Result r = SealedKeep.encrypt(dir, PASS, FAST, SealScope.KEYS);
        assertThat(r.scope()).contains(SealScope.KEYS);
        assertThat(r.sealed()).isZero(); // only the keys: other files stay in the reference's form

        String role = text("role/local/role.json");
        assertThat(role).doesNotContain(Samples.ALPHA_SIGHEX).doesNotContain(Samples.ALPHA_PRIHEX)
                .doesNotContain("sighex").doesNotContain("prihex");
        JsonNode sealedRole = JSON.readTree(role);
        assertThat(sealedRole.get("role").asText()).isEqualTo("main");
        assertThat(sealedRole.get("verhex").asText()).isEqualTo(Samples.ALPHA_VERHEX);
        assertThat(sealedRole.get("pubhex").asText()).isEqualTo(Samples.ALPHA_PUBHEX);
        JsonNode env = sealedRole.get("sealed");
        assertThat(env.get("version").asInt()).isEqualTo(1);
        assertThat(env.get("scope").asText()).isEqualTo("keys");
        assertThat(env.get("kdf").asText()).isEqualTo("argon2id13");
        assertThat(env.get("opslimit").asLong()).isEqualTo(FAST.opslimit());
        assertThat(env.get("memlimit").asLong()).isEqualTo(FAST.memlimit());
        assertThat(text("remote/estate.other.json")).isEqualTo(Samples.OTHER_ESTATE_JSON);

        RoadKeep open = new RoadKeep(dir, PASS);
        assertThat(open.sealing()).contains(SealScope.KEYS);
        assertThat(open.loadLocalRole()).contains(Samples.MAIN_ROLE);
        assertThat(open.loadLocal()).contains(Samples.MAIN);
        assertThat(open.loadRemotes().remotes()).containsExactly(Samples.OTHER);

        RoadKeep locked = new RoadKeep(dir);
        assertThatThrownBy(locked::loadLocalRole).isInstanceOf(KeepException.class)
                .hasMessageContaining("role.json is sealed").hasMessageContaining("passphrase");
        assertThat(locked.loadRemotes().remotes()).containsExactly(Samples.OTHER); // scope keys: readable
        assertThatThrownBy(() -> locked.dumpLocalRole(Samples.MAIN_ROLE)).isInstanceOf(KeepException.class)
                .hasMessageContaining("locked");
        locked.dumpRemote(Samples.remote("third", 3)); // plain files may still be written

        assertThat(SealedKeep.status(dir)).isEqualTo(new SealedKeep.Status(true,
                java.util.Optional.of(SealScope.KEYS), java.util.Optional.of(FAST), 0, 4));
    }

    @Test
    void decryptGivesBackTheReferenceFilesByteForByte() throws IOException {
        referenceKeep();
        SealedKeep.encrypt(dir, PASS, FAST, SealScope.ALL);
        assertThat(text("local/estate.json")).doesNotContain("main");
        assertThat(text("remote/estate.other.json")).doesNotContain("other").doesNotContain("127.0.0.1");
        assertThat(text("role/remote/role.other.json")).doesNotContain(Samples.OTHER_VERHEX);

        SealedKeep.Result r = SealedKeep.decrypt(dir, PASS);
        assertThat(r.scope()).isEmpty();
        assertThat(r.opened()).isEqualTo(4);
        assertThat(text("local/estate.json")).isEqualTo(Samples.MAIN_ESTATE_JSON);
        assertThat(text("role/local/role.json")).isEqualTo(Samples.MAIN_ROLE_JSON);
        assertThat(text("remote/estate.other.json")).isEqualTo(Samples.OTHER_ESTATE_JSON);
        assertThat(text("role/remote/role.other.json")).isEqualTo(Samples.OTHER_ROLE_JSON);
        assertThat(new RoadKeep(dir).sealing()).isEmpty();
        assertThatThrownBy(() -> SealedKeep.decrypt(dir, PASS)).isInstanceOf(KeepException.class)
                .hasMessageContaining("is not sealed");
    }

    @Test
    void aWholeKeepSealedReadsAndWritesSealedFilesOnlyWithThePassphrase() throws IOException {
        referenceKeep();
        SealedKeep.Result r = SealedKeep.encrypt(dir, PASS, FAST, SealScope.ALL);
        assertThat(r.sealed()).isEqualTo(3);

        RoadKeep open = new RoadKeep(dir, PASS);
        assertThat(open.sealing()).contains(SealScope.ALL);
        RemoteLoad load = open.loadRemotes();
        assertThat(load.remotes()).containsExactly(Samples.OTHER);
        assertThat(load.roles()).containsEntry("other", Samples.OTHER_ROLE);
        assertThat(load.problems()).isEmpty();
        open.dumpRemote(Samples.remote("third", 3));
        open.acceptRole("third", Samples.BETA_VERHEX, Samples.BETA_PUBHEX);
        assertThat(text("remote/estate.third.json")).contains("\"sealed\"").doesNotContain("host-third");
        assertThat(text("role/remote/role.third.json")).doesNotContain(Samples.BETA_VERHEX);
        assertThat(new RoadKeep(dir, PASS).loadRemote("third")).contains(Samples.remote("third", 3));
        assertThat(open.decideRole("third", Samples.BETA_VERHEX, Samples.BETA_PUBHEX, AutoMode.NEVER))
                .isEqualTo(Acceptance.ACCEPTED);

        // without the passphrase: the files are listed as sealed and left where they are; nothing is written
        RoadKeep locked = new RoadKeep(dir);
        RemoteLoad lockedLoad = locked.loadRemotes();
        assertThat(lockedLoad.remotes()).isEmpty();
        assertThat(lockedLoad.problems()).hasSize(4).allSatisfy(p -> {
            assertThat(p.reason()).contains("locked");
            assertThat(p.movedTo()).isNull();
        });
        assertThat(locked.hasRemoteData()).isTrue();
        assertThatThrownBy(locked::loadLocal).hasMessageContaining("locked");
        assertThatThrownBy(() -> locked.dumpRemote(Samples.remote("fourth", 4))).isInstanceOf(KeepException.class)
                .hasMessageContaining("locked");
        assertThat(dir.resolve("remote/estate.fourth.json")).doesNotExist();
        assertThat(new RoadKeep(dir, PASS).loadRemotes().remotes()).hasSize(2);
    }

    @Test
    void aFreshKeepOpenedWithAPassphraseIsSealedFromItsFirstWrite() throws IOException {
        RoadKeep keep = new RoadKeep(dir, PASS);
        assertThat(keep.unlocked()).isTrue();
        keep.dumpLocalRole(Samples.MAIN_ROLE);
        keep.dumpRemote(Samples.OTHER);
        assertThat(text("role/local/role.json")).doesNotContain(Samples.ALPHA_SIGHEX);
        assertThat(JSON.readTree(text("role/local/role.json")).get("sealed").get("memlimit").asLong())
                .isEqualTo(SealedKeep.DEFAULT_KDF.memlimit());
        assertThat(text("remote/estate.other.json")).isEqualTo(Samples.OTHER_ESTATE_JSON); // scope keys
        assertThat(new RoadKeep(dir, PASS).loadLocalRole()).contains(Samples.MAIN_ROLE);
        keep.relock();
        assertThat(keep.unlocked()).isFalse();
        assertThatThrownBy(keep::loadLocalRole).hasMessageContaining("sealed");
    }

    @Test
    void aWrongPassphraseIsRefusedWithAClearMessageAndNothingIsWritten() throws IOException {
        referenceKeep();
        SealedKeep.encrypt(dir, PASS, FAST, SealScope.ALL);
        Map<String, String> before = snapshot();
        assertThatThrownBy(() -> new RoadKeep(dir, WRONG)).isInstanceOf(KeepException.class)
                .hasMessageStartingWith("wrong passphrase: it does not unlock " + dir.resolve("role/local/role.json"));
        assertThatThrownBy(() -> SealedKeep.decrypt(dir, WRONG)).hasMessageStartingWith("wrong passphrase");
        assertThatThrownBy(() -> SealedKeep.changePassphrase(dir, WRONG, PASS, null))
                .hasMessageStartingWith("wrong passphrase");
        assertThatThrownBy(() -> SealedKeep.encrypt(dir, WRONG, null, SealScope.KEYS))
                .hasMessageStartingWith("wrong passphrase");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(new RoadKeep(dir, PASS).loadLocalRole()).contains(Samples.MAIN_ROLE);
    }

    @Test
    void changingThePassphraseRewritesOnlyTheKeyFile() throws IOException {
        referenceKeep();
        SealedKeep.encrypt(dir, PASS, FAST, SealScope.ALL);
        String remote = text("remote/estate.other.json");
        PassphraseSource next = PassphraseSource.of(bytes("a new one"), "test");
        Argon2id cost = new Argon2id(2, 128 * 1024);
        SealedKeep.Result r = SealedKeep.changePassphrase(dir, PASS, next, cost);
        assertThat(r.kdf()).contains(cost);
        assertThat(text("remote/estate.other.json")).isEqualTo(remote);
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageStartingWith("wrong passphrase");
        RoadKeep keep = new RoadKeep(dir, next);
        assertThat(keep.loadLocalRole()).contains(Samples.MAIN_ROLE);
        assertThat(keep.loadRemotes().remotes()).containsExactly(Samples.OTHER);
        assertThat(SealedKeep.status(dir).kdf()).contains(cost);
    }

    @Test
    void sealedFilesArePrivateToTheirOwner() throws IOException {
        referenceKeep();
        for (String rel : new String[] {"local/estate.json", "remote/estate.other.json", "role/remote/role.other.json"}) {
            Files.setPosixFilePermissions(dir.resolve(rel), PosixFilePermissions.fromString("rw-r--r--"));
        }
        SealedKeep.encrypt(dir, PASS, FAST, SealScope.ALL);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).as(f.toString())
                        .isEqualTo("rw-------");
            }
        }
        Files.setPosixFilePermissions(dir.resolve("role/local/role.json"), PosixFilePermissions.fromString("rw-r-----"));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageContaining("chmod 600");
    }

    private void alter(String field, java.util.function.Consumer<ObjectNode> change) throws IOException {
        Path file = dir.resolve("role/local/role.json");
        ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
        change.accept(field == null ? root : (ObjectNode) root.get(field));
        Files.writeString(file, JSON.writeValueAsString(root));
    }

    private static String flipLastHexDigit(String hex) {
        char c = hex.charAt(hex.length() - 1);
        return hex.substring(0, hex.length() - 1) + (c == '0' ? '1' : '0');
    }

    @Test
    void aTamperedEnvelopeIsRefused() throws IOException {
        referenceKeep();
        SealedKeep.encrypt(dir, PASS, FAST, SealScope.ALL);
        String original = text("role/local/role.json");

        alter("sealed", e -> e.put("box", flipLastHexDigit(e.get("box").asText())));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).isInstanceOf(KeepException.class)
                .hasMessageContaining("was altered: its box does not authenticate");

        write("role/local/role.json", original);
        alter(null, e -> e.put("verhex", Samples.BETA_VERHEX));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageContaining("differ from the sealed ones");

        write("role/local/role.json", original);
        alter("sealed", e -> e.put("scope", "keys"));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageContaining("differ from the sealed ones");

        write("role/local/role.json", original);
        alter("sealed", e -> e.put("salt", flipLastHexDigit(e.get("salt").asText())));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageStartingWith("wrong passphrase");

        write("role/local/role.json", original);
        alter("sealed", e -> e.put("version", 2));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageContaining("version 2 is not supported");

        write("role/local/role.json", original);
        alter("sealed", e -> e.put("memlimit", 1L << 40)); // a hostile cost is refused before any work
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageContaining("memlimit");

        write("role/local/role.json", original);
        alter("sealed", e -> e.put("nonce", "00"));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageContaining("sealed.nonce must be 48 hex");

        write("role/local/role.json", original);
        alter("sealed", e -> e.remove("check"));
        assertThatThrownBy(() -> new RoadKeep(dir, PASS)).hasMessageContaining("missing keys [check]");

        write("role/local/role.json", original);
        String estate = text("remote/estate.other.json");
        Path estateFile = dir.resolve("remote/estate.other.json");
        ObjectNode sealedEstate = (ObjectNode) JSON.readTree(estate);
        ObjectNode env = (ObjectNode) sealedEstate.get("sealed");
        env.put("box", flipLastHexDigit(env.get("box").asText()));
        Files.writeString(estateFile, JSON.writeValueAsString(sealedEstate));
        RoadKeep keep = new RoadKeep(dir, PASS);
        assertThatThrownBy(() -> keep.loadRemote("other")).hasMessageContaining("altered");
        // a sealed remote role swapped in under another file name is refused by the name check
        Files.copy(dir.resolve("role/remote/role.other.json"), dir.resolve("role/remote/role.third.json"));
        assertThatThrownBy(() -> keep.loadRemoteRole("third")).hasMessageContaining("differs from the file name");
        RemoteLoad load = keep.loadRemotes();
        assertThat(load.remotes()).isEmpty();
        assertThat(load.problems()).extracting(KeepProblem::reason).anySatisfy(r -> assertThat(r).contains("altered"));
    }

    @Test
    void anInterruptedSealIsCompletedByRunningItAgain() throws IOException {
        referenceKeep();
        SealedKeep.encrypt(dir, PASS, FAST, SealScope.ALL);
        write("remote/estate.left.json", new String(Codec.encode(Samples.remote("left", 9)), StandardCharsets.US_ASCII));
        RoadKeep keep = new RoadKeep(dir, PASS);
        assertThat(keep.loadRemotes().remotes()).hasSize(2); // a plain file in a sealed keep still loads
        assertThat(SealedKeep.status(dir).plainFiles()).isEqualTo(1);
        SealedKeep.Result again = SealedKeep.encrypt(dir, PASS, null, SealScope.ALL);
        assertThat(again.sealed()).isEqualTo(1);
        assertThat(again.kdf()).contains(FAST); // null keeps the seal's cost
        assertThat(SealedKeep.status(dir).plainFiles()).isZero();
        SealedKeep.Result narrower = SealedKeep.encrypt(dir, PASS, null, SealScope.KEYS);
        assertThat(narrower.opened()).isEqualTo(4);
        assertThat(text("remote/estate.other.json")).isEqualTo(Samples.OTHER_ESTATE_JSON);
        assertThat(new RoadKeep(dir).sealing()).contains(SealScope.KEYS);
    }

    @Test
    void aKeepWithoutKeysCannotBeSealed() {
        assertThatThrownBy(() -> SealedKeep.encrypt(dir, PASS, FAST, SealScope.KEYS)).isInstanceOf(KeepException.class)
                .hasMessageContaining("has no local role");
    }

    @Test
    void aPlainKeepLoadsWithOneWarning() throws IOException {
        referenceKeep();
        Logger logger = (Logger) LoggerFactory.getLogger(RoadKeep.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            assertThat(new RoadKeep(dir).loadLocalRole()).contains(Samples.MAIN_ROLE);
            assertThat(new RoadKeep(dir).loadLocalRole()).contains(Samples.MAIN_ROLE);
            assertThat(new RoadKeep(dir, PASS).loadLocalRole()).contains(Samples.MAIN_ROLE); // stays plain
        } finally {
            logger.detachAppender(appender);
        }
        assertThat(appender.list).filteredOn(e -> e.getLevel() == Level.WARN)
                .extracting(ILoggingEvent::getFormattedMessage).singleElement().asString()
                .contains("not encrypted").contains("raet keep encrypt");
        assertThat(text("role/local/role.json")).isEqualTo(Samples.MAIN_ROLE_JSON);
    }
}
