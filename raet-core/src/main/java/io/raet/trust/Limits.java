package io.raet.trust;

/** Bounds on what the trust plane reads; anything beyond is refused before it is kept. */
public final class Limits {
    /** Governors named in a genesis. */
    public static final int MAX_GOVERNORS = 64;
    /** Rules in one policy table. */
    public static final int MAX_RULES = 10_000;
    /** Key acceptances in one version. */
    public static final int MAX_ACCEPTANCES = 10_000;
    /** Characters of a rule's glob, a note or a trust domain id. */
    public static final int MAX_TEXT = 1024;
    /** Bytes of one document (a genesis, a version, a proposal, a ledger) read from a file or a message. */
    public static final int MAX_DOCUMENT_BYTES = 8 << 20;
    /** Versions served or taken in one catch-up. */
    public static final int MAX_CATCH_UP = 1000;

    private Limits() {}
}
