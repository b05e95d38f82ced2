package io.raet.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.keep.AutoMode;
import io.raet.road.JoinException;
import io.raet.road.MessageOptions;
import io.raet.road.RemoteInfo;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a legitimate reference peer does that looks like the attacks a Java estate now refuses: it restarts with
 * its keep, restarts without it (same keys, a new session counter, vacuous joins), and a reference main comes back
 * under a new name (renew, then a vacuous join answered with the new name). Java estates use the default
 * immutable road unless said otherwise.
 */
class RoadInteropRejoinTest {
    static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path tmp;

    private RefPeer python(String name, int port, boolean main, Path keep, String sighex, String prihex,
            String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("--name", name, "--port", String.valueOf(port), "--auto",
                "once", "--keep", keep.toString(), "--sighex", sighex, "--prihex", prihex));
        if (main) {
            args.add("--main");
        }
        args.addAll(List.of(extra));
        return new RefPeer(args);
    }

    private static void pythonSends(RefPeer py, String to, String text) throws Exception {
        py.command(Map.of("cmd", "send", "name", to, "msg", Map.of("content", text)));
    }

    private static void javaReceives(RoadStack j, String from, String text) throws Exception {
        RoadEvent.Message m = j.receive(WAIT);
        assertThat(m).as("message %s", text).isNotNull();
        assertThat(m.from()).isEqualTo(from);
        assertThat(m.body()).containsEntry("content", text);
    }

    /** The reference joins the Java main "jmain" by address, allows, and sends {@code text}, which Java gets. */
    private static void joinAllowAndSend(RefPeer py, RoadStack j, String text) throws Exception {
        py.command(Map.of("cmd", "join", "host", "127.0.0.1", "port", j.address().getPort()));
        py.awaitEvent("joined", "name", "jmain", WAIT);
        py.command(Map.of("cmd", "allow", "name", "jmain"));
        py.awaitEvent("allowed", "name", "jmain", WAIT);
        pythonSends(py, "jmain", text);
        javaReceives(j, "pyjoiner", text);
    }

    /** The reference joins a Java main, restarts with its keep, then without it (same keys): it gets through. */
    @Test
    void referenceJoinerRestartsWithAndWithoutItsKeep() throws Exception {
        int port = RoadInteropTest.freePort();
        String sighex = SigningKey.generate().hex();
        String prihex = BoxKeyPair.generate().hex();
        try (RoadStack j = RoadStack.builder().name("jmain").main(true).port(0).auto(AutoMode.ONCE)
                .keep(tmp.resolve("jmain")).build()) {
            List<RoadEvent> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
            j.onEvent(e -> {
                if (e instanceof RoadEvent.JoinRefused) {
                    refused.add(e);
                }
            });
            Path keep = tmp.resolve("py");
            try (RefPeer py = python("pyjoiner", port, false, keep, sighex, prihex)) {
                joinAllowAndSend(py, j, "first run");
            }
            // Restart with its keep: its session counter goes on; it allows and sends again.
            try (RefPeer py = python("pyjoiner", port, false, keep, sighex, prihex)) {
                py.command(Map.of("cmd", "allow", "name", "jmain"));
                py.awaitEvent("allowed", "name", "jmain", WAIT);
                pythonSends(py, "jmain", "second run");
                javaReceives(j, "pyjoiner", "second run");
                // A join of an estate we know, with everything the same, is answered and changes nothing.
                py.command(Map.of("cmd", "join", "name", "jmain"));
                py.awaitEvent("joining", "name", "jmain", WAIT);
                Thread.sleep(500);
                j.send("pyjoiner", Map.of("content", "still here"), MessageOptions.DEFAULT.withTimeout(WAIT))
                        .get(30, TimeUnit.SECONDS);
            }
            // Restart without its keep, same keys: a vacuous join and a session counter starting over.
            try (RefPeer py = python("pyjoiner", port, false, keep, sighex, prihex, "--clean")) {
                joinAllowAndSend(py, j, "third run");
                j.send("pyjoiner", Map.of("content", "back"), MessageOptions.DEFAULT.withTimeout(WAIT))
                        .get(30, TimeUnit.SECONDS);
                py.awaitEvent("message", "from", "jmain", WAIT);
            }
            assertThat(refused).isEmpty();
            assertThat(j.stats()).containsEntry("session_rebased", 1L);
        }
    }

    /** A reference main restarts without its keep under a new name: a mutable Java joiner follows the rename. */
    @Test
    void referenceMainRenamedIsFollowedOnAMutableRoadAndRefusedOnAnImmutableOne() throws Exception {
        int port = RoadInteropTest.freePort();
        String sighex = SigningKey.generate().hex();
        String prihex = BoxKeyPair.generate().hex();
        Path keep = tmp.resolve("pymain");
        try (RoadStack mutable = RoadStack.builder().name("jmutable").port(0).keep(tmp.resolve("jmutable"))
                .config(RoadConfig.defaults().withMutable(true)).build();
                RoadStack immutable = RoadStack.builder().name("jimmutable").port(0)
                        .keep(tmp.resolve("jimmutable")).build()) {
            InetSocketAddress main = new InetSocketAddress("127.0.0.1", port);
            try (RefPeer py = python("pymain", port, true, keep, sighex, prihex)) {
                for (RoadStack j : List.of(mutable, immutable)) {
                    assertThat(j.join(main).get(30, TimeUnit.SECONDS)).isEqualTo("pymain");
                    j.send("pymain", Map.of("content", "hello"), MessageOptions.DEFAULT.withTimeout(WAIT))
                            .get(30, TimeUnit.SECONDS);
                }
            }
            try (RefPeer py = python("pymain2", port, true, keep, sighex, prihex, "--clean")) {
                // The main lost us: our joins are answered renew, which an immutable road takes as a refusal.
                try {
                    immutable.join(main).get(30, TimeUnit.SECONDS);
                    throw new AssertionError("an immutable road must not follow the renamed main");
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(JoinException.class);
                    assertThat(((JoinException) e.getCause()).reason()).contains("renew on an immutable road");
                }
                assertThat(immutable.remotes().get(5, TimeUnit.SECONDS)).extracting(RemoteInfo::name)
                        .contains("pymain").doesNotContain("pymain2");

                assertThat(mutable.join(main).get(30, TimeUnit.SECONDS)).isEqualTo("pymain2");
                mutable.send("pymain2", Map.of("content", "renamed"), MessageOptions.DEFAULT.withTimeout(WAIT))
                        .get(30, TimeUnit.SECONDS);
                py.awaitEvent("message", "from", "jmutable", WAIT);
                pythonSends(py, "jmutable", "from the renamed main");
                javaReceives(mutable, "pymain2", "from the renamed main");
            }
        }
    }
}
