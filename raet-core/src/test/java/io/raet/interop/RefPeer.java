package io.raet.interop;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;

/**
 * A reference (raet 0.6.8) estate in a Python process, driven by JSON lines on stdin and reporting events as JSON
 * lines on stdout ({@code interop/python/refpeer.py}).
 */
final class RefPeer implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final OutputStream stdin;
    private final LinkedBlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
    private final List<Map<String, Object>> seen = new ArrayList<>();
    private final StringBuffer stderr = new StringBuffer();
    final Map<String, Object> ready;

    /** The Python interpreter of the reference's virtualenv; skips (or fails on CI) when unavailable. */
    static String python() {
        String py = System.getenv("RAET_PYTHON");
        boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
        if (py == null || py.isBlank() || !Files.isExecutable(Path.of(py))) {
            if (ci) {
                throw new IllegalStateException("RAET_PYTHON is not set on CI: the reference could not be installed");
            }
            Assumptions.abort("RAET_PYTHON not set: run through scripts/test.sh to install the reference");
        }
        return py;
    }

    static Path script(String name) {
        Path dir = Path.of("").toAbsolutePath();
        for (int i = 0; i < 4 && dir != null; i++, dir = dir.getParent()) {
            Path p = dir.resolve("interop/python").resolve(name);
            if (Files.exists(p)) {
                return p;
            }
        }
        throw new IllegalStateException("interop/python/" + name + " not found");
    }

    RefPeer(List<String> args) throws IOException, InterruptedException {
        this("refpeer.py", args);
    }

    RefPeer(String scriptName, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(python());
        cmd.add("-u");
        cmd.add(script(scriptName).toString());
        cmd.addAll(args);
        process = new ProcessBuilder(cmd).start();
        stdin = process.getOutputStream();
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("{")) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> m = JSON.readValue(line, Map.class);
                        events.add(m);
                    }
                }
            } catch (IOException e) {
                // process ended
            }
        });
        Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    stderr.append(line).append('\n');
                }
            } catch (IOException e) {
                // process ended
            }
        });
        ready = await(e -> "ready".equals(e.get("event")), Duration.ofSeconds(30));
    }

    void command(Map<String, Object> cmd) throws IOException {
        stdin.write((JSON.writeValueAsString(cmd) + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    /** Waits for the first event (also among those already seen and not consumed) matching {@code p}. */
    Map<String, Object> await(Predicate<Map<String, Object>> p, Duration timeout) throws InterruptedException {
        for (int i = 0; i < seen.size(); i++) {
            if (p.test(seen.get(i))) {
                return seen.remove(i);
            }
        }
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = end - System.nanoTime();
            Map<String, Object> e = left <= 0 ? null : events.poll(left, TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("reference peer: no matching event within " + timeout + "; seen " + seen
                        + "; stderr:\n" + tail(stderr.toString()));
            }
            if (p.test(e)) {
                return e;
            }
            seen.add(e);
        }
    }

    Map<String, Object> awaitEvent(String event, String key, Object value, Duration timeout)
            throws InterruptedException {
        return await(e -> event.equals(e.get("event")) && (key == null || value.equals(e.get(key))), timeout);
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    @Override
    public void close() throws Exception {
        try {
            command(Map.of("cmd", "quit"));
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(3, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(3, TimeUnit.SECONDS);
        }
    }
}
