package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.codec.PacketKind;
import io.raet.codec.TransactionKind;
import io.raet.keep.AutoMode;
import io.raet.keep.KeepException;
import io.raet.keep.RoadKeep;
import io.raet.road.core.Probes;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Live, over loopback: the keep's local identity and key files, the API's futures, and operators' decisions. */
class RoadStackIdentityTest {
    @TempDir
    Path tmp;

    private RoadStack.Builder estate(String name, boolean main) {
        return RoadStack.builder().name(name).main(main).port(0).auto(AutoMode.ONCE).keep(tmp.resolve(name));
    }

    /** alpha and beta joined and allowed, with keeps; both closed again. */
    private void joinedOnce() throws Exception {
        try (RoadStack alpha = estate("alpha", true).build(); RoadStack beta = estate("beta", false).build()) {
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
        }
    }

    // ------------------------------------------------------------------ keep

    @Test
    void aKeepWithRemotesButNoLocalRoleIsRefusedUnlessANewIdentityIsAskedFor() throws Exception {
        joinedOnce();
        RoadKeep keep = new RoadKeep(tmp.resolve("beta"));
        String oldVer = keep.loadLocalRole().orElseThrow().signingKey().verifyKey().hex();
        Files.delete(keep.localRolePath());
        Map<String, String> before = Probes.keepFiles(keep);
        assertThatThrownBy(() -> estate("beta", false).build()).isInstanceOf(KeepException.class)
                .hasMessageContaining(keep.localRolePath().toString())
                .hasMessageContaining("holds remote estates but not the local identity")
                .hasMessageContaining("newIdentity(true)").hasMessageContaining("--new-identity");
        assertThat(Probes.keepFiles(keep)).as("nothing written").isEqualTo(before);

        try (RoadStack beta = estate("beta", false).newIdentity(true).build()) {
            assertThat(beta.signingKey().verifyKey().hex()).isNotEqualTo(oldVer);
        }
        assertThat(keep.loadLocalRole()).isPresent();
    }

    @Test
    void aKeepWithRemotesButNoLocalEstateIsRefused() throws Exception {
        joinedOnce();
        RoadKeep keep = new RoadKeep(tmp.resolve("alpha"));
        Files.delete(keep.localEstatePath());
        assertThatThrownBy(() -> estate("alpha", true).build()).isInstanceOf(KeepException.class)
                .hasMessageContaining(keep.localEstatePath().toString());
        // A keep with nothing in it starts with a new identity, as before.
        try (RoadStack fresh = estate("fresh", true).build()) {
            assertThat(new RoadKeep(tmp.resolve("fresh")).loadLocalRole()).isPresent();
        }
    }

    @Test
    void keyFilesReadableByOthersOrLinkedAreRefused() throws Exception {
        joinedOnce();
        RoadKeep keep = new RoadKeep(tmp.resolve("beta"));
        Path role = keep.localRolePath();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(role))).isEqualTo("rw-------");

        Files.setPosixFilePermissions(role, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> estate("beta", false).build()).isInstanceOf(KeepException.class)
                .hasMessageContaining(role.toString()).hasMessageContaining("chmod 600 " + role);
        Files.setPosixFilePermissions(role, PosixFilePermissions.fromString("rw-rw----"));
        assertThatThrownBy(() -> estate("beta", false).build()).hasMessageContaining("chmod 600");

        Path elsewhere = tmp.resolve("elsewhere.json");
        Files.move(role, elsewhere);
        Files.setPosixFilePermissions(elsewhere, PosixFilePermissions.fromString("rw-------"));
        Files.createSymbolicLink(role, elsewhere);
        assertThatThrownBy(() -> estate("beta", false).build()).isInstanceOf(KeepException.class)
                .hasMessageContaining(role.toString()).hasMessageContaining("symbolic link");

        Files.delete(role);
        Files.move(elsewhere, role);
        try (RoadStack beta = estate("beta", false).build()) {
            assertThat(beta.name()).isEqualTo("beta");
        }

        // A remote role file that is a link is reported and counts as invalid; the estate still starts.
        Path alphaRole = keep.remoteRolePath("alpha");
        Files.move(alphaRole, tmp.resolve("alpha-role.json"));
        Files.createSymbolicLink(alphaRole, tmp.resolve("alpha-role.json"));
        assertThat(keep.loadRemotes().problems()).singleElement()
                .satisfies(p -> assertThat(p.reason()).contains("symbolic link"));
    }

    // ------------------------------------------------------------------ futures

    /**
     * allow() called on the responding side of an allow after its session opened (Allowed emitted) while it still
     * waits for the initiator's final ack, which is lost here: it completes at once.
     */
    @Test
    void allowDuringThePeersFinishingAllowCompletes() throws Exception {
        try (RoadStack alpha = estate("alpha", true).build();
                LossyRelay relay = new LossyRelay(alpha.address(), h -> h.tk() == TransactionKind.ALLOW
                        && h.pk() == PacketKind.ACK && !h.cf());
                RoadStack beta = estate("beta", false).build()) {
            AtomicReference<CompletableFuture<Void>> during = new AtomicReference<>();
            alpha.onEvent(e -> {
                if (e instanceof RoadEvent.Allowed a && a.remote().equals("beta") && during.get() == null) {
                    during.set(alpha.allow("beta"));
                }
            });
            beta.join(relay.address()).get(10, TimeUnit.SECONDS);
            beta.allow("alpha").get(10, TimeUnit.SECONDS);
            assertThat(waitFor(during)).succeedsWithin(Duration.ofSeconds(5));
            assertThat(alpha.allow("beta")).succeedsWithin(Duration.ofSeconds(5));
        }
    }

    private static <T> T waitFor(AtomicReference<T> ref) throws InterruptedException {
        for (int i = 0; i < 500 && ref.get() == null; i++) {
            Thread.sleep(10);
        }
        return ref.get();
    }

    @Test
    void aliveCompletesWithTheAnswerOrATimeout() throws Exception {
        try (RoadStack alpha = estate("alpha", true).build()) {
            RoadStack beta = estate("beta", false).build();
            beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
            assertThat(beta.alive("alpha")).succeedsWithin(Duration.ofSeconds(10)); // allows first
            assertThat(alpha.alive("beta")).succeedsWithin(Duration.ofSeconds(10));
            beta.close();
            assertThat(alpha.alive("beta")).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(
                    ExecutionException.class).withCauseInstanceOf(TimeoutException.class);
            assertThat(alpha.alive("nobody")).failsWithin(Duration.ofSeconds(5))
                    .withThrowableOfType(ExecutionException.class).withMessageContaining("unknown remote");
        }
    }

    @Test
    void everyFutureCompletesAtClose() throws Exception {
        RoadStack alpha = estate("alpha", true).build();
        RoadStack beta = estate("beta", false).build();
        beta.join(alpha.address()).get(10, TimeUnit.SECONDS);
        alpha.close(); // beta's peer is gone from now on: nothing below can succeed
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            List<CompletableFuture<?>> pending = List.of(
                    beta.join((InetSocketAddress) silent.getLocalSocketAddress()),
                    beta.allow("alpha"),
                    beta.alive("alpha"),
                    beta.send("alpha", Map.of("n", 1L), MessageOptions.DEFAULT.withTimeout(Duration.ZERO)));
            Thread.sleep(200);
            assertThat(pending).noneMatch(CompletableFuture::isDone);
            beta.close();
            for (CompletableFuture<?> f : pending) {
                assertThat(f).isCompletedExceptionally();
                assertThatThrownBy(f::join).hasMessageContaining("road stack closed");
            }
        }
    }

    @Test
    void afterCloseEveryCallReturnsAFailedFuture() {
        RoadStack alpha = estate("alpha", true).build();
        alpha.close();
        for (CompletableFuture<?> f : List.of(alpha.join(new InetSocketAddress("127.0.0.1", 9)), alpha.allow("x"),
                alpha.alive("x"), alpha.send("x", Map.of()), alpha.inspect(e -> 1), alpha.pendingJoins())) {
            assertThat(f).isCompletedExceptionally();
        }
    }

    // ------------------------------------------------------------------ operators and reasons

    @Test
    void anOperatorAcceptsOrRejectsPendingJoinsAndTheJoinerLearnsWhy() throws Exception {
        try (RoadStack alpha = estate("alpha", true).auto(AutoMode.NEVER).build();
                RoadStack beta = estate("beta", false).build();
                RoadStack gamma = estate("gamma", false).build()) {
            alpha.onEvent(e -> {
                if (e instanceof RoadEvent.JoinPending p) {
                    if (p.name().equals("beta")) {
                        alpha.acceptJoin(p);
                    } else {
                        alpha.rejectJoin(p);
                    }
                }
            });
            assertThat(beta.join(alpha.address())).succeedsWithin(Duration.ofSeconds(10)).isEqualTo("alpha");
            assertThat(gamma.join(alpha.address())).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(JoinException.class)
                    .satisfies(e -> assertThat(((JoinException) e).reason()).isEqualTo("rejected"));
            beta.send("alpha", Map.of("n", 1L)).get(10, TimeUnit.SECONDS);
            assertThat(alpha.pendingJoins().get(5, TimeUnit.SECONDS)).isEmpty();
            // beta proved its keys: it is kept, and its role is accepted in the keep.
            RoadKeep keep = new RoadKeep(tmp.resolve("alpha"));
            assertThat(keep.loadRemote("beta")).isPresent();
            assertThat(keep.loadRemoteRole("beta").orElseThrow().acceptance())
                    .isEqualTo(io.raet.keep.Acceptance.ACCEPTED);
            assertThat(keep.loadRemote("gamma")).isEmpty();
            assertThat(keep.loadRemoteRole("gamma")).isEmpty();
        }
    }

    @Test
    void aJoinRefusedByTheRemoteSaysSo() throws Exception {
        try (RoadStack notMain = estate("alpha", false).build(); RoadStack beta = estate("beta", false).build()) {
            List<RoadEvent> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
            notMain.onEvent(e -> {
                if (e instanceof RoadEvent.JoinRefused) {
                    refused.add(e);
                }
            });
            assertThat(beta.join(notMain.address())).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(ExecutionException.class).havingCause().isInstanceOf(JoinException.class)
                    .withMessage("join failed: rejected");
            for (int i = 0; i < 500 && refused.isEmpty(); i++) {
                Thread.sleep(10); // alpha tells of the refusal on its owner thread, perhaps after beta heard it
            }
            assertThat(refused).singleElement().satisfies(e -> assertThat(((RoadEvent.JoinRefused) e).reason())
                    .isEqualTo("vacuous join to an estate that is not main"));
        }
    }
}
