package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.route.Address;
import io.raet.route.FlowMessage;
import io.raet.route.QueueShare;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A yard of the Python reference (raet 0.6.8 {@code LaneStack}, driven by {@code interop/python/lanepeer.py}) on a
 * Java router's lane: it sends a routed request through the router to a Java yard and gets the response, in JSON
 * and msgpack pages, and receives a paged message a Java yard sends it through the router. Skipped unless
 * {@code RAET_PYTHON} names a Python with the reference installed ({@code scripts/test.sh} sets it up).
 */
@Timeout(120)
class RouterReferenceYardTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    Router router;
    Yard svc;
    Process ref;
    Writer refIn;
    final BlockingQueue<Map<String, Object>> refOut = new LinkedBlockingQueue<>();

    static Path lanepeer() {
        return Path.of(System.getProperty("basedir", ".")).toAbsolutePath().getParent()
                .resolve("interop/python/lanepeer.py");
    }

    @BeforeEach
    void start() throws Exception {
        String python = System.getenv("RAET_PYTHON");
        assumeTrue(python != null && !python.isBlank() && Files.isExecutable(Path.of(python)),
                "RAET_PYTHON is not set: skipping the reference yard on a Java router (run scripts/test.sh)");
        assumeTrue(Files.isRegularFile(lanepeer()), "lanepeer.py not found at " + lanepeer());
        router = Router.start(RouterConfig.builder("alpha").port(0).laneDir(dir).build());
        svc = Yard.builder("svc").dir(dir).build();
        svc.serve("jobs", data -> Map.of("done", data));
        ref = new ProcessBuilder(python, "-u", lanepeer().toString(), "--yard", "refyard", "--dir", dir.toString())
                .redirectError(dir.resolve("lanepeer.err").toFile()).start();
        refIn = new OutputStreamWriter(ref.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(ref.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = r.readLine()) != null; ) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> m = JSON.readValue(l, Map.class);
                    refOut.add(m);
                }
            } catch (Exception e) {
                // ended
            }
        });
        assertThat(next("ready")).containsEntry("yard", "refyard");
    }

    @AfterEach
    void stop() throws Exception {
        if (ref != null) {
            ref.destroy();
            ref.waitFor(10, TimeUnit.SECONDS);
        }
        if (svc != null) {
            svc.close();
        }
        if (router != null) {
            router.close();
        }
    }

    Map<String, Object> next(String event) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Map<String, Object> m = refOut.poll(100, TimeUnit.MILLISECONDS);
            if (m == null) {
                continue;
            }
            if ("error".equals(m.get("event"))) {
                throw new AssertionError("reference yard: " + m + "\n" + Files.readString(dir.resolve("lanepeer.err")));
            }
            if (event.equals(m.get("event"))) {
                return m;
            }
        }
        throw new AssertionError("no '" + event + "' from the reference yard; stderr:\n"
                + Files.readString(dir.resolve("lanepeer.err")));
    }

    void command(Map<String, Object> cmd) throws Exception {
        refIn.write(JSON.writeValueAsString(cmd) + "\n");
        refIn.flush();
    }

    @Test
    void aReferenceYardAsksAJavaYardThroughTheRouter() throws Exception {
        for (String pk : List.of("json", "msgpack")) {
            String id = "ref-" + pk;
            command(Map.of("cmd", "send", "yard", "router", "pk", pk, "msg", Map.of(
                    "route", Map.of("src", List.of("", "refyard", "replies"), "dst", List.of("", "svc", "jobs")),
                    "kind", "req", "id", id, "data", Map.of("n", 7, "text", "h\u00e9"))));
            next("sent");
            Map<String, Object> got = next("message");
            assertThat(got).containsEntry("from", "router");
            @SuppressWarnings("unchecked")
            Map<String, Object> rsp = (Map<String, Object>) got.get("msg");
            assertThat(rsp).containsEntry("kind", "rsp").containsEntry("re", id)
                    .containsEntry("data", Map.of("done", Map.of("n", 7, "text", "h\u00e9")));
            @SuppressWarnings("unchecked")
            Map<String, Object> route = (Map<String, Object>) rsp.get("route");
            assertThat(route.get("dst")).isEqualTo(List.of("alpha", "refyard", "replies", ""));
            assertThat(route.get("src")).isEqualTo(List.of("alpha", "svc", "jobs", ""));
        }
    }

    @Test
    void aJavaYardSendsAPagedMessageToAReferenceYardThroughTheRouter() throws Exception {
        // the reference yard announces itself with a first message, as yards do (to a share that exists already:
        // one made after the message could arrive too late for it)
        QueueShare inbox = svc.queue("inbox");
        command(Map.of("cmd", "send", "yard", "router", "msg", Map.of(
                "route", Map.of("src", List.of("", "refyard", ""), "dst", List.of("", "svc", "inbox")),
                "kind", "msg", "data", "hello")));
        FlowMessage hello = inbox.take(WAIT).orElseThrow();
        assertThat(hello.src()).isEqualTo(Address.of("alpha", "refyard"));
        command(Map.of("cmd", "config", "digest_over", 1 << 20));
        String big = "x".repeat(150_000);
        svc.send(Address.of("", "refyard", "bulk"), big).get(10, TimeUnit.SECONDS);
        Map<String, Object> got = next("message");
        assertThat(got).containsEntry("from", "router");
        @SuppressWarnings("unchecked")
        Map<String, Object> msg = (Map<String, Object>) got.get("msg");
        assertThat(msg).containsEntry("data", big).containsEntry("kind", "msg");
        assertThat(router.stats().get("lane_pages_sent")).isGreaterThan(3L);
    }
}
