package io.raet.lane.core;

import io.raet.util.Counters;

/**
 * Why a lane yard dropped a received page or message (or, for {@link #INVALID_DESTINATION}, refused a send to an
 * unknown yard); each is reported under its {@link #key()} in {@link LaneEngine#stats()}, and as
 * {@code raet.lane.drops{reason=<key>}} by the metrics.
 */
public enum LaneDrop implements Counters.Named {
    /** The page's head does not parse, or its page count is beyond {@link LaneEngine#MAX_PAGE_COUNT}. */
    INVALID_PAGE_HEADER("invalid_page_header"),
    /** The page is for another yard ({@code dn}); or a send named an unknown yard. */
    INVALID_DESTINATION("invalid_destination"),
    /** The sender's socket path does not match the yard it names, or is someone else's. */
    INVALID_SOURCE_YARD("invalid_source_yard"),
    /** An unknown yard not admitted ({@code accept} off and not on the allow-list). */
    UNACCEPTED_SOURCE_YARD("unaccepted_source_yard"),
    /** A new yard beyond {@link LaneEngine#MAX_ADMITTED_YARDS}. */
    YARD_CAPACITY("yard_capacity"),
    /** The body does not decode. */
    INVALID_BODY("invalid_body"),
    /** A page of a book whose page 0 was not seen. */
    MISSED_PAGE("missed_page"),
    DUPLICATE_PAGE("duplicate_page"),
    /** A page that does not fit its book. */
    INVALID_PAGE("invalid_page"),
    /** An incomplete book dropped to keep the partial books within their bounds. */
    BOOK_EVICTED("book_evicted"),
    /** An incomplete book of an older session of its yard. */
    STALE_BOOK("stale_book"),
    /** An incomplete book that got no page for the book timeout. */
    BOOK_EXPIRED("book_expired"),
    /** A datagram larger than a page. */
    OVERSIZE_PAGE("oversize_page");

    private final String key;

    LaneDrop(String key) {
        this.key = key;
    }

    @Override
    public String key() {
        return key;
    }
}
