package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.cli.RouterProcessTest.Proc;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command-line examples of the README, run as written through {@code scripts/raet} (after the build has made
 * {@code raet-cli/target/raet.jar}; this is an integration test, run by {@code verify}).
 *
 * <p>A fenced block after the line {@code <!-- README test: commands -->} is run line by line, in one temporary
 * directory, after these substitutions and nothing else:
 * <ul>
 *   <li>a trailing comment (two spaces, then {@code #}) is left out;
 *   <li>{@code --port N} becomes {@code --port 0}, and {@code 127.0.0.1:N} in a later line becomes the port that the
 *       command given {@code --port N} printed in its {@code ready} line;
 *   <li>{@code <verhex>} becomes the verify key in the {@code ready} line of the last {@code listen};
 *   <li>an absolute path ({@code /run/raet}) is moved under the temporary directory, and a file shown in a block
 *       after {@code <!-- README test: file NAME -->} is written there and its name replaced by that path.
 * </ul>
 * {@code listen}, {@code router}, {@code yard --serve} and {@code yard --worker} run until the end of the block and
 * must print {@code ready} ({@code router --join} also {@code connected}); every other line must finish:
 * {@code keygen} with the four keys, {@code send} with exit 0, {@code yard --request} with its {@code response}, or, when its comment
 * shows {@code "code":"X"}, with the error {@code X}, {@code keep} with exit 0 and its JSON lines.
 */
@Timeout(180)
class ReadmeCommandsIT {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    private static final Pattern MARKED = Pattern.compile(
            "(?m)^<!-- README test: (commands|file (\\S+)) -->\\n```\\w*\\n(.*?)^```", Pattern.DOTALL);
    private static final Pattern COMMENT = Pattern.compile("\\s{2,}#(.*)$");
    private static final Pattern PORT = Pattern.compile("--port (\\d+)");
    private static final Pattern ADDRESS = Pattern.compile("127\\.0\\.0\\.1:(\\d+)");
    private static final Pattern ABSOLUTE = Pattern.compile("(?<=\\s)/[\\w./-]+");
    private static final Pattern CODE = Pattern.compile("\"code\":\"(\\w+)\"");

    @TempDir
    Path tmp;

    final List<Proc> procs = new CopyOnWriteArrayList<>();

    record Marked(String kind, String file, String text) {}

    static List<Marked> marked(String markdown) {
        List<Marked> out = new ArrayList<>();
        Matcher m = MARKED.matcher(markdown);
        while (m.find()) {
            out.add(new Marked(m.group(2) == null ? "commands" : "file", m.group(2), m.group(3)));
        }
        return out;
    }

    @AfterEach
    void stopAll() throws InterruptedException {
        Proc.stop(procs);
    }

    @Test
    void theCommandBlocksOfTheReadmeRunAsWritten() throws Exception {
        assertThat(ROOT.resolve("raet-cli/target/raet.jar")).as("the raet command, built by package").isRegularFile();
        List<Marked> marked = marked(Files.readString(ROOT.resolve("README.md")));
        Map<String, Path> files = new LinkedHashMap<>();
        for (Marked m : marked) {
            if (m.kind().equals("file")) {
                Path f = tmp.resolve(m.file());
                Files.writeString(f, m.text());
                files.put(m.file(), f);
            }
        }
        int blocks = 0;
        int lines = 0;
        for (Marked m : marked) {
            if (m.kind().equals("commands")) {
                lines += runBlock(m.text(), files, Files.createDirectories(tmp.resolve("block" + ++blocks)));
                stopAll();
                procs.clear();
            }
        }
        assertThat(blocks).as("README command blocks").isGreaterThanOrEqualTo(2);
        assertThat(lines).as("README command lines").isGreaterThanOrEqualTo(8);
    }

    private int runBlock(String block, Map<String, Path> files, Path dir) throws Exception {
        Map<String, Object> ports = new HashMap<>();
        String verhex = null;
        int n = 0;
        for (String written : block.split("\n")) {
            if (written.isBlank()) {
                continue;
            }
            assertThat(written).as("a README command").startsWith("scripts/raet ");
            Matcher c = COMMENT.matcher(written);
            String comment = c.find() ? c.group(1) : "";
            String line = c.replaceFirst("");
            String givenPort = null;
            Matcher p = PORT.matcher(line);
            if (p.find()) {
                givenPort = p.group(1);
                line = p.replaceFirst("--port 0");
            }
            line = ADDRESS.matcher(line).replaceAll(r -> {
                Object actual = ports.get(r.group(1));
                assertThat(actual).as("a command printed the port for %s", r.group()).isNotNull();
                return "127.0.0.1:" + actual;
            });
            if (line.contains("<verhex>")) {
                assertThat(verhex).as("a listen printed its verhex before: %s", written).isNotNull();
                line = line.replace("<verhex>", verhex);
            }
            line = ABSOLUTE.matcher(line).replaceAll(r -> Matcher.quoteReplacement(
                    dir.resolve(r.group().substring(1)).toString()));
            for (Map.Entry<String, Path> f : files.entrySet()) {
                line = line.replaceAll("(?<=\\s)" + Pattern.quote(f.getKey()) + "(?=\\s|$)",
                        Matcher.quoteReplacement(f.getValue().toString()));
            }
            n++;
            String command = line.split("\\s+")[1];
            Proc proc = new Proc("line" + n, new ProcessBuilder("bash", "-c", "exec " + line).directory(ROOT.toFile()),
                    dir.resolve("line" + n + ".err"));
            procs.add(proc);
            String what = "README line `" + written + "` run as `" + line + "`";
            if (command.equals("listen") || command.equals("router") || line.contains(" --serve ")
                    || line.contains(" --worker ")) {
                Map<String, Object> ready = proc.await(m -> "ready".equals(m.get("event")));
                if (givenPort != null) {
                    ports.put(givenPort, ready.get("port"));
                }
                if (command.equals("listen")) {
                    verhex = (String) ready.get("verhex");
                }
                if (line.contains(" --join ")) {
                    proc.await(m -> "connected".equals(m.get("event")));
                }
                continue;
            }
            List<Map<String, Object>> out = proc.finish();
            int exit = proc.process.exitValue();
            switch (command) {
                case "keygen" -> assertThat(out).as(what).singleElement()
                        .satisfies(k -> assertThat(k).containsOnlyKeys("sighex", "verhex", "prihex", "pubhex"));
                case "send" -> {
                    assertThat(exit).as(what + " exit; output %s", out).isZero();
                    assertThat(out).as(what).anySatisfy(m -> assertThat(m).containsEntry("event", "delivered"));
                }
                case "yard" -> {
                    Matcher code = CODE.matcher(comment);
                    if (code.find()) {
                        assertThat(exit).as(what + " exit; output %s", out).isEqualTo(1);
                        assertThat(out).as(what).singleElement().satisfies(m -> assertThat(m)
                                .containsEntry("event", "error").containsEntry("code", code.group(1)));
                    } else {
                        assertThat(exit).as(what + " exit; output %s", out).isZero();
                        assertThat(out).as(what).singleElement()
                                .satisfies(m -> assertThat(m).containsEntry("event", "response"));
                    }
                }
                case "keep" -> {
                    assertThat(exit).as(what + " exit; output %s", out).isZero();
                    assertThat(out).as(what).isNotEmpty().allSatisfy(m -> assertThat(m).containsKey("kind"));
                }
                default -> throw new AssertionError("no check for the README command " + written);
            }
        }
        return n;
    }

    @Test
    void markedBlocksAreFound() {
        List<Marked> m = marked("x\n<!-- README test: file p.json -->\n```json\n{}\n```\n"
                + "<!-- README test: commands -->\n```\nscripts/raet keygen\n```\n```\nnot marked\n```\n");
        assertThat(m).containsExactly(new Marked("file", "p.json", "{}\n"),
                new Marked("commands", null, "scripts/raet keygen\n"));
    }
}
