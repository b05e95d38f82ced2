package io.raet.codec;

/**
 * Splitting of a message coat into segments, as the reference's sender does it: the body is boxed once and the
 * resulting coat is cut into pieces of {@link #segmentSize} bytes (the last one shorter); segment {@code i} carries
 * {@code coat[i·segsize, min((i+1)·segsize, ml))} with {@code sn = i}, {@code sc}, {@code ml} and {@code sf} set, and
 * is signed on its own.
 */
public final class Segmentation {
    /** Upper bound of the head growth from the {@code sn sc ml} lines in a RAET head. */
    public static final int RAET_EXTRA = 27;
    /** Upper bound of the head growth from the {@code sn sc ml} members of a JSON head. */
    public static final int JSON_EXTRA = 36;

    private Segmentation() {}

    /**
     * {@return the reference's segment size {@code maxPacketSize − (headsize + extra + footsize)}, where {@code
     * headsize} is the size of the head of the unsegmented packet (this head with {@code sn = 0}, {@code sc = 1},
     * {@code ml = 0}), {@code extra} is {@value #RAET_EXTRA} for RAET heads and {@value #JSON_EXTRA} for JSON heads and
     * {@code footsize} follows {@code fk}} The field values are not checked; the result may be ≤ 0 for absurd inputs,
     * which callers must treat as an error.
     *
     * @param unsegmentedHead the head of the message as one packet
     * @param maxPacketSize the largest datagram
     */
    public static int segmentSize(RoadHead unsegmentedHead, int maxPacketSize) {
        RoadHead h = unsegmentedHead.copy().sn(0).sc(1).ml(0);
        int headsize = RoadCodec.headSize(h);
        int extra = h.hk() == HeadKind.JSON ? JSON_EXTRA : RAET_EXTRA;
        return maxPacketSize - (headsize + extra + RoadCodec.footSize(h.fk()));
    }

    /**
     * {@code ceil(coatLen / segsize)}.
     *
     * @param coatLen the length of the coat
     * @param segsize the segment size
     * @return the segment count
     */
    public static int segmentCount(int coatLen, int segsize) {
        if (segsize <= 0) {
            throw new IllegalArgumentException("segment size must be positive, not " + segsize);
        }
        return coatLen / segsize + (coatLen % segsize != 0 ? 1 : 0);
    }

    /**
     * {@return offset of segment {@code sn} in the message coat}
     *
     * @param sn the segment number
     * @param segsize the segment size
     */
    public static int segmentOffset(int sn, int segsize) {
        return Math.multiplyExact(sn, segsize);
    }

    /**
     * {@return length of segment {@code sn} of a coat of {@code coatLen} bytes}
     *
     * @param sn the segment number
     * @param segsize the segment size
     * @param coatLen the length of the coat
     */
    public static int segmentLength(int sn, int segsize, int coatLen) {
        long start = (long) sn * segsize;
        return (int) Math.max(0, Math.min((long) segsize, coatLen - start));
    }
}
