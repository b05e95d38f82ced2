package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** Mistakes in what a stack is given fail at once with a message naming the address and what to do. */
class RoadStackSetupErrorsTest {
    @Test
    void joiningAnUnresolvedAddressFailsAtOnceWithoutReachingTheOwnerThread() {
        try (RoadStack s = RoadStack.builder().name("beta").port(0).build()) {
            CompletableFuture<String> f = s.join(InetSocketAddress.createUnresolved("no-such-host.invalid", 7530));
            assertThat(f).isCompletedExceptionally();
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no-such-host.invalid:7530").hasMessageContaining("does not resolve");
            assertThat(s.stats().getOrDefault("command_error", 0L)).isZero();
            assertThat(s.isOpen()).isTrue();
        }
    }

    @Test
    void aPortInUseIsNamedWithTheWayOut() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> RoadStack.builder().name("alpha").host("127.0.0.1").port(port).build())
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + port + " is in use")
                    .hasMessageContaining("port 0 for any free one");
        }
    }

    @Test
    void aHostThatIsNotResolvableOrNotLocalIsNamed() {
        assertThatThrownBy(() -> RoadStack.builder().name("alpha").host("no-such-host.invalid").port(0).build())
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("no-such-host.invalid")
                .hasMessageContaining("does not resolve");
        // TEST-NET-1 (RFC 5737) is never an address of this machine
        assertThatThrownBy(() -> RoadStack.builder().name("alpha").host("192.0.2.1").port(0).build())
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("192.0.2.1 is not an address of this machine");
    }
}
