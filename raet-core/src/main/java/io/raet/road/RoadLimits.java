package io.raet.road;

import io.raet.codec.RoadCodec;
import java.time.Duration;

/**
 * The bounds a road engine keeps whatever its peers send: sizes and counts read from the wire, memory held for
 * incoming messages, the application inbox, outgoing queues, and how much it sends in answer to a peer. Each bound
 * has a counter (in {@link RoadStack#stats()}) that goes up when it is hit and a defined behaviour when it is.
 *
 * @param maxMessageSize largest message coat (bytes) received or sent. An incoming message announcing more
 *     ({@code ml}) is refused with one nack and counted {@code drop_message_too_large}; {@link RoadStack#send}
 *     refuses a larger body. It also gives the largest segment count, {@link #maxSegmentCount()}.
 * @param maxIncompletePerRemote incoming messages of one remote being reassembled at once. A new message beyond
 *     is not admitted: its packet is dropped unanswered, counted {@code drop_incomplete_limit}, and the sender's
 *     retries get it in once there is room.
 * @param maxIncompleteBytesPerRemote bytes held for one remote's incoming messages being reassembled (segment
 *     data plus {@value #SEGMENT_OVERHEAD} bytes per segment). A segment that would go beyond ends its message
 *     with a nack (the first segment of a new message is dropped unanswered instead), counted
 *     {@code drop_incomplete_bytes_limit}. At least {@code maxMessageSize}.
 * @param maxIncomplete incoming messages being reassembled, all remotes together. When full, a message of the
 *     remote holding the most is ended with a nack to make room for a remote holding fewer (counted
 *     {@code incomplete_evicted}); otherwise the new message is dropped like one beyond the per-remote bound.
 * @param maxIncompleteBytes bytes held for incoming messages being reassembled, all remotes together; made room
 *     for like {@code maxIncomplete}, by bytes. At least {@code maxIncompleteBytesPerRemote}.
 * @param incompleteDeadline the longest an incoming message may take from its first segment: neither new
 *     segments nor repeated ones keep it open beyond (then it is nacked and dropped, counted
 *     {@code drop_message_deadline}). Within it, {@link RoadConfig#receiveTimeout()} still ends a message that
 *     receives nothing new for that long.
 * @param inboxMessages messages delivered to the application and not yet taken by {@link RoadStack#receive()}
 *     beyond which the stack stops accepting new messages (back pressure): their packets go unanswered, counted
 *     {@code drop_inbox_full}, so senders retry until the application reads again (or their timeout fails
 *     them). Messages already being received still complete, so the inbox may exceed this by at most
 *     {@code maxIncomplete}; a message answered done is never dropped.
 * @param inboxBytes bytes (encoded bodies) in the application inbox beyond which the stack stops accepting new
 *     messages, like {@code inboxMessages}.
 * @param maxOutgoingPerRemote messages to one remote being sent or waiting to be sent. {@link RoadStack#send}
 *     beyond fails its future with an {@link OutgoingLimitException} (counted {@code outgoing_limit}).
 * @param maxMissedPerRedo missing segments that one incoming message asks its sender for per redo interval
 *     (in resend requests of at most 64 numbers each, only segments below the
 *     highest one received), and one more for each new segment received (never more than this at once), so
 *     that a transfer recovers from loss as fast as its segments arrive while a peer that sends little gets
 *     little asked of it. When the gaps are wider the rest waits, counted {@code missed_requests_paced}.
 * @param answerFactor what the stack sends in answer to a remote (every packet of its correspondent
 *     transactions: join, allow and alive answers, message acks, resend requests, done and nacks) is at most this
 *     many times the bytes it received from that remote (QUIC's rule against amplification). Answers beyond are
 *     not sent, counted {@code answer_budget}.
 * @param answerCredit the most answer bytes a remote may have to its credit at once, so that a long quiet history
 *     cannot be spent in one burst.
 * @param resendFactor segments a message being sent re-sends because its receiver asks (resend requests and acks
 *     that ask for more than was sent) are at most this many times its segment count, plus one burst
 *     ({@value MessageOptions#DEFAULT_BURST}). Beyond, the message fails ("resend budget exhausted"), its
 *     receiver is nacked, counted {@code resend_budget}.
 */
public record RoadLimits(
        int maxMessageSize,
        int maxIncompletePerRemote,
        long maxIncompleteBytesPerRemote,
        int maxIncomplete,
        long maxIncompleteBytes,
        Duration incompleteDeadline,
        int inboxMessages,
        long inboxBytes,
        int maxOutgoingPerRemote,
        int maxMissedPerRedo,
        int answerFactor,
        long answerCredit,
        int resendFactor) {

    /** Memory counted for each held segment on top of its data (map entry, array header). */
    public static final int SEGMENT_OVERHEAD = 64;
    /**
     * Bytes a segment carries on average at least: {@link #maxSegmentCount()} is {@code maxMessageSize} divided by
     * this. A sender with 1024-byte packets puts at least ~670 bytes in every segment but the last.
     */
    public static final int MIN_SEGMENT_BYTES = 512;
    /** The reference's largest segment count. */
    public static final int MAX_SEGMENT_COUNT = 0xffff;

    private static final int MIB = 1024 * 1024;

    /**
     * Checks every bound.
     *
     * @throws IllegalArgumentException when a bound is out of range
     */
    public RoadLimits {
        if (maxMessageSize < 1 || maxMessageSize > RoadCodec.MAX_MESSAGE_SIZE) {
            throw new IllegalArgumentException("maxMessageSize must be in [1, " + RoadCodec.MAX_MESSAGE_SIZE + "]");
        }
        positive("maxIncompletePerRemote", maxIncompletePerRemote);
        positive("maxIncomplete", maxIncomplete);
        positive("inboxMessages", inboxMessages);
        positive("inboxBytes", inboxBytes);
        positive("maxOutgoingPerRemote", maxOutgoingPerRemote);
        positive("maxMissedPerRedo", maxMissedPerRedo);
        positive("answerFactor", answerFactor);
        positive("resendFactor", resendFactor);
        if (maxIncompleteBytesPerRemote < maxMessageSize) {
            throw new IllegalArgumentException("maxIncompleteBytesPerRemote must be at least maxMessageSize");
        }
        if (maxIncompleteBytes < maxIncompleteBytesPerRemote) {
            throw new IllegalArgumentException("maxIncompleteBytes must be at least maxIncompleteBytesPerRemote");
        }
        if (maxIncomplete < maxIncompletePerRemote) {
            throw new IllegalArgumentException("maxIncomplete must be at least maxIncompletePerRemote");
        }
        if (incompleteDeadline == null || incompleteDeadline.isNegative() || incompleteDeadline.isZero()) {
            throw new IllegalArgumentException("incompleteDeadline must be positive");
        }
        if (answerCredit < RoadCodec.MAX_PACKET_SIZE) {
            throw new IllegalArgumentException("answerCredit must be at least " + RoadCodec.MAX_PACKET_SIZE);
        }
    }

    private static void positive(String name, long v) {
        if (v < 1) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }

    /**
     * Defaults: 16 MiB messages; 256 incomplete messages and 32 MiB per remote, 4,096 and 64 MiB in all, none open
     * longer than 2 minutes; an inbox of 4,096 messages or 32 MiB; 4,096 outgoing messages per remote; 256 missing
     * segments asked for per redo; answers of at most 3× what was received (64 KiB of credit at most); re-sent
     * segments at most twice a message's segment count.
     *
     * @return the defaults
     */
    public static RoadLimits defaults() {
        return new RoadLimits(16 * MIB, 256, 32L * MIB, 4096, 64L * MIB, Duration.ofMinutes(2), 4096, 32L * MIB,
                4096, 256, 3, 64 * 1024, 2);
    }

    /** {@return the largest segment count accepted: {@code ceil(maxMessageSize / 512)}, at most 65,535} */
    public int maxSegmentCount() {
        long n = ((long) maxMessageSize + MIN_SEGMENT_BYTES - 1) / MIN_SEGMENT_BYTES;
        return (int) Math.min(MAX_SEGMENT_COUNT, Math.max(1, n));
    }

    /**
     * Largest message; the incomplete-message byte bounds grow to hold at least one such message.
     *
     * @param bytes the largest message
     * @return these limits with another largest message
     */
    public RoadLimits withMaxMessageSize(int bytes) {
        return new RoadLimits(bytes, maxIncompletePerRemote, Math.max(bytes, maxIncompleteBytesPerRemote),
                maxIncomplete, Math.max(bytes, maxIncompleteBytes), incompleteDeadline, inboxMessages, inboxBytes,
                maxOutgoingPerRemote, maxMissedPerRedo, answerFactor, answerCredit, resendFactor);
    }

    /**
     * Incoming messages being reassembled: per remote and in all, by count and by bytes.
     *
     * @param perRemote incomplete messages per remote
     * @param bytesPerRemote their bytes per remote
     * @param total incomplete messages in all
     * @param totalBytes their bytes in all
     * @return these limits with other bounds on incomplete messages
     */
    public RoadLimits withIncomplete(int perRemote, long bytesPerRemote, int total, long totalBytes) {
        return new RoadLimits(maxMessageSize, perRemote, bytesPerRemote, total, totalBytes, incompleteDeadline,
                inboxMessages, inboxBytes, maxOutgoingPerRemote, maxMissedPerRedo, answerFactor, answerCredit,
                resendFactor);
    }

    /**
     * {@return these limits with another deadline: an incomplete message open longer is dropped}
     *
     * @param d the longest time a message may stay incomplete
     */
    public RoadLimits withIncompleteDeadline(Duration d) {
        return new RoadLimits(maxMessageSize, maxIncompletePerRemote, maxIncompleteBytesPerRemote, maxIncomplete,
                maxIncompleteBytes, d, inboxMessages, inboxBytes, maxOutgoingPerRemote, maxMissedPerRedo,
                answerFactor, answerCredit, resendFactor);
    }

    /**
     * The application inbox: messages and bytes beyond which the stack stops accepting new messages.
     *
     * @param messages messages held at most
     * @param bytes bytes held at most
     * @return these limits with another inbox
     */
    public RoadLimits withInbox(int messages, long bytes) {
        return new RoadLimits(maxMessageSize, maxIncompletePerRemote, maxIncompleteBytesPerRemote, maxIncomplete,
                maxIncompleteBytes, incompleteDeadline, messages, bytes, maxOutgoingPerRemote, maxMissedPerRedo,
                answerFactor, answerCredit, resendFactor);
    }

    /**
     * {@return these limits with another bound on outgoing messages per remote}
     *
     * @param messages messages being sent or waiting per remote
     */
    public RoadLimits withMaxOutgoingPerRemote(int messages) {
        return new RoadLimits(maxMessageSize, maxIncompletePerRemote, maxIncompleteBytesPerRemote, maxIncomplete,
                maxIncompleteBytes, incompleteDeadline, inboxMessages, inboxBytes, messages, maxMissedPerRedo,
                answerFactor, answerCredit, resendFactor);
    }

    /**
     * {@return these limits with another bound on the missing segments asked for in one redo}
     *
     * @param segments segments at most
     */
    public RoadLimits withMaxMissedPerRedo(int segments) {
        return new RoadLimits(maxMessageSize, maxIncompletePerRemote, maxIncompleteBytesPerRemote, maxIncomplete,
                maxIncompleteBytes, incompleteDeadline, inboxMessages, inboxBytes, maxOutgoingPerRemote, segments,
                answerFactor, answerCredit, resendFactor);
    }

    /**
     * Answers to a remote: at most {@code factor} times what it sent, with at most {@code credit} bytes saved.
     *
     * @param factor the most answered per byte received
     * @param credit the most bytes saved
     * @return these limits with other answer bounds
     */
    public RoadLimits withAnswers(int factor, long credit) {
        return new RoadLimits(maxMessageSize, maxIncompletePerRemote, maxIncompleteBytesPerRemote, maxIncomplete,
                maxIncompleteBytes, incompleteDeadline, inboxMessages, inboxBytes, maxOutgoingPerRemote,
                maxMissedPerRedo, factor, credit, resendFactor);
    }

    /**
     * {@return these limits with another bound on re-sent segments}
     *
     * @param factor re-sent segments at most, in multiples of a message's segment count
     */
    public RoadLimits withResendFactor(int factor) {
        return new RoadLimits(maxMessageSize, maxIncompletePerRemote, maxIncompleteBytesPerRemote, maxIncomplete,
                maxIncompleteBytes, incompleteDeadline, inboxMessages, inboxBytes, maxOutgoingPerRemote,
                maxMissedPerRedo, answerFactor, answerCredit, factor);
    }
}
