package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.DeliveryException;
import io.raet.road.DeliveryFailure;
import io.raet.road.OutgoingLimitException;
import io.raet.road.RoadLimits;
import io.raet.road.RoadStack;
import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A message an estate refuses reaches its sender as {@code refused}, with the road's reason, never {@code timeout}. */
@Timeout(60)
class RouterRefusalTest {
    @TempDir
    Path lane;

    @Test
    void roadFailuresKeepTheirReason() {
        assertThat(Router.deliveryCode(new DeliveryException(7, "beta", DeliveryFailure.REFUSED,
                "refused by the remote (nack)"))).isEqualTo(ErrorCode.REFUSED);
        assertThat(Router.deliveryCode(new DeliveryException(7, "beta", DeliveryFailure.RESEND_BUDGET,
                "resend budget exhausted: …"))).isEqualTo(ErrorCode.REFUSED);
        assertThat(Router.deliveryCode(new OutgoingLimitException("beta", 8))).isEqualTo(ErrorCode.REFUSED);
        assertThat(Router.deliveryCode(new DeliveryException(7, "beta", DeliveryFailure.TIMEOUT, "timeout")))
                .isEqualTo(ErrorCode.TIMEOUT);
        assertThat(Router.deliveryCode(new DeliveryException(7, "beta", DeliveryFailure.RETRIES_EXHAUSTED,
                "no answer after 3 retries"))).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(Router.deliveryCode(new DeliveryException(7, "beta", DeliveryFailure.UNSENDABLE,
                "message too large"))).isEqualTo(ErrorCode.BAD_ROUTE);
        assertThat(Router.deliveryCode(new DeliveryException(7, "beta", DeliveryFailure.REMOTE_REMOVED,
                "remote removed"))).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
        assertThat(Router.deliveryCode(new DeliveryException(7, "beta", DeliveryFailure.CLOSED, "stack closed")))
                .isEqualTo(ErrorCode.FAILED);
        assertThat(Router.deliveryCode(new IllegalArgumentException("no remote beta")))
                .isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
    }

    @Test
    void aMessageAnEstateRefusesReachesItsSenderAsRefused() throws Exception {
        try (Router hub = Router.start(RouterConfig.builder("hub").port(0).laneDir(lane).build());
                Yard asker = Yard.builder("asker").dir(lane).requestTimeout(Duration.ofSeconds(20)).build();
                RoadStack peer = RoadStack.builder().name("peer").role("peer").port(0)
                        .limits(RoadLimits.defaults().withMaxMessageSize(4096)).build()) {
            String name = peer.join(hub.address()).get(10, TimeUnit.SECONDS);
            peer.allow(name).get(10, TimeUnit.SECONDS);
            // a message larger than the peer takes: the peer nacks its first segment
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> asker.request(Address.of("peer", "x", "y"), "z".repeat(20_000)).get(30, TimeUnit.SECONDS));
            FlowException f = (FlowException) e.getCause();
            assertThat(f.code()).as(f.getMessage()).isEqualTo(ErrorCode.REFUSED);
            assertThat(f.getMessage()).contains("refused by the remote (nack)");
            assertThat(hub.stats()).containsEntry("forward_refused_road", 1L);
        }
    }
}
