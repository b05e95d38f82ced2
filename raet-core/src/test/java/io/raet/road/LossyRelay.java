package io.raet.road;

import io.raet.codec.PacketException;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.function.Predicate;

/**
 * Relays one client's datagrams (whoever sends to {@link #address()}) to a server and back on loopback, dropping
 * the road packets the predicates pick, each seeing the packets' heads in order: {@code up} the client's,
 * {@code down} the server's.
 */
public final class LossyRelay implements AutoCloseable {
    private final DatagramSocket socket;
    private volatile InetSocketAddress client;

    /** Drops the client's packets {@code up} picks; all of the server's go through. */
    public LossyRelay(InetSocketAddress server, Predicate<RoadHead> up) throws SocketException {
        this(server, up, h -> false);
    }

    public LossyRelay(InetSocketAddress server, Predicate<RoadHead> up, Predicate<RoadHead> down)
            throws SocketException {
        this.socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        Thread.ofPlatform().daemon(true).name("lossy-relay").start(() -> {
            byte[] buf = new byte[65536];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                    boolean fromServer = from.equals(server);
                    if (!fromServer) {
                        client = from;
                    }
                    InetSocketAddress to = fromServer ? client : server;
                    RoadHead h = RoadCodec.parse(p.getData(), 0, p.getLength()).head();
                    if (to != null && !(fromServer ? down : up).test(h)) {
                        socket.send(new DatagramPacket(p.getData(), p.getLength(), to));
                    }
                } catch (IOException | PacketException e) {
                    // closed, or not a packet: nothing to relay
                }
            }
        });
    }

    /** {@return where the client sends} */
    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
    }
}
