package io.raet.lane.core;

/**
 * A remote yard as a lane engine knows it: name, socket path, the session id this side sends to it, the last book
 * id used and the last session id received from it.
 */
public final class LaneYard {
    static final long MAX_BID = 0xffffffffL;

    private final String name;
    private final String ha;
    private final String sid;
    private long bid;
    private String rsid;
    /** When something was last received from, sent to or queued for this yard (for the idle timeout). */
    long lastActive;

    LaneYard(String name, String ha, String sid) {
        this.name = name;
        this.ha = ha;
        this.sid = sid;
    }

    public String name() {
        return name;
    }

    /** Socket path. */
    public String ha() {
        return ha;
    }

    /** Session id sent in pages to this yard. */
    public String sid() {
        return sid;
    }

    /** Last book id sent (0 before the first). */
    public long bid() {
        return bid;
    }

    /** Last session id received from this yard, or null. */
    public String rsid() {
        return rsid;
    }

    void rsid(String v) {
        rsid = v;
    }

    void bid(long v) {
        bid = v;
    }

    long nextBid() {
        bid = bid >= MAX_BID ? 1 : bid + 1;
        return bid;
    }

    @Override
    public String toString() {
        return "LaneYard[" + name + " at " + ha + "]";
    }
}
