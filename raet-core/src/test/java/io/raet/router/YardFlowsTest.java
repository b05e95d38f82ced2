package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.lane.LaneMessage;
import io.raet.lane.LaneStack;
import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.route.Kind;
import io.raet.route.Responder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A yard's agent drives its flows: what its lane receives (answers, shares) and the timers of its requests,
 * acknowledged and repeated messages. A plain lane stack stands in for the router and sees what the yard sends.
 */
@Timeout(60)
class YardFlowsTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    LaneStack router;
    Yard yard;

    @BeforeEach
    void start() throws Exception {
        router = LaneStack.builder().name("router").dir(dir).build();
        yard = Yard.builder("app").dir(dir).requestTimeout(Duration.ofMillis(300))
                .retries(Duration.ofMillis(100), 2).build();
    }

    @AfterEach
    void stop() {
        yard.close();
        router.close();
    }

    /** The next flow message the yard sent to the router. */
    FlowMessage next() throws Exception {
        LaneMessage m = router.receive(WAIT);
        assertThat(m).as("a message from the yard").isNotNull();
        assertThat(m.from()).isEqualTo("app");
        return FlowMessage.parse(m.body());
    }

    static FlowException failure(CompletableFuture<?> f) {
        assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(FlowException.class);
        return (FlowException) f.exceptionNow();
    }

    @Test
    void anAnswerCompletesARequestAndAMissingOneTimesOut() throws Exception {
        CompletableFuture<FlowMessage> answered = yard.request(Address.of("beta", "svc", "q"), 1);
        FlowMessage req = next();
        assertThat(req.kind()).isEqualTo(Kind.REQ);
        router.send("app", Responder.respond(req, "fine").toBody());
        assertThat(answered.get(10, TimeUnit.SECONDS).data()).isEqualTo("fine");

        CompletableFuture<FlowMessage> unanswered = yard.request(Address.of("beta", "svc", "q"), 2);
        assertThat(next().kind()).isEqualTo(Kind.REQ);
        assertThat(failure(unanswered).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(yard.stats()).containsEntry("timeouts", 1L);
    }

    @Test
    void anAcknowledgedMessageIsSentAgainUntilItsRetriesRunOut() throws Exception {
        CompletableFuture<FlowMessage> acked = yard.sendAcked(Address.of("beta", "svc", "log"), "x");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            FlowMessage m = next();
            assertThat(m.kind()).isEqualTo(Kind.ACKD);
            ids.add(m.id());
        }
        assertThat(ids).containsOnly(ids.getFirst());
        assertThat(failure(acked).code()).isEqualTo(ErrorCode.TIMEOUT);
        assertThat(yard.stats()).containsEntry("resent", 2L).containsEntry("acked_failed", 1L);

        // an ack ends it after the first copy
        CompletableFuture<FlowMessage> second = yard.sendAcked(Address.of("beta", "svc", "log"), "y");
        FlowMessage m = next();
        router.send("app", Responder.ack(m).toBody());
        assertThat(second.get(10, TimeUnit.SECONDS).re()).isEqualTo(m.id());
    }

    @Test
    void aRepeatedMessageGoesTheGivenNumberOfTimes() throws Exception {
        yard.repeat(Address.of("beta", "svc", "tick"), "t", Duration.ofMillis(50), 3);
        for (int i = 0; i < 3; i++) {
            assertThat(next().data()).isEqualTo("t");
        }
        assertThat(router.receive(Duration.ofMillis(300))).isNull();
    }

    @Test
    void aMessageFromTheRouterReachesItsShare() throws Exception {
        var inbox = yard.queue("inbox");
        FlowMessage m = FlowMessage.builder(Kind.MSG, Address.of("beta", "w", ""), Address.of("", "app", "inbox"))
                .id("m1").data("hello").build();
        router.send("app", m.toBody());
        assertThat(inbox.take(WAIT).orElseThrow().data()).isEqualTo("hello");
        assertThat(yard.stats()).containsEntry("received", 1L);
    }
}
