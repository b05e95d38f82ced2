package io.raet.codec;

import java.util.Arrays;

/** A lane page that passed {@link LaneCodec#parse}: its head and where its body (section) lies in the buffer. */
public final class ParsedPage {
    private final LaneHead head;
    private final byte[] buffer;
    private final int bodyOffset;
    private final int bodyLength;
    private final int headLength;

    ParsedPage(LaneHead head, byte[] buffer, int headLength, int bodyOffset, int bodyLength) {
        this.head = head;
        this.buffer = buffer;
        this.headLength = headLength;
        this.bodyOffset = bodyOffset;
        this.bodyLength = bodyLength;
    }

    /** {@return the page's head} */
    public LaneHead head() {
        return head;
    }

    /** {@return the buffer the page was parsed from (not copied)} */
    public byte[] buffer() {
        return buffer;
    }

    /** {@return length of the head, terminator included} */
    public int headLength() {
        return headLength;
    }

    /** {@return absolute offset of the body (or body section) in {@link #buffer()}} */
    public int bodyOffset() {
        return bodyOffset;
    }

    /** {@return the length of the body section} */
    public int bodyLength() {
        return bodyLength;
    }

    /** {@return a copy of the body (or body section)} */
    public byte[] body() {
        return Arrays.copyOfRange(buffer, bodyOffset, bodyOffset + bodyLength);
    }

    @Override
    public String toString() {
        return "ParsedPage[" + head + ", body " + bodyLength + " bytes]";
    }
}
