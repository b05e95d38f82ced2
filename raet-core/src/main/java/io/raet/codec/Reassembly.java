package io.raet.codec;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Collects the segments of one segmented message by segment number and joins them into the message coat.
 *
 * <p>Memory grows with the segments actually received, not with the announced count. A message is complete when
 * all {@code sc} segments are present; with {@code sc > 1} the joined length must equal {@code ml}, and the running
 * total may never exceed {@code ml} (nor {@link RoadCodec#MAX_MESSAGE_SIZE}). With {@code sc = 1} the reference
 * ignores {@code ml}, and so does this class.
 */
public final class Reassembly {
    /** Most numbers {@link #missing(int, int)} lists. */
    public static final int MAX_LISTED = 1 << 16;

    private final int sc;
    private final int ml;
    private final Map<Integer, byte[]> segments = new HashMap<>();
    private long total;
    private int highest;

    /**
     * A reassembly for a message of {@code sc} segments and {@code ml} coat bytes (from its first segment).
     *
     * @param sc the segment count
     * @param ml the coat length
     */
    public Reassembly(int sc, int ml) {
        this.sc = sc;
        this.ml = ml;
    }

    /**
     * The reassembly for the message that {@code first} (any of its segments) belongs to.
     *
     * @param first any segment of the message
     * @return the reassembly
     */
    public static Reassembly of(RoadHead first) {
        return new Reassembly(first.sc(), first.ml());
    }

    /** {@return the segment count} */
    public int sc() {
        return sc;
    }

    /** {@return the length of the whole coat} */
    public int ml() {
        return ml;
    }

    /**
     * Stores segment {@code sn} (copying {@code buf[off, off+len)}).
     *
     * @param sn the segment number
     * @param buf the array holding the segment
     * @param off its first byte
     * @param len its length
     * @return true when the segment was new, false for a duplicate (which is ignored)
     * @throws PacketException {@link Reason#BAD_SEGMENT} when {@code sn} is outside {@code [0, sc)}, the counts are
     *     impossible, or the data would exceed {@code ml} or {@link RoadCodec#MAX_MESSAGE_SIZE}
     */
    public boolean add(int sn, byte[] buf, int off, int len) throws PacketException {
        Body.checkRange(buf, off, len);
        if (sc < 1) {
            throw new PacketException(Reason.BAD_SEGMENT, "segment count " + sc);
        }
        if (ml < 0 || ml > RoadCodec.MAX_MESSAGE_SIZE) {
            throw new PacketException(Reason.BAD_SEGMENT, "message length " + ml + " outside [0, "
                    + RoadCodec.MAX_MESSAGE_SIZE + "]");
        }
        if (sn < 0 || sn >= sc) {
            throw new PacketException(Reason.BAD_SEGMENT, "segment number " + sn + " not below segment count " + sc);
        }
        if (segments.containsKey(sn)) {
            return false;
        }
        long newTotal = total + len;
        if (newTotal > RoadCodec.MAX_MESSAGE_SIZE || (sc > 1 && newTotal > ml)) {
            throw new PacketException(Reason.BAD_SEGMENT,
                    "segments add up to " + newTotal + " bytes, more than the message length " + ml);
        }
        segments.put(sn, Arrays.copyOfRange(buf, off, off + len));
        total = newTotal;
        if (sn > highest) {
            highest = sn;
        }
        return true;
    }

    /**
     * Same as {@link #add(int, byte[], int, int)}, also checking that the segment announces this message's count.
     *
     * @param sn the segment number
     * @param segmentCount the segment count the segment announces
     * @param buf the array holding the segment
     * @param off its first byte
     * @param len its length
     * @return true when the segment was new
     * @throws PacketException {@link Reason#BAD_SEGMENT} as {@link #add(int, byte[], int, int)}, or when the count
     *     differs
     */
    public boolean add(int sn, int segmentCount, byte[] buf, int off, int len) throws PacketException {
        if (segmentCount != sc) {
            throw new PacketException(Reason.BAD_SEGMENT,
                    "segment announces count " + segmentCount + ", the message has " + sc);
        }
        return add(sn, buf, off, len);
    }

    /**
     * Adds the coat of a parsed segment, checking its {@code sc} and {@code ml} against this message.
     *
     * @param segment the parsed segment
     * @return true when the segment was new
     * @throws PacketException {@link Reason#BAD_SEGMENT} when it does not belong to this message
     */
    public boolean add(ParsedPacket segment) throws PacketException {
        RoadHead h = segment.head();
        if (sc > 1 && h.ml() != ml) {
            throw new PacketException(Reason.BAD_SEGMENT,
                    "segment announces message length " + h.ml() + ", the message has " + ml);
        }
        return add(h.sn(), h.sc(), segment.buffer(), segment.coatOffset(), segment.coatLength());
    }

    /** {@return true when every segment is present} */
    public boolean complete() {
        return sc >= 1 && segments.size() == sc;
    }

    /** {@return the highest segment number received (0 before any)} */
    public int highest() {
        return highest;
    }

    /** {@return number of distinct segments received} */
    public int received() {
        return segments.size();
    }

    /**
     * {@return whether segment {@code sn} is present}
     *
     * @param sn the segment number
     */
    public boolean has(int sn) {
        return segments.containsKey(sn);
    }

    /**
     * {@return the first {@value #MAX_LISTED} missing segment numbers in {@code [from, toExclusive)}, clipped to {@code
     * [0, sc)}, ascending}
     *
     * @param from the first segment number asked
     * @param toExclusive the end of the range
     */
    public int[] missing(int from, int toExclusive) {
        return missing(from, toExclusive, MAX_LISTED);
    }

    /**
     * {@return at most {@code max} of the missing segment numbers in {@code [from, toExclusive)}, ascending} Memory and
     * time grow with what is returned and with the segments held, never with {@code sc} or the width of the range.
     *
     * @param from the first segment number asked
     * @param toExclusive the end of the range
     * @param max the most numbers returned
     */
    public int[] missing(int from, int toExclusive, int max) {
        int lo = Math.max(0, from);
        int hi = Math.min(sc, toExclusive);
        if (hi <= lo || max <= 0) {
            return new int[0];
        }
        int[] out = new int[(int) Math.min(Math.min(max, 64), (long) hi - lo)];
        int n = 0;
        for (int i = lo; i < hi && n < max; i++) {
            if (!segments.containsKey(i)) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min((long) max, 2L * out.length));
                }
                out[n++] = i;
            }
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    /** {@return bytes of segment data held} */
    public long bytes() {
        return total;
    }

    /**
     * {@return the joined coat}
     *
     * @throws PacketException {@link Reason#BAD_SEGMENT} when segments are missing or (for {@code sc > 1}) the
     *     joined length is not {@code ml}
     */
    public byte[] coat() throws PacketException {
        if (!complete()) {
            throw new PacketException(Reason.BAD_SEGMENT,
                    "message incomplete: " + segments.size() + " of " + sc + " segments");
        }
        if (sc > 1 && total != ml) {
            throw new PacketException(Reason.BAD_SEGMENT,
                    "joined segments are " + total + " bytes, the message length is " + ml);
        }
        byte[] out = new byte[(int) total];
        int pos = 0;
        for (int i = 0; i < sc; i++) {
            byte[] s = segments.get(i);
            System.arraycopy(s, 0, out, pos, s.length);
            pos += s.length;
        }
        return out;
    }
}
