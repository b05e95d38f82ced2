package io.raet.lane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.lane.UxdException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UxdSocketTest {
    @TempDir
    Path dir;

    @Test
    void bindCreatesAPrivateSocketFileAndCloseRemovesIt() throws Exception {
        Path p = dir.resolve("lane.a.uxd");
        try (UxdSocket s = UxdSocket.bind(p)) {
            assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).isTrue();
            assertThat(Files.isRegularFile(p)).isFalse();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
            assertThat(s.sendBufferSize()).isGreaterThanOrEqualTo(UxdSocket.MAX_DATAGRAM);
            assertThat(s.receiveBufferSize()).isGreaterThanOrEqualTo(UxdSocket.MAX_DATAGRAM);
        }
        assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void datagramsCarryTheirSenderPath() throws Exception {
        try (UxdSocket a = UxdSocket.bind(dir.resolve("lane.a.uxd"));
                UxdSocket b = UxdSocket.bind(dir.resolve("lane.b.uxd"))) {
            byte[] buf = new byte[UxdSocket.MAX_DATAGRAM + 1];
            assertThat(b.receive(buf)).isNull();
            assertThat(b.poll(10)).isFalse();

            byte[] small = "hello".getBytes(StandardCharsets.US_ASCII);
            assertThat(a.sendTo(b.path(), small, 0, small.length).status()).isEqualTo(UxdSocket.SendStatus.OK);
            assertThat(b.poll(1000)).isTrue();
            UxdSocket.Received r = b.receive(buf);
            assertThat(r.length()).isEqualTo(5);
            assertThat(r.truncated()).isFalse();
            assertThat(r.sender()).isEqualTo(a.path().toString());
            assertThat(new String(buf, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");

            byte[] big = new byte[UxdSocket.MAX_DATAGRAM];
            new Random(7).nextBytes(big);
            assertThat(b.sendTo(a.path().toString(), big, 0, big.length).status()).isEqualTo(UxdSocket.SendStatus.OK);
            assertThat(a.poll(1000)).isTrue();
            r = a.receive(buf);
            assertThat(r.length()).isEqualTo(big.length);
            assertThat(java.util.Arrays.copyOf(buf, r.length())).isEqualTo(big);

            // slice of a larger array
            assertThat(a.sendTo(b.path(), big, 100, 10).status()).isEqualTo(UxdSocket.SendStatus.OK);
            r = b.receive(buf);
            assertThat(r.length()).isEqualTo(10);
            assertThat(java.util.Arrays.copyOf(buf, 10)).isEqualTo(java.util.Arrays.copyOfRange(big, 100, 110));
        }
    }

    @Test
    void longDatagramsIntoShortBuffersAreReportedTruncated() throws Exception {
        try (UxdSocket a = UxdSocket.bind(dir.resolve("lane.a.uxd"));
                UxdSocket b = UxdSocket.bind(dir.resolve("lane.b.uxd"))) {
            byte[] data = new byte[300];
            a.sendTo(b.path(), data, 0, data.length);
            UxdSocket.Received r = b.receive(new byte[100]);
            assertThat(r.truncated()).isTrue();
            assertThat(r.length()).isEqualTo(300);
        }
    }

    @Test
    void sendingToNobodyReportsPeerGone() throws Exception {
        try (UxdSocket a = UxdSocket.bind(dir.resolve("lane.a.uxd"))) {
            UxdSocket.SendResult r = a.sendTo(dir.resolve("lane.none.uxd"), new byte[1], 0, 1);
            assertThat(r.status()).isEqualTo(UxdSocket.SendStatus.PEER_GONE);
            assertThat(r.errno()).isEqualTo(UxdSocket.ENOENT);

            Path stale = staleSocketFile(dir.resolve("lane.stale.uxd"));
            r = a.sendTo(stale, new byte[1], 0, 1);
            assertThat(r.status()).isEqualTo(UxdSocket.SendStatus.PEER_GONE);
            assertThat(r.errno()).isEqualTo(UxdSocket.ECONNREFUSED);
        }
    }

    @Test
    void aFullReceiverQueueReportsWouldBlock() throws Exception {
        try (UxdSocket a = UxdSocket.bind(dir.resolve("lane.a.uxd"));
                UxdSocket b = UxdSocket.bind(dir.resolve("lane.b.uxd"))) {
            byte[] d = new byte[64];
            UxdSocket.SendResult last = null;
            for (int i = 0; i < 100_000; i++) {
                last = a.sendTo(b.path(), d, 0, d.length);
                if (last.status() != UxdSocket.SendStatus.OK) {
                    break;
                }
            }
            assertThat(last.status()).isEqualTo(UxdSocket.SendStatus.WOULD_BLOCK);
            // draining one makes room again
            assertThat(b.receive(new byte[100])).isNotNull();
            assertThat(a.sendTo(b.path(), d, 0, d.length).status()).isEqualTo(UxdSocket.SendStatus.OK);
        }
    }

    @Test
    void aStaleSocketFileIsReplacedButALiveOneIsRefused() throws Exception {
        Path p = staleSocketFile(dir.resolve("lane.s.uxd"));
        try (UxdSocket s = UxdSocket.bind(p)) {
            assertThatThrownBy(() -> UxdSocket.bind(p))
                    .isInstanceOf(UxdException.class)
                    .hasMessageContaining("live socket")
                    .satisfies(e -> assertThat(((UxdException) e).errno()).isEqualTo(UxdSocket.EADDRINUSE));
            assertThat(s.isOpen()).isTrue();
        }
    }

    @Test
    void aRegularFileIsNeverRemoved() throws Exception {
        Path p = Files.writeString(dir.resolve("lane.f.uxd"), "data");
        assertThatThrownBy(() -> UxdSocket.bind(p)).isInstanceOf(UxdException.class).hasMessageContaining("not a socket");
        assertThat(Files.readString(p)).isEqualTo("data");
    }

    @Test
    void badPathsAndClosedSocketsGiveClearErrors() throws Exception {
        Path longPath = dir.resolve("x".repeat(120) + ".uxd");
        assertThatThrownBy(() -> UxdSocket.bind(longPath)).isInstanceOf(UxdException.class)
                .hasMessageContaining("exceeds 107");
        assertThatThrownBy(() -> UxdSocket.bind(dir.resolve("missing/lane.a.uxd"))).isInstanceOf(UxdException.class)
                .hasMessageContaining("cannot bind")
                .satisfies(e -> assertThat(((UxdException) e).errno()).isEqualTo(UxdSocket.ENOENT));
        UxdSocket s = UxdSocket.bind(dir.resolve("lane.a.uxd"));
        s.close();
        s.close();
        assertThatThrownBy(() -> s.receive(new byte[10])).isInstanceOf(UxdException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> s.sendTo("/tmp/x", new byte[1], 0, 1)).isInstanceOf(UxdException.class);
        assertThatThrownBy(() -> s.poll(0)).isInstanceOf(UxdException.class);
    }

    @Test
    void senderPathDecoding() {
        assertThat(UxdSocket.senderPath(new byte[110], 2)).isNull();
        assertThat(UxdSocket.senderPath(new byte[110], 0)).isNull();
        byte[] abs = new byte[110];
        abs[3] = 'x';
        assertThat(UxdSocket.senderPath(abs, 4)).isNull();
    }

    /** A socket file nobody is bound to: the JDK leaves the file of a closed Unix stream server behind. */
    static Path staleSocketFile(Path p) throws Exception {
        try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.bind(UnixDomainSocketAddress.of(p));
        }
        assertThat(Files.exists(p, LinkOption.NOFOLLOW_LINKS)).isTrue();
        return p;
    }
}
