package io.raet.keep;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability of the keep under SIGKILL: a child JVM writes keep files in a loop and is killed at random moments;
 * after every kill the keep loads with no problem and every file holds one complete version. Iterations:
 * {@code -Draet.keep.kills=N} (default 100).
 */
class KeepCrashTest {
    static final int NAMES = 8;

    /** The child: rewrites the local estate, 8 remote estates and their roles until killed. */
    public static void main(String[] args) {
        RoadKeep keep = new RoadKeep(Path.of(args[0]));
        long round = Long.parseLong(args[1]);
        boolean announced = false;
        while (true) {
            round++;
            for (int i = 0; i < NAMES; i++) {
                String name = "r" + i;
                // Sizes vary with the round so that a torn write would show as bad JSON or a short file.
                String fqdn = "host" + "x".repeat((int) (round % 97)) + ".example";
                keep.dumpRemote(new RemoteEstateData(name, 2 + i, 100 + i, new HostPort("127.0.0.1", 7000 + i),
                        null, null, fqdn, null, round & 0xffffffffL, i == 0, 0, round % 2 == 0, name));
                keep.dumpRemoteRole(new RemoteRoleData(name, Acceptance.ACCEPTED, Samples.OTHER_VERHEX,
                        Samples.OTHER_PUBHEX));
                keep.dumpLocal(new LocalEstateData("local", 1, new HostPort("127.0.0.1", 7540), null, null, fqdn,
                        null, round & 0xffffffffL, 20, new HostPort("127.0.0.1", 7540), "local"));
            }
            if (!announced) {
                System.out.println("ready");
                System.out.flush();
                announced = true;
            }
        }
    }

    /**
     * The classes the child needs (ours, Jackson, SLF4J), found from where they were loaded; the test's whole
     * class path when that fails. A short class path keeps the child's start-up short.
     */
    static String childClassPath() {
        List<String> parts = new ArrayList<>();
        for (Class<?> c : List.of(RoadKeep.class, KeepCrashTest.class, com.fasterxml.jackson.databind.JsonNode.class,
                com.fasterxml.jackson.core.JsonFactory.class, com.fasterxml.jackson.annotation.JsonProperty.class,
                org.slf4j.Logger.class)) {
            var src = c.getProtectionDomain().getCodeSource();
            if (src == null) {
                return System.getProperty("java.class.path");
            }
            try {
                String path = Path.of(src.getLocation().toURI()).toString();
                if (!parts.contains(path)) {
                    parts.add(path);
                }
            } catch (java.net.URISyntaxException | IllegalArgumentException e) {
                return System.getProperty("java.class.path");
            }
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    @Test
    void sigkillDuringWritesNeverLeavesAnUnreadableKeep(@TempDir Path dir) throws Exception {
        int kills = Integer.getInteger("raet.keep.kills", 100);
        String java = ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String cp = childClassPath();
        Random r = new Random(42);
        long start = System.nanoTime();
        int killedWhileWriting = 0;
        for (int k = 0; k < kills; k++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC", "-Xmx64m", "-XX:-UsePerfData", "-Dslf4j.internal.verbosity=ERROR", "-cp", cp, KeepCrashTest.class.getName(), dir.toString(),
                    String.valueOf(k * 1000L)));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("child output").isEqualTo("ready");
            Thread.sleep(r.nextInt(40));
            if (p.isAlive()) {
                killedWhileWriting++;
            }
            p.destroyForcibly(); // SIGKILL
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();

            RoadKeep keep = new RoadKeep(dir);
            RemoteLoad load = keep.loadRemotes();
            assertThat(load.problems()).as("after kill %d", k).isEmpty();
            assertThat(load.remotes()).hasSize(NAMES);
            assertThat(load.roles()).hasSize(NAMES);
            assertThat(keep.loadLocal()).isPresent();
            for (RemoteEstateData d : load.remotes()) {
                assertThat(d.fqdn()).startsWith("host").endsWith(".example");
            }
            try (var files = Files.walk(dir)) {
                assertThat(files.filter(f -> f.getFileName().toString().endsWith(".corrupt")).toList()).isEmpty();
            }
        }
        assertThat(killedWhileWriting).isEqualTo(kills);
        System.out.printf("keep: %d SIGKILLs during writes in %.1f s, keep readable after each%n", kills,
                (System.nanoTime() - start) / 1e9);

        // A corrupt file is reported and skipped; the others still load.
        Path victim = new RoadKeep(dir).remoteEstatePath("r3");
        Files.writeString(victim, "{\"name\": \"r3\", \"uid\": ");
        RemoteLoad load = new RoadKeep(dir).loadRemotes();
        assertThat(load.problems()).singleElement().satisfies(pr -> assertThat(pr.file()).isEqualTo(victim));
        assertThat(load.remotes()).hasSize(NAMES - 1);
    }
}
