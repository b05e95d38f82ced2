package io.raet.lane;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.raet.codec.Body;
import io.raet.codec.PackKind;
import io.raet.lane.core.LaneEngineTest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java lane yard and a Python reference yard (raet 0.6.8, {@code src/test/python/lane_ref.py}) exchange small and
 * paged messages in both pack kinds, both directions. Skipped unless {@code RAET_PYTHON} names a Python with the
 * reference installed ({@code scripts/test.sh} sets it up).
 */
@Timeout(120)
class LaneInteropTest {
    static final String LANE = "interop";
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    PyYard py;

    @BeforeEach
    void requireReference() throws Exception {
        String python = System.getenv("RAET_PYTHON");
        assumeTrue(python != null && !python.isBlank(),
                "RAET_PYTHON is not set: skipping lane interop with the Python reference (run scripts/test.sh)");
        assumeTrue(Files.isExecutable(Path.of(python)), "RAET_PYTHON=" + python + " is not executable");
        assumeTrue(Files.isRegularFile(script()), "lane_ref.py not found at " + script());
        Process p = new ProcessBuilder(python, "-c", "import collections, collections.abc; "
                + "collections.Mapping = collections.abc.Mapping; "
                + "collections.MutableMapping = collections.abc.MutableMapping; import raet.lane.stacking")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0,
                "the Python reference raet cannot be imported by " + python + ": " + output);
    }

    @AfterEach
    void stopPython() {
        if (py != null) {
            py.destroy();
        }
    }

    static Path script() {
        return Path.of(System.getProperty("basedir", ".")).resolve("src/test/python/lane_ref.py").toAbsolutePath();
    }

    LaneStack java(PackKind pk) throws UxdException {
        return LaneStack.builder().lane(LANE).name("java").dir(dir).packKind(pk).build();
    }

    @Test
    void pythonToJavaSmallAndPagedInBothPackKinds() throws Exception {
        try (LaneStack java = java(PackKind.JSON)) {
            py = PyYard.start(dir, "py", "java");
            for (int pk = 0; pk <= 1; pk++) {
                List<String> sent = py.command("send java " + pk);
                assertThat(sent).hasSize(2);
                for (String line : sent) {
                    Map<String, Object> expected = json(line.substring("SENT ".length()));
                    LaneMessage m = java.receive(WAIT);
                    assertThat(m).as("message from Python, pk %d", pk).isNotNull();
                    assertThat(m.from()).isEqualTo("py");
                    assertThat(m.body()).isEqualTo(expected);
                }
            }
            long pages = java.stats().get("pages_received");
            assertThat(pages).as("the big messages came in several pages").isGreaterThanOrEqualTo(2 + 2 * 3);
            assertThat(java.yards()).containsExactly("py");
            assertThat(java.stats()).doesNotContainKeys("invalid_page_header", "invalid_body", "missed_page");
            String pySid = py.command("sid java").get(0).substring("SID ".length());
            assertThat(pySid).matches("[0-9a-f]{18}");
        }
    }

    @Test
    void javaToPythonSmallAndPagedInBothPackKindsThenEcho() throws Exception {
        try (LaneStack java = java(PackKind.JSON)) {
            py = PyYard.start(dir, "py", null); // the reference yard learns of Java from its first page
            java.addYard("py");
            List<Map<String, Object>> bodies = new ArrayList<>();
            List<CompletableFuture<Void>> sends = new ArrayList<>();
            for (PackKind pk : PackKind.values()) {
                Map<String, Object> small = new LinkedHashMap<>();
                small.put("route", Map.of("src", List.of("java", "yard"), "dst", List.of("py", "yard")));
                small.put("pk", pk.name());
                small.put("n", -12345678901L);
                small.put("f", 0.1);
                small.put("text", "caf\u00e9 \u20ac \uD83D\uDE00 \"q\" \\ \n");
                Map<String, Object> big = LaneEngineTest.big(200_000);
                big.put("pk", pk.name());
                for (Map<String, Object> b : List.of(small, big)) {
                    bodies.add(b);
                    sends.add(java.send("py", b, pk));
                }
            }
            List<String> rx = py.command("expect " + bodies.size());
            assertThat(rx).hasSize(bodies.size());
            for (int i = 0; i < bodies.size(); i++) {
                String line = rx.get(i);
                assertThat(line).startsWith("RX java ");
                assertThat(json(line.substring("RX java ".length()))).as("message %d at Python", i)
                        .isEqualTo(roundTrip(bodies.get(i)));
            }
            for (CompletableFuture<Void> f : sends) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertThat(py.command("yards").get(0)).isEqualTo("YARDS java");

            // Python answers through the yard entry it created for Java
            py.command("echo");
            for (int i = 0; i < bodies.size(); i++) {
                LaneMessage m = java.receive(WAIT);
                assertThat(m).as("echo %d", i).isNotNull();
                assertThat(m.from()).isEqualTo("py");
                assertThat(m.body()).isEqualTo(roundTrip(bodies.get(i)));
            }

            // the reference yard leaves: its socket file goes, and Java reaps the yard
            py.quit();
            LaneException e = failure(java.send("py", Map.of("late", true)));
            assertThat(e.kind()).isEqualTo(LaneException.Kind.PEER_GONE);
            assertThat(java.yards()).isEmpty();
        }
    }

    @Test
    void sessionIdsAgreeOnBothSides() throws Exception {
        try (LaneStack java = java(PackKind.MSGPACK)) {
            py = PyYard.start(dir, "py", "java");
            py.command("send java 0");
            java.receive(WAIT);
            java.receive(WAIT);
            java.send("py", Map.of("hi", "there")).get(10, TimeUnit.SECONDS);
            assertThat(py.command("expect 1").get(0)).isEqualTo("RX java {\"hi\":\"there\"}");
            String pySends = py.command("sid java").get(0).substring("SID ".length());
            String pyGot = py.command("rsid java").get(0).substring("RSID ".length());
            assertThat(java.remoteSessionId("py")).isEqualTo(pySends).matches("[0-9a-f]{18}");
            assertThat(pyGot).isEqualTo(java.sessionId("py"));
            assertThat(Files.exists(dir.resolve(LANE + ".py.uxd"), LinkOption.NOFOLLOW_LINKS)).isTrue();
        }
    }

    static Map<String, Object> json(String text) throws Exception {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return Body.decode(PackKind.JSON, b, 0, b.length);
    }

    /** The body as the reference sees it: through JSON text, so numbers take the decoder's types. */
    static Map<String, Object> roundTrip(Map<String, Object> body) throws Exception {
        byte[] b = Body.encode(PackKind.JSON, body);
        return Body.decode(PackKind.JSON, b, 0, b.length);
    }

    static LaneException failure(CompletableFuture<?> f) throws Exception {
        try {
            f.get(20, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (LaneException) e.getCause();
        }
        throw new AssertionError("send succeeded");
    }

    /** The Python reference yard process. */
    static final class PyYard {
        final Process process;
        final Writer stdin;
        final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final StringBuffer stderr = new StringBuffer();

        private PyYard(Process p) {
            this.process = p;
            this.stdin = new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8);
            Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(
                    new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)), true));
            Thread.ofPlatform().daemon().start(() -> pump(new BufferedReader(
                    new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8)), false));
        }

        private void pump(BufferedReader r, boolean out) {
            try {
                String line;
                while ((line = r.readLine()) != null) {
                    if (out) {
                        lines.add(line);
                    } else {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        }

        static PyYard start(Path dir, String name, String peer) throws Exception {
            List<String> cmd = new ArrayList<>(List.of(System.getenv("RAET_PYTHON"), "-u", script().toString(),
                    "--dir", dir.toString(), "--lane", LANE, "--name", name));
            if (peer != null) {
                cmd.addAll(List.of("--peer", peer));
            }
            PyYard y = new PyYard(new ProcessBuilder(cmd).start());
            String ready = y.next();
            assertThat(ready).isEqualTo("READY " + dir.resolve(LANE + "." + name + ".uxd"));
            return y;
        }

        String next() throws Exception {
            String line = lines.poll(60, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no answer from the Python yard; stderr:\n" + stderr);
            }
            if (line.startsWith("ERROR") || line.startsWith("TIMEOUT")) {
                throw new AssertionError("Python yard: " + line + "\nstderr:\n" + stderr);
            }
            return line;
        }

        /** Sends a command; returns the lines up to "DONE" (or the single answer line). */
        List<String> command(String c) throws Exception {
            stdin.write(c + "\n");
            stdin.flush();
            List<String> out = new ArrayList<>();
            boolean multi = c.startsWith("send") || c.startsWith("expect") || c.startsWith("echo");
            while (true) {
                String line = next();
                if (!multi) {
                    out.add(line);
                    return out;
                }
                if (line.equals("DONE")) {
                    return out;
                }
                out.add(line);
            }
        }

        void quit() throws Exception {
            stdin.write("quit\n");
            stdin.flush();
            assertThat(next()).isEqualTo("BYE");
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }

        void destroy() {
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
