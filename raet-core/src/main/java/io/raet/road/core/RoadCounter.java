package io.raet.road.core;


/**
 * What a road counts, besides dropped packets ({@link DropReason}) and refused joins ({@link JoinRefusal}). Each
 * is reported under its {@link #key()} in {@link RoadStats#snapshot()}.
 */
public enum RoadCounter {
    // Traffic.
    PACKETS_RECEIVED("packets_received"),
    PACKETS_SENT("packets_sent"),
    PACKETS_RESENT("packets_resent"),
    MESSAGES_RECEIVED("messages_received"),
    MESSAGES_DELIVERED("messages_delivered"),
    /** Every packet dropped, whatever the reason. */
    DROPPED("dropped"),
    /** A segment of an incoming message that was held already. */
    DUPLICATE_SEGMENT("duplicate_segment"),
    /** A packet could not be encoded (not sent). */
    PACK_ERROR("pack_error"),
    /** A remote's send window halved after a loss (a segment asked for again, or a redo with no answer). */
    CONGESTION_BACKOFF("congestion_backoff"),
    /** A remote's send window left slow start: the round trip grew (a queue builds up on the way). */
    SLOW_START_EXIT("slow_start_exit"),
    /** A late duplicate of a message we completed, not answered: done went for it within the redo interval. */
    LATE_DUPLICATE_UNANSWERED("late_duplicate_unanswered"),
    /** A done repeated for a message already delivered (not answered). */
    LATE_DONE("late_done"),
    /**
     * A nack (or refusal) for a message its receiver had already reported done: the receiver nacks late duplicates,
     * as the reference does; the message stays delivered.
     */
    LATE_NACK("late_nack"),
    /**
     * A datagram handed from the owner thread that parsed it to the one of its remote (a vacuous join for a name
     * another owner's remote holds, a join from an address another owner handles).
     */
    PACKETS_HANDED_ON("packets_handed_on"),
    /**
     * A packet whose signature a helper thread had checked, with the key its remote still has, before its owner
     * thread came to it (see {@code RoadStack.Builder.cryptoThreads}): the owner did not check it again.
     */
    PACKETS_VERIFIED_AHEAD("packets_verified_ahead"),
    /** A segment a helper thread signed before its owner thread came to send it. */
    PACKETS_SIGNED_AHEAD("packets_signed_ahead"),

    // Bounds (RoadLimits, HandshakeLimits).
    /** An answer not sent: the remote's answer credit was spent. */
    ANSWER_BUDGET("answer_budget"),
    /** A message failed: its receiver asked for more resends than its budget. */
    RESEND_BUDGET("resend_budget"),
    /** A message refused before sending: too many outgoing to the remote. */
    OUTGOING_LIMIT("outgoing_limit"),
    /** A request for missing segments held back until the next redo. */
    MISSED_REQUESTS_PACED("missed_requests_paced"),
    /** An incoming message ended to make room for another remote's. */
    INCOMPLETE_EVICTED("incomplete_evicted"),
    /** A handshake the engine would start on its own waits for the pace. */
    HANDSHAKE_PACED("handshake_paced"),
    /** The driver stopped admitting messages: the application's inbox is full. */
    INBOX_HELD("inbox_held"),

    // Joins and identities.
    /** A join this estate refused (also counted by {@link JoinRefusal}). */
    JOIN_REFUSED("join_refused"),
    JOIN_PENDED("join_pended"),
    PENDING_JOINS_FULL("pending_joins_full"),
    JOIN_ACCEPTED_BY_OPERATOR("join_accepted_by_operator"),
    JOIN_REJECTED_BY_OPERATOR("join_rejected_by_operator"),
    /** A join correspondent completed by the joiner's signed traffic (its ack was lost). */
    JOIN_COMPLETED_BY_TRAFFIC("join_completed_by_traffic"),
    /** A joiner's answer to a response re-sent after its join completed. */
    LATE_JOIN_NACK("late_join_nack"),
    /** A response to a join we completed came again (our final ack was lost): the ack went again. */
    JOIN_ACK_RESENT("join_ack_resent"),
    /**
     * A joiner nacked the response of a join that waits for its ack (a joiner that completed and lost its ack
     * answers so): the join waits for the joiner's signed traffic until it times out, not ended at once.
     */
    JOIN_NACK_AWAITING_ACK("join_nack_awaiting_ack"),
    REMOTE_PROVEN("remote_proven"),
    REMOTE_REBOUND("remote_rebound"),
    UNPROVEN_REMOTE_REPLACED("unproven_remote_replaced"),
    UNPROVEN_REMOTE_REFUSED("unproven_remote_refused"),
    UNPROVEN_REMOTE_EVICTED("unproven_remote_evicted"),

    // Sessions and addresses.
    REMOTE_MOVED("remote_moved"),
    REMOTE_ID_CHANGED("remote_id_changed"),
    /** What a remote's last join asked to change, applied by its authenticated allow (mutable roads). */
    JOIN_CHANGES_APPLIED("join_changes_applied"),
    HELLO_OF_OLDER_SESSION("hello_of_older_session"),
    SESSION_REBASED("session_rebased"),
    /** A session renewed by a new allow (forward secrecy: its age or bytes reached the configured renewal). */
    SESSION_RENEWED("session_renewed"),
    /** A renewal allow that failed (the session stays; it is tried again later). */
    SESSION_RENEWAL_FAILED("session_renewal_failed"),
    /** A renewal allow the remote asked for, left unanswered while our messages under way finish. */
    RENEWAL_HELD("renewal_held"),
    /**
     * A heartbeat was answered unallowed while we still re-sent our ack of the remote's allow (it has not had it):
     * the heartbeat tries again; the session is not dropped for a new allow.
     */
    UNALLOWED_WHILE_ACKING("unallowed_while_acking"),
    ALLOW_FQDN_MISMATCH("allow_fqdn_mismatch"),

    // Faults met and survived.
    TIMER_ERROR("timer_error"),
    HOUSEKEEPING_ERROR("housekeeping_error"),
    KEEP_PROBLEM("keep_problem"),
    COMMAND_ERROR("command_error"),
    LISTENER_ERROR("listener_error"),
    SEND_ERROR("send_error");

    private final String key;

    RoadCounter(String key) {
        this.key = key;
    }

    /** The name in {@link RoadStats#snapshot()}. */
    public String key() {
        return key;
    }
}
