package io.raet.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.raet.lane.LaneException;
import io.raet.route.Address;
import io.raet.route.ErrorCode;
import io.raet.route.FlowException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YardWithoutRouterTest {
    @TempDir
    Path tmp;

    @Test
    void aRequestWithNoRouterOnTheLaneFailsWithTheReasonNotACancellation() throws Exception {
        try (Yard y = Yard.builder("cli").dir(tmp).build()) {
            var f = y.request(Address.parse(List.of("beta", "svc", "jobs")), 1);
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(FlowException.class)
                    .hasMessageContaining("router yard 'router' did not take the request")
                    .satisfies(e -> {
                        assertThat(((FlowException) e).code()).isEqualTo(ErrorCode.UNKNOWN_DESTINATION);
                        assertThat(e.getCause()).isInstanceOf(LaneException.class);
                    });
        }
    }
}
