package io.raet.route;

import java.util.function.Function;

/**
 * Answers on the receiving side of a yard: the {@code rsp} or {@code err} for a {@code req}, the {@code ack} for
 * an {@code ackd}. Answers go from the request's {@code dst} back to its {@code src} (as it arrived, resolved by the
 * first router) with {@code re} = its {@code id}.
 */
public final class Responder {
    private Responder() {}

    /**
     * {@return the {@code rsp} to {@code req} carrying {@code data}}
     *
     * @param req the request
     * @param data the answer's {@code data}
     */
    public static FlowMessage respond(FlowMessage req, Object data) {
        requireKind(req, Kind.REQ);
        return FlowMessage.builder(Kind.RSP, req.dst(), req.src()).re(req.id()).data(data).build();
    }

    /**
     * {@return an {@code err} answering {@code req} (any kind but {@code err})}
     *
     * @param req the message answered
     * @param code the code
     * @param text the error text, or null for the code
     */
    public static FlowMessage fail(FlowMessage req, ErrorCode code, String text) {
        return FlowMessage.errorFor(req, req.dst(), code, text);
    }

    /**
     * {@return the {@code ack} of an {@code ackd} message}
     *
     * @param ackd the message acknowledged
     */
    public static FlowMessage ack(FlowMessage ackd) {
        requireKind(ackd, Kind.ACKD);
        return FlowMessage.builder(Kind.ACK, ackd.dst(), ackd.src()).re(ackd.id()).build();
    }

    /**
     * Runs {@code handler} on the request's {@code data} and answers with its result; a {@link FlowException} it
     * throws becomes an {@code err} with its code ({@code timeout} when it has none).
     *
     * @param req the request
     * @param handler computes the answer's {@code data}
     * @return the {@code rsp}, or the {@code err}
     */
    public static FlowMessage handle(FlowMessage req, Function<Object, Object> handler) {
        requireKind(req, Kind.REQ);
        try {
            return respond(req, handler.apply(req.data()));
        } catch (FlowException e) {
            ErrorCode c = e.code() == null ? ErrorCode.TIMEOUT : e.code();
            return fail(req, c, e.getMessage());
        }
    }

    private static void requireKind(FlowMessage m, Kind k) {
        if (m.kind() != k) {
            throw new IllegalArgumentException("not a " + k.wire() + ": " + m.kind().wire());
        }
    }
}
