package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end, every part its own process on loopback: router A (estate alpha, role {@code minion1}) joins router B
 * (estate beta, role {@code master}, policy file denying {@code admin.*}); a Java yard {@code svc} behind B serves
 * {@code jobs.high} ({@code raet yard --serve}); Python SDK yards behind A ask it, and a Python service behind A is
 * asked by a Java yard behind B. Denied and unknown destinations come back as {@code err} messages, and a rewrite of
 * B's policy file denies what was allowed, while everything runs.
 */
@Timeout(120)
class RouterProcessTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();
    static final Path YARD_PY = ROOT.resolve("raet-cli/src/test/python/e2e_yard.py");

    @TempDir
    Path tmp;

    final List<Proc> procs = new CopyOnWriteArrayList<>();

    /** A child process whose stdout lines are collected; stderr goes to a file for diagnosis. */
    static final class Proc {
        final String name;
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = new CopyOnWriteArrayList<>();
        final Path err;
        final java.util.concurrent.CountDownLatch eof = new java.util.concurrent.CountDownLatch(1);

        Proc(String name, ProcessBuilder pb, Path err) throws IOException {
            this.name = name;
            this.err = err;
            pb.redirectError(err.toFile());
            this.process = pb.start();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        all.add(l);
                        lines.add(l);
                    }
                } catch (IOException e) {
                    // process ended
                } finally {
                    eof.countDown();
                }
            });
        }

        Map<String, Object> await(Predicate<Map<String, Object>> p) throws Exception {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l != null) {
                    Map<String, Object> m = Json.parseObject(l);
                    if (p.test(m)) {
                        return m;
                    }
                } else if (eof.getCount() == 0 && lines.isEmpty()) {
                    break;
                }
            }
            throw new AssertionError(name + ": expected line not seen; output " + all + "; stderr "
                    + (Files.exists(err) ? Files.readString(err) : ""));
        }

        /** {@code raet ARGS} in a JVM of its own with this test's class path; stderr goes to {@code dir/NAME.err}. */
        static Proc raet(Path dir, String name, String... args) throws IOException {
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), RaetCli.class.getName()));
            cmd.addAll(List.of(args));
            return new Proc(name, new ProcessBuilder(cmd), dir.resolve(name + ".err"));
        }

        /** Stops the processes (SIGTERM, then SIGKILL after 10 s). */
        static void stop(List<Proc> procs) throws InterruptedException {
            for (Proc p : procs) {
                p.process.destroy();
            }
            for (Proc p : procs) {
                if (!p.process.waitFor(10, TimeUnit.SECONDS)) {
                    p.process.destroyForcibly();
                }
            }
        }

        List<Map<String, Object>> finish() throws Exception {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as(name + " ends").isTrue();
            eof.await(10, TimeUnit.SECONDS);
            if (process.exitValue() != 0 && process.exitValue() != 1) {
                throw new AssertionError(name + " exited " + process.exitValue() + "; output " + all + "; stderr "
                        + Files.readString(err));
            }
            List<Map<String, Object>> out = new ArrayList<>();
            for (String l : all) {
                out.add(Json.parseObject(l));
            }
            return out;
        }
    }

    Proc java(String name, String... args) throws IOException {
        Proc p = Proc.raet(tmp, name, args);
        procs.add(p);
        return p;
    }

    Proc python(String name, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python3(), YARD_PY.toString()));
        cmd.addAll(List.of(args));
        Proc p = new Proc(name, new ProcessBuilder(cmd), tmp.resolve(name + ".err"));
        procs.add(p);
        return p;
    }

    static String python3() {
        String env = System.getenv("RAET_PYTHON");
        return env != null && !env.isBlank() ? env : "python3";
    }

    @AfterEach
    void stopAll() throws Exception {
        Proc.stop(procs);
    }

    static Predicate<Map<String, Object>> event(String name) {
        return m -> name.equals(m.get("event"));
    }

    void writePolicy(Path file, String json) throws IOException {
        Path t = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(t, json);
        Files.move(t, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void pythonYardBehindOneRouterTalksToAJavaYardBehindAnother() throws Exception {
        Path a = Files.createDirectories(tmp.resolve("a"));
        Path b = Files.createDirectories(tmp.resolve("b"));
        Path policy = tmp.resolve("policy.json");
        writePolicy(policy, """
                {"default": "allow", "rules": [{"role": "*", "dst": "*/*/admin.*", "action": "deny"}]}""");

        Proc routerB = java("router-b", "router", "--name", "beta", "--role", "master", "--port", "0",
                "--lane-dir", b.toString(), "--policy", policy.toString(), "--share", "events=topic");
        Object port = routerB.await(event("ready")).get("port");
        Proc routerA = java("router-a", "router", "--name", "alpha", "--role", "minion1", "--port", "0",
                "--lane-dir", a.toString(), "--join", "127.0.0.1:" + port);
        Proc svc = java("yard-svc", "yard", "--name", "svc", "--dir", b.toString(), "--serve", "jobs.high");
        assertThat(routerA.await(event("connected")).get("estate")).isEqualTo("beta");
        svc.await(event("ready"));

        // Python yard behind A → Java yard behind B, and the errors
        Proc ask = python("py-ask", a.toString(), "ask", "pyclient",
                "beta/svc/jobs.high", "{\"n\": [1, 2, 3], \"text\": \"h\\u00e9\"}",
                "beta/svc/admin.reset", "null",
                "beta/svc/jobs.none", "1",
                "beta/nowhere/jobs.high", "1",
                "omega/svc/jobs.high", "1");
        List<Map<String, Object>> answers = ask.finish();
        assertThat(answers).hasSize(5);
        assertThat(answers.get(0)).containsEntry("ok", true)
                .containsEntry("data", Map.of("echo", Map.of("n", List.of(1, 2, 3), "text", "hé"), "by", "svc"))
                .containsEntry("src", List.of("beta", "svc", "jobs.high", ""));
        assertThat(answers.get(1)).containsEntry("ok", false).containsEntry("code", "denied")
                .containsEntry("src", List.of("beta", "router", "", ""));
        assertThat((String) answers.get(1).get("error")).contains("minion1").contains("beta/svc/admin.reset");
        assertThat(answers.get(2)).containsEntry("code", "unknown_share");
        assertThat(answers.get(3)).containsEntry("code", "unknown_destination")
                .containsEntry("src", List.of("beta", "router", "", ""));
        assertThat(answers.get(4)).containsEntry("code", "unknown_destination")
                .containsEntry("src", List.of("alpha", "router", "", ""));

        // a Java yard behind B asks a Python service behind A
        Proc pysvc = python("py-svc", a.toString(), "serve", "pysvc", "calc");
        pysvc.await(event("ready"));
        Proc jask = java("yard-ask", "yard", "--name", "jclient", "--dir", b.toString(), "--request",
                "alpha/pysvc/calc", "--data", "[1, 2, 3, 4]");
        List<Map<String, Object>> jr = jask.finish();
        assertThat(jask.process.exitValue()).isZero();
        assertThat(jr).singleElement().satisfies(m -> assertThat(m).containsEntry("event", "response")
                .containsEntry("data", Map.of("sum", 10, "by", "pysvc"))
                .containsEntry("src", List.of("alpha", "pysvc", "calc", "")));

        // publish/subscribe across the road: a topic share of router B, SDK yards behind A
        Proc subscriber = python("py-sub", a.toString(), "sub", "pysub", "beta//events");
        subscriber.await(event("subscribed"));
        python("py-pub", a.toString(), "pub", "pypub", "beta//events", "{\"temp\": 21}").finish();
        assertThat(subscriber.await(event("copy"))).containsEntry("data", Map.of("temp", 21))
                .containsEntry("topic", "events").containsEntry("src", List.of("beta", "router", "events", ""));

        // the policy file changes while the routers run: minions may no longer reach jobs on beta
        writePolicy(policy, """
                [{"role": "minion*", "dst": "beta/svc/jobs.*", "action": "deny"},
                 {"role": "*", "dst": "*/*/admin.*", "action": "deny"}]""");
        routerB.await(m -> "policy".equals(m.get("event")) && Integer.valueOf(2).equals(m.get("rules")));
        List<Map<String, Object>> after = python("py-ask2", a.toString(), "ask", "pyclient2",
                "beta/svc/jobs.high", "1").finish();
        assertThat(after).singleElement().satisfies(m -> assertThat(m).containsEntry("code", "denied"));

        // B counted what it refused
        routerB.process.toHandle().destroy(); // SIGTERM, keeping the output stream open (Process.destroy closes it)
        Map<String, Object> stats = routerB.await(event("stats"));
        @SuppressWarnings("unchecked")
        Map<String, Object> s = (Map<String, Object>) stats.get("stats");
        assertThat(((Number) s.get("route_denied")).longValue()).isEqualTo(2);
        assertThat(((Number) s.get("route_unknown_destination")).longValue()).isEqualTo(1);
        assertThat(((Number) s.get("route_to_lane")).longValue()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void badRouterArgumentsAreRefusedWithAMessage() throws Exception {
        Proc p = java("bad", "router", "--name", "x", "--join", "nohostport");
        assertThat(p.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(p.err)).contains("host:port");
        Path cfg = tmp.resolve("r.json");
        Files.writeString(cfg, "{\"name\": \"x\", \"prot\": 1}");
        Proc q = java("badcfg", "router", "--config", cfg.toString());
        assertThat(q.process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(q.process.exitValue()).isEqualTo(2);
        assertThat(Files.readString(q.err)).contains("unknown setting 'prot'");
    }
}
