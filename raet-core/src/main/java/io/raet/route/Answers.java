package io.raet.route;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Completes the future of a pending exchange (request, acknowledged send, subscription) with its answer. */
public final class Answers {
    private Answers() {}

    /**
     * When {@code m} is an answer — kind {@code ok} or {@code err}, with a {@code re} — takes the future waiting for
     * that id with {@code take} and completes it: with {@code m} for {@code ok}, exceptionally with
     * {@link FlowException#of} for {@code err}.
     *
     * @param m the arriving message
     * @param ok the kind of a successful answer
     * @param take removes and returns the future waiting for an id, or null
     * @return false when {@code m} is no such answer or nothing was waiting for it
     */
    public static boolean settle(FlowMessage m, Kind ok, Function<String, CompletableFuture<FlowMessage>> take) {
        if ((m.kind() != ok && m.kind() != Kind.ERR) || m.re() == null) {
            return false;
        }
        CompletableFuture<FlowMessage> f = take.apply(m.re());
        if (f == null) {
            return false;
        }
        if (m.kind() == ok) {
            f.complete(m);
        } else {
            f.completeExceptionally(FlowException.of(m));
        }
        return true;
    }
}
