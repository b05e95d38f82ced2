package io.raet.adversary;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Joins made by hand from one UDP socket: a request claiming any name, role and public keys (a join needs no
 * private key), and the acknowledgement that completes it. Whatever else the target sends to this socket is kept
 * for the attack to inspect (a victim's traffic arriving here means its address was taken over).
 */
final class JoinClient implements AutoCloseable {
    /** The answer to a join request. */
    record Answer(int pk, long targetUid) {
        boolean accepted() {
            return pk == Wire.RESPONSE;
        }

        String kind() {
            return switch (pk) {
                case Wire.RESPONSE -> "accepted";
                case Wire.PEND -> "pend";
                case Wire.REJECT -> "reject";
                case Wire.REFUSE -> "refuse";
                case Wire.RENEW -> "renew";
                case Wire.NACK -> "nack";
                case -1 -> "no answer";
                default -> "pk " + pk;
            };
        }
    }

    static final Answer NONE = new Answer(-1, 0);

    private final DatagramSocket socket;
    private final InetSocketAddress target;
    private final List<byte[]> other = new ArrayList<>();

    JoinClient(InetAddress bind, InetSocketAddress target) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        this.target = target;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Sends a raw packet to the target from this socket. */
    void send(byte[] packet) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, target));
    }

    /**
     * A vacuous join ({@code de = 0}) as {@code name}; waits up to {@code wait} for the answer and, when it is an
     * acceptance and {@code ack}, completes the join.
     */
    Answer join(long se, long ti, String name, boolean main, String verhex, String pubhex, String role,
            Duration wait, boolean ack) throws IOException {
        send(Wire.joinRequest(se, 0, ti, name, main, verhex, pubhex, role));
        long end = System.nanoTime() + wait.toNanos();
        byte[] buf = new byte[4096];
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return NONE;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return NONE;
            }
            Wire.Head h = Wire.read(p.getData(), p.getLength());
            if (h == null || h.tk() != Wire.TK_JOIN || h.ti() != ti) {
                other.add(Arrays.copyOf(p.getData(), p.getLength()));
                continue;
            }
            if (h.pk() == Wire.RESPONSE && ack) {
                send(Wire.joinAck(se, 0, ti));
            }
            return new Answer(h.pk(), h.se());
        }
    }

    /** Sends a join request and does not wait (half-open). */
    void request(long se, long ti, String name, String verhex, String pubhex, String role) throws IOException {
        send(Wire.joinRequest(se, 0, ti, name, false, verhex, pubhex, role));
    }

    /** Reads what arrives for {@code d}; returns every packet received since the socket opened that was not a join answer. */
    List<byte[]> collect(Duration d) throws IOException {
        long end = System.nanoTime() + d.toNanos();
        byte[] buf = new byte[4096];
        while (true) {
            long left = (end - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                break;
            }
            socket.setSoTimeout((int) Math.max(1, left));
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                break;
            }
            Wire.Head h = Wire.read(p.getData(), p.getLength());
            if (h == null || h.tk() != Wire.TK_JOIN) {
                other.add(Arrays.copyOf(p.getData(), p.getLength()));
            }
        }
        return List.copyOf(other);
    }

    @Override
    public void close() {
        socket.close();
    }
}
