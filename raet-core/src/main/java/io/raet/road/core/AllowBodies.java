package io.raet.road.core;

import io.raet.crypto.Entropy;
import io.raet.crypto.Sodium;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Fixed binary layouts of the allow handshake (§2, §7): sizes and field helpers. */
final class AllowBodies {
    static final int HELLO_SIZE = 200;
    static final int COOKIE_SIZE = 104;
    static final int COOKIE_STUFF_SIZE = 64;
    static final int INITIATE_SIZE = 328;
    static final int INITIATE_STUFF_SIZE = 232;
    static final int FQDN_SIZE = 128;
    static final byte[] HELLO_PLAIN = "0".repeat(64).getBytes(StandardCharsets.US_ASCII);

    private AllowBodies() {}

    static byte[] nonce(Entropy entropy) {
        return entropy.bytes(Sodium.BOX_NONCE_BYTES);
    }

    static void putUint32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static long getUint32(byte[] b, int off) {
        return ((b[off] & 0xffL) << 24) | ((b[off + 1] & 0xffL) << 16) | ((b[off + 2] & 0xffL) << 8)
                | (b[off + 3] & 0xffL);
    }

    /** The fqdn field: ASCII, right-padded with spaces and cut to 128 bytes. */
    static byte[] fqdnField(String fqdn) {
        byte[] out = new byte[FQDN_SIZE];
        Arrays.fill(out, (byte) ' ');
        byte[] text = fqdn.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, out, 0, Math.min(text.length, FQDN_SIZE));
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static byte[] slice(byte[] b, int off, int len) {
        return Arrays.copyOfRange(b, off, off + len);
    }
}
