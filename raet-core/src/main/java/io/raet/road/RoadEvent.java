package io.raet.road;

import java.net.InetSocketAddress;
import java.util.Map;

/** What the road engine tells the application. */
public sealed interface RoadEvent {
    /**
     * The join with {@code remote} completed; keys are exchanged and kept.
     *
     * @param remote the remote's name
     * @param address where it is reached
     */
    record Joined(String remote, InetSocketAddress address) implements RoadEvent {}

    /**
     * A join this estate started with the remote (name, or address when still unnamed) failed. The reason says
     * what the remote answered when it answered ({@code rejected}, {@code refused}, {@code nacked}), {@code timeout}
     * ({@code timeout while pending acceptance} after the remote or we held the join pending), or why we
     * refused its answer.
     *
     * @param remote the remote's name, or null when it never answered
     * @param address the address joined
     * @param reason why it failed
     */
    record JoinFailed(String remote, InetSocketAddress address, String reason) implements RoadEvent {}

    /**
     * A join is held for an operator's decision: the estate at {@code address} claims {@code name} with this role
     * and these keys, and the acceptance policy neither accepts nor rejects that (auto mode {@code never}, or a
     * name already bound to other keys or another role). Nothing of it is kept or applied until an operator
     * accepts it ({@link RoadStack#acceptJoin}); the joiner is told to wait ({@code pend}).
     *
     * @param name the name it claims
     * @param role the role it claims
     * @param address where it joined from
     * @param verhex its verify key, hex
     * @param pubhex its public key, hex
     */
    record JoinPending(String name, String role, InetSocketAddress address, String verhex, String pubhex)
            implements RoadEvent {}

    /**
     * This estate refused a join from {@code address} claiming {@code name}, for {@code reason}.
     *
     * @param name the name it claimed
     * @param address where it joined from
     * @param reason why it was refused
     */
    record JoinRefused(String name, InetSocketAddress address, String reason) implements RoadEvent {}

    /**
     * The allow handshake with {@code remote} completed; a new session is open.
     *
     * @param remote the remote's name
     * @param initiated whether this estate started the allow (else the remote did)
     * @param renewal whether the new session replaced one that was open (a renewal for forward secrecy, by either
     *     side), else it is the first since the join or since a session was lost
     */
    record Allowed(String remote, boolean initiated, boolean renewal) implements RoadEvent {}

    /**
     * The allow handshake failed.
     *
     * @param remote the remote's name
     * @param reason why it failed
     */
    record AllowFailed(String remote, String reason) implements RoadEvent {}

    /**
     * The remote answered a heartbeat or a message: it is present. Emitted on the change only.
     *
     * @param remote the remote's name
     */
    record Alive(String remote) implements RoadEvent {}

    /**
     * The remote stopped answering heartbeats. Emitted on the change only.
     *
     * @param remote the remote's name
     */
    record Dead(String remote) implements RoadEvent {}

    /**
     * A message arrived from the authenticated remote {@code from}, whose role (from its join) is {@code role};
     * {@code size} is its length on the wire (the encrypted body, as the inbox bounds count it).
     *
     * @param from the sender's name
     * @param role the sender's role
     * @param body the message's body
     * @param size its length on the wire
     */
    record Message(String from, String role, Map<String, Object> body, int size) implements RoadEvent {
        /**
         * A message whose size is not known (0).
         *
         * @param from the sender's name
         * @param role the sender's role
         * @param body the message's body
         */
        public Message(String from, String role, Map<String, Object> body) {
            this(from, role, body, 0);
        }
    }

    /**
     * The remote acknowledged the whole message with this id.
     *
     * @param messageId the message's id
     * @param remote the remote's name
     */
    record Delivered(long messageId, String remote) implements RoadEvent {}

    /**
     * The message with this id was not acknowledged, for {@code reason}; {@code detail} says more.
     *
     * @param messageId the message's id
     * @param remote the remote's name
     * @param reason why it was not acknowledged
     * @param detail what happened
     */
    record Undelivered(long messageId, String remote, DeliveryFailure reason, String detail) implements RoadEvent {}

    /**
     * How far the remote has acknowledged the message with this id: {@code acked} of its {@code total} segments,
     * counted from the first with none missing. Emitted only for messages of more than one segment, when the count
     * grows, at most every {@link #PROGRESS_INTERVAL_NANOS} per message; {@link Delivered} or {@link Undelivered}
     * ends it.
     *
     * @param messageId the message's id
     * @param remote the remote's name
     * @param acked the segments acknowledged
     * @param total the message's segment count
     */
    record Progress(long messageId, String remote, int acked, int total) implements RoadEvent {}

    /** The least time between two {@link Progress} events of one message: 100 ms. */
    long PROGRESS_INTERVAL_NANOS = 100_000_000L;
}
