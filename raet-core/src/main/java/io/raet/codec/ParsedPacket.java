package io.raet.codec;

import io.raet.crypto.VerifyKey;
import java.util.Arrays;

/**
 * A road datagram that passed the outer parse of {@link RoadCodec#parse}: its head and the location of its coat and
 * foot inside the buffer it was parsed from. The buffer is referenced, not copied.
 */
public final class ParsedPacket {
    private final RoadHead head;
    private final byte[] buffer;
    private final int offset;
    private final int length;
    private final int coatOffset;
    private final int coatLength;

    ParsedPacket(RoadHead head, byte[] buffer, int offset, int length, int coatOffset, int coatLength) {
        this.head = head;
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.coatOffset = coatOffset;
        this.coatLength = coatLength;
    }

    /** {@return the parsed head (mutable; callers that change it should work on a {@link RoadHead#copy()})} */
    public RoadHead head() {
        return head;
    }

    /** {@return the buffer the packet was parsed from} */
    public byte[] buffer() {
        return buffer;
    }

    /** {@return offset of the datagram in {@link #buffer()}} */
    public int offset() {
        return offset;
    }

    /** {@return length of the whole datagram ({@code pl})} */
    public int length() {
        return length;
    }

    /** {@return absolute offset of the coat in {@link #buffer()}} */
    public int coatOffset() {
        return coatOffset;
    }

    /** {@return length of the coat: {@code pl − hl − fl}} */
    public int coatLength() {
        return coatLength;
    }

    /** {@return a copy of the coat} */
    public byte[] coat() {
        return Arrays.copyOfRange(buffer, coatOffset, coatOffset + coatLength);
    }

    /** {@return a copy of the whole datagram} */
    public byte[] bytes() {
        return Arrays.copyOfRange(buffer, offset, offset + length);
    }

    /** {@return true when the packet carries a NaCl foot ({@code fk = 1})} */
    public boolean signed() {
        return head.fk() == FootKind.NACL;
    }

    /**
     * Checks the Ed25519 foot over {@code head ‖ coat ‖ 64 zero bytes} with {@code key} (the long-term verify key
     * of the remote whose id is {@code de}). False when the packet is not signed, the key is null or the signature
     * does not verify.
     *
     * @param key the remote's verify key
     * @return whether the foot verifies
     */
    public boolean verify(VerifyKey key) {
        if (!signed() || key == null) {
            return false;
        }
        int sigOff = offset + length - RoadCodec.SIGNATURE_SIZE;
        byte[] msg = Arrays.copyOfRange(buffer, offset, offset + length);
        Arrays.fill(msg, length - RoadCodec.SIGNATURE_SIZE, length, (byte) 0);
        return key.verify(buffer, sigOff, msg, 0, msg.length);
    }

    @Override
    public String toString() {
        return "ParsedPacket[" + head + ", coat " + coatLength + " bytes]";
    }
}
