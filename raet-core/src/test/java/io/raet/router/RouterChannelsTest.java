package io.raet.router;

import static io.raet.router.ControlMesh.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.road.JoinException;
import io.raet.road.RoadStack;
import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.Policy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Channels, live: routers r1 and r2 in this process, each on three roads: the default channel, {@code bulk}, and the
 * control channel {@code ctl} whose members are provisioned ahead; r2 joined r1 on each. A yard {@code w} behind r1
 * asks the service {@code svc} behind r2, whose table denies {@code admin} on {@code bulk} only.
 */
@Timeout(60)
class RouterChannelsTest {
    @TempDir
    Path tmp;

    ControlMesh mesh;
    Yard w;
    Yard svc;

    @BeforeEach
    void start() throws Exception {
        mesh = new ControlMesh(tmp, 2, null);
        mesh.plain.add("bulk");
        mesh.extra = b -> b.policy(Policy.parseJson("""
                [{"role": "*", "dst": "r2/svc/admin", "channel": "bulk", "action": "deny"}]"""));
        mesh.startAll();
        w = Yard.builder("w").dir(mesh.dir("r1").resolve("lane")).build();
        svc = Yard.builder("svc").dir(mesh.dir("r2").resolve("lane")).build();
        svc.serve("jobs", d -> Map.of("done", d));
        svc.serve("admin", d -> Map.of("admin", d));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {w, svc, mesh}) {
            if (c != null) {
                c.close();
            }
        }
    }

    FlowMessage ask(String share, String channel) throws Exception {
        return w.request(Address.of("r2", "svc", share, channel), channel).get(10, TimeUnit.SECONDS);
    }

    static long received(Router r, String channel) {
        return r.stats().getOrDefault(channel.isEmpty() ? "road_messages_received"
                : "road_" + channel + "_messages_received", 0L);
    }

    @Test
    void aMessageToEachChannelGoesOutOnItsRoadAndItsAnswerComesBackThere() throws Exception {
        Router r1 = mesh.get("r1");
        Router r2 = mesh.get("r2");
        for (String channel : List.of("", "bulk", "ctl")) {
            long before = received(r2, channel);
            long backBefore = received(r1, channel);
            FlowMessage rsp = ask("jobs", channel);
            assertThat(rsp.data()).isEqualTo(Map.of("done", channel));
            assertThat(rsp.src()).isEqualTo(Address.of("r2", "svc", "jobs", channel));
            assertThat(rsp.dst().channel()).as("the answer came back on the road the request arrived on")
                    .isEqualTo(channel);
            assertThat(received(r2, channel)).as("r2 took the request on road '%s'", channel).isEqualTo(before + 1);
            assertThat(received(r1, channel)).as("r1 took the answer on road '%s'", channel)
                    .isEqualTo(backBefore + 1);
        }
        assertThat(r1.address("bulk").getPort()).isNotIn(r1.address().getPort(), r1.address("ctl").getPort());
    }

    @Test
    void aDenyOnOneChannelDoesNotTouchAnotherAndAnUnknownChannelIsAnError() throws Exception {
        assertThat(ask("admin", "").data()).isEqualTo(Map.of("admin", ""));
        assertThat(ask("admin", "ctl").data()).isEqualTo(Map.of("admin", "ctl"));
        FlowException denied = failure(() -> ask("admin", "bulk"));
        assertThat(denied.code()).isEqualTo(ErrorCode.DENIED);
        assertThat(denied.getMessage()).contains("may not send to r2/svc/admin on channel 'bulk'");
        FlowException unknown = failure(() -> ask("jobs", "nope"));
        assertThat(unknown.code()).isEqualTo(ErrorCode.UNKNOWN_CHANNEL);
        assertThat(unknown.getMessage()).contains("estate 'r1' has no channel 'nope'");
        assertThat(mesh.get("r1").stats()).containsEntry("route_unknown_channel", 1L);
    }

    @Test
    void anEstateThatIsNotProvisionedIsRefusedOnTheControlChannel() throws Exception {
        Router r2 = mesh.get("r2");
        try (RoadStack mallory = RoadStack.builder().name("mallory").port(0).build()) {
            ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> mallory.join(r2.address("ctl")).get(20, TimeUnit.SECONDS));
            assertThat(e.getCause()).isInstanceOf(JoinException.class);
            // the same estate joins the default road
            assertThat(mallory.join(r2.address()).get(10, TimeUnit.SECONDS)).isEqualTo("r2");
        }
        await("refusal reported", () -> mesh.events.get("r2").stream().anyMatch(ev ->
                ev instanceof RouterEvent.ControlRefused c && c.name().equals("mallory") && c.channel().equals("ctl")));
        assertThat(r2.estates("ctl")).containsExactly("r1");
        assertThat(r2.stats().get("control_refused")).isPositive();
    }

    interface Call {
        Object call() throws Exception;
    }

    static FlowException failure(Call c) throws Exception {
        try {
            c.call();
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(FlowException.class);
            return (FlowException) e.getCause();
        }
        throw new AssertionError("request succeeded");
    }
}
