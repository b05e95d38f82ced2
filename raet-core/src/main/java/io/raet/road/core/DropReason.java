package io.raet.road.core;

import io.raet.codec.Reason;

/**
 * Why the road dropped a packet: each is counted under {@code drop_<key>} and in {@code dropped}
 * ({@link RoadStats#snapshot()}).
 */
public enum DropReason {
    // Before parsing and parsing (one per codec reason).
    /** Larger than any datagram the road accepts. */
    OVERSIZED("oversized"),
    /**
     * Read while its owner thread had {@link RoadShard#BACKLOG_BYTES} of datagrams waiting already (a driver with
     * several owner threads): dropped unread, as a full socket buffer would.
     */
    BACKLOG("backlog"),
    PARSE_MALFORMED_HEAD("parse_malformed_head"),
    PARSE_UNKNOWN_FIELD("parse_unknown_field"),
    PARSE_BAD_LENGTH("parse_bad_length"),
    PARSE_BAD_VERSION("parse_bad_version"),
    PARSE_UNKNOWN_KIND("parse_unknown_kind"),
    PARSE_BAD_FOOT("parse_bad_foot"),
    PARSE_BAD_SIGNATURE("parse_bad_signature"),
    PARSE_BAD_COAT("parse_bad_coat"),
    PARSE_BAD_BODY("parse_bad_body"),
    PARSE_TOO_LARGE("parse_too_large"),
    PARSE_BAD_SEGMENT("parse_bad_segment"),
    PARSE_BAD_PAGE("parse_bad_page"),
    /** A defect met while handling the packet (the packet is dropped, the road goes on). */
    INTERNAL_ERROR("internal_error"),
    // Ids, admission and authentication (the endpoint).
    BROADCAST("broadcast"),
    JOIN_WITH_SESSION("join_with_session"),
    INVALID_JOIN_IDS("invalid_join_ids"),
    /** An answer to a vacuous join from an address that has none in progress. */
    UNKNOWN_JOINEE("unknown_joinee"),
    /** A new join request beyond the join correspondents allowed (in all or per host). */
    JOIN_CAPACITY("join_capacity"),
    /** A new join request beyond its host's rate. */
    RATE_LIMITED("rate_limited"),
    STALE_JOIN("stale_join"),
    INVALID_IDS("invalid_ids"),
    UNKNOWN_DESTINATION_UID("unknown_destination_uid"),
    /** A packet other than a join without a signature. */
    UNSIGNED("unsigned"),
    BAD_SIGNATURE("bad_signature"),
    /** Signed traffic of a remote whose join has not completed. */
    UNJOINED("unjoined"),
    /** The first signed packet of a remote whose identity was meanwhile bound elsewhere or rejected. */
    UNPROVEN_REFUSED("unproven_refused"),
    STALE_SESSION("stale_session"),
    /** A packet that starts no transaction and belongs to none. */
    STALE_PACKET("stale_packet"),
    /** An answer for an initiator we no longer have. */
    STALE_REPLY("stale_reply"),
    REPLAY("replay"),
    /** A message completed already (answered done again). */
    DUPLICATE_MESSAGE("duplicate_message"),
    STALE_MESSAGE("stale_message"),
    UNSUPPORTED_TRANSACTION("unsupported_transaction"),
    // Joins.
    INVALID_JOIN_BODY("invalid_join_body"),
    /** A name or role that could not be a file name in the keep. */
    INVALID_JOIN_NAME("invalid_join_name"),
    UNEXPECTED_JOIN_PACKET("unexpected_join_packet"),
    JOIN_RESPONSE_FROM_OTHER_ADDRESS("join_response_from_other_address"),
    DUPLICATE_JOIN_REQUEST("duplicate_join_request"),
    ACK_WHILE_PENDING("ack_while_pending"),
    // Allows.
    UNEXPECTED_ALLOW_PACKET("unexpected_allow_packet"),
    DUPLICATE_HELLO("duplicate_hello"),
    ACK_BEFORE_INITIATE("ack_before_initiate"),
    ALLOW_COOKIE_SIZE("allow_cookie_size"),
    ALLOW_COOKIE_DOES_NOT_OPEN("allow_cookie_does_not_open"),
    ALLOW_COOKIE_IDS_DO_NOT_MATCH("allow_cookie_ids_do_not_match"),
    ALLOW_HELLO_SIZE("allow_hello_size"),
    ALLOW_HELLO_BOX("allow_hello_box"),
    ALLOW_HELLO_PLAIN("allow_hello_plain"),
    ALLOW_INITIATE_SIZE("allow_initiate_size"),
    ALLOW_INITIATE_COOKIE("allow_initiate_cookie"),
    ALLOW_INITIATE_BOX("allow_initiate_box"),
    ALLOW_INITIATE_LONG_KEY("allow_initiate_long_key"),
    ALLOW_INITIATE_VOUCH("allow_initiate_vouch"),
    // Heartbeats.
    UNEXPECTED_ALIVE_PACKET("unexpected_alive_packet"),
    /**
     * A heartbeat while our allow with its sender waits for the ack of a session that sender has opened: left
     * unanswered (its sender tries again), where unallowed would make it drop that session and allow anew.
     */
    ALIVE_WHILE_ALLOWING("alive_while_allowing"),
    // Messages.
    UNEXPECTED_MESSAGE_PACKET("unexpected_message_packet"),
    /** A message from a remote without an open session (nacked). */
    MESSAGE_UNALLOWED("message_unallowed"),
    /** A new message while the application's inbox is full (unanswered: the sender retries). */
    INBOX_FULL("inbox_full"),
    /** A segment count above RoadLimits.maxSegmentCount. */
    SEGMENT_COUNT("segment_count"),
    BAD_SEGMENT("bad_segment"),
    /** A message length above RoadLimits.maxMessageSize, or a body larger than the codec takes. */
    MESSAGE_TOO_LARGE("message_too_large"),
    /** A segment count and message length that cannot belong together. */
    SEGMENT_COUNT_LENGTH("segment_count_length"),
    /** A new message beyond the incomplete messages allowed (per remote or in all). */
    INCOMPLETE_LIMIT("incomplete_limit"),
    INCOMPLETE_BYTES_LIMIT("incomplete_bytes_limit"),
    /** An incoming message not complete by its absolute deadline. */
    MESSAGE_DEADLINE("message_deadline"),
    MESSAGE_INCOMPLETE_TIMEOUT("message_incomplete_timeout"),
    INVALID_RESEND("invalid_resend"),
    MESSAGE_MALFORMED_HEAD("message_malformed_head"),
    MESSAGE_UNKNOWN_FIELD("message_unknown_field"),
    MESSAGE_BAD_LENGTH("message_bad_length"),
    MESSAGE_BAD_VERSION("message_bad_version"),
    MESSAGE_UNKNOWN_KIND("message_unknown_kind"),
    MESSAGE_BAD_FOOT("message_bad_foot"),
    MESSAGE_BAD_SIGNATURE("message_bad_signature"),
    MESSAGE_BAD_COAT("message_bad_coat"),
    MESSAGE_BAD_BODY("message_bad_body"),
    MESSAGE_BAD_SEGMENT("message_bad_segment"),
    MESSAGE_BAD_PAGE("message_bad_page");

    private final String key;

    DropReason(String key) {
        this.key = key;
    }

    /** The reason's name: the counter is {@code drop_<key>}. */
    public String key() {
        return key;
    }

    /** A datagram that does not parse, by the codec's reason. */
    public static DropReason parse(Reason reason) {
        return switch (reason) {
            case MALFORMED_HEAD -> PARSE_MALFORMED_HEAD;
            case UNKNOWN_FIELD -> PARSE_UNKNOWN_FIELD;
            case BAD_LENGTH -> PARSE_BAD_LENGTH;
            case BAD_VERSION -> PARSE_BAD_VERSION;
            case UNKNOWN_KIND -> PARSE_UNKNOWN_KIND;
            case BAD_FOOT -> PARSE_BAD_FOOT;
            case BAD_SIGNATURE -> PARSE_BAD_SIGNATURE;
            case BAD_COAT -> PARSE_BAD_COAT;
            case BAD_BODY -> PARSE_BAD_BODY;
            case TOO_LARGE -> PARSE_TOO_LARGE;
            case BAD_SEGMENT -> PARSE_BAD_SEGMENT;
            case BAD_PAGE -> PARSE_BAD_PAGE;
        };
    }

    /** A message whose coat or body does not open or decode, by the codec's reason. */
    public static DropReason messageBody(Reason reason) {
        return switch (reason) {
            case MALFORMED_HEAD -> MESSAGE_MALFORMED_HEAD;
            case UNKNOWN_FIELD -> MESSAGE_UNKNOWN_FIELD;
            case BAD_LENGTH -> MESSAGE_BAD_LENGTH;
            case BAD_VERSION -> MESSAGE_BAD_VERSION;
            case UNKNOWN_KIND -> MESSAGE_UNKNOWN_KIND;
            case BAD_FOOT -> MESSAGE_BAD_FOOT;
            case BAD_SIGNATURE -> MESSAGE_BAD_SIGNATURE;
            case BAD_COAT -> MESSAGE_BAD_COAT;
            case BAD_BODY -> MESSAGE_BAD_BODY;
            case TOO_LARGE -> MESSAGE_TOO_LARGE;
            case BAD_SEGMENT -> MESSAGE_BAD_SEGMENT;
            case BAD_PAGE -> MESSAGE_BAD_PAGE;
        };
    }
}
