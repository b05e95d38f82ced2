package io.raet.adversary;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A relay on the path between a stack of the suite (a peer) and the target: the peer talks to {@link #front()},
 * the target sees every packet come from {@link #outer()}. It records what passes, can stop forwarding, and
 * injects packets toward the target from the peer's address as the target knows it, so an attacker that joined
 * and allowed with a real stack can go on with hand-made packets, and an observer can capture a peer's traffic.
 */
final class Tap implements AutoCloseable {
    /** A packet that passed, in either direction. */
    record Seen(boolean toTarget, byte[] data, Wire.Head head) {}

    private final DatagramSocket front;
    private final DatagramSocket outer;
    private final InetSocketAddress target;
    private volatile InetSocketAddress peer;
    private volatile boolean forwarding = true;
    private volatile boolean recording = true;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final AtomicLong toTargetPackets = new AtomicLong();
    private final AtomicLong toTargetBytes = new AtomicLong();
    private final AtomicLong fromTargetPackets = new AtomicLong();
    private final AtomicLong fromTargetBytes = new AtomicLong();
    private final Thread[] threads = new Thread[2];
    private volatile java.util.function.Consumer<Wire.Head> watcher;
    private volatile Predicate<Wire.Head> delayed = h -> false;
    private volatile long delayMillis;

    Tap(InetSocketAddress target) throws SocketException {
        this.target = target;
        InetAddress lo = InetAddress.getLoopbackAddress();
        this.front = new DatagramSocket(new InetSocketAddress(lo, 0));
        this.outer = new DatagramSocket(new InetSocketAddress(lo, 0));
        front.setReceiveBufferSize(4 << 20);
        outer.setReceiveBufferSize(4 << 20);
        threads[0] = Thread.ofPlatform().daemon().name("tap-front").start(this::fromPeer);
        threads[1] = Thread.ofPlatform().daemon().name("tap-outer").start(this::fromTarget);
    }

    /** Where the peer sends: the target as the peer knows it. */
    InetSocketAddress front() {
        return (InetSocketAddress) front.getLocalSocketAddress();
    }

    /** The peer's address as the target knows it. */
    InetSocketAddress outer() {
        return (InetSocketAddress) outer.getLocalSocketAddress();
    }

    /** Stops relaying in both directions (counting and recording go on). */
    void cut() {
        forwarding = false;
    }

    /** Hands the head of every later packet from the target to {@code w} (on the tap's thread). */
    void watch(java.util.function.Consumer<Wire.Head> w) {
        this.watcher = w;
    }

    /** Holds back each packet from the peer whose head matches {@code which} for {@code millis} (a slow peer). */
    void delayToTarget(Predicate<Wire.Head> which, long millis) {
        this.delayMillis = millis;
        this.delayed = which;
    }

    /** Stops recording packets (counting goes on). */
    void stopRecording() {
        recording = false;
    }

    /** Sends {@code data} to the target from the peer's address. */
    void inject(byte[] data) throws IOException {
        outer.send(new DatagramPacket(data, data.length, target));
        toTargetPackets.incrementAndGet();
        toTargetBytes.addAndGet(data.length);
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    /** The last recorded packet matching {@code p}, or null. */
    Seen last(Predicate<Seen> p) {
        List<Seen> all = seen();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (p.test(all.get(i))) {
                return all.get(i);
            }
        }
        return null;
    }

    long toTargetPackets() {
        return toTargetPackets.get();
    }

    long toTargetBytes() {
        return toTargetBytes.get();
    }

    long fromTargetPackets() {
        return fromTargetPackets.get();
    }

    long fromTargetBytes() {
        return fromTargetBytes.get();
    }

    /** Receives on {@code socket} until it is closed, handing each datagram (a copy) and its source to {@code h}. */
    private static void serve(DatagramSocket socket, java.util.function.BiConsumer<byte[], InetSocketAddress> h) {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                return;
            }
            h.accept(Arrays.copyOf(p.getData(), p.getLength()), (InetSocketAddress) p.getSocketAddress());
        }
    }

    private void fromPeer() {
        serve(front, (data, from) -> {
            peer = from;
            record(true, data);
            if (!forwarding) {
                return;
            }
            Wire.Head h = Wire.read(data, data.length);
            if (h != null && delayed.test(h)) {
                long ms = delayMillis;
                Thread.ofVirtual().start(() -> {
                    try {
                        Thread.sleep(ms);
                        inject(data);
                    } catch (IOException | InterruptedException e) {
                        // dropped
                    }
                });
                return;
            }
            try {
                inject(data);
            } catch (IOException e) {
                // the target's queue is full: dropped like any datagram
            }
        });
    }

    private void fromTarget() {
        serve(outer, (data, from) -> {
            fromTargetPackets.incrementAndGet();
            fromTargetBytes.addAndGet(data.length);
            record(false, data);
            java.util.function.Consumer<Wire.Head> w = watcher;
            if (w != null) {
                Wire.Head h = Wire.read(data, data.length);
                if (h != null) {
                    w.accept(h);
                }
            }
            InetSocketAddress to = peer;
            if (forwarding && to != null) {
                try {
                    front.send(new DatagramPacket(data, data.length, to));
                } catch (IOException e) {
                    // dropped
                }
            }
        });
    }

    private void record(boolean toTarget, byte[] data) {
        if (recording) {
            seen.add(new Seen(toTarget, data, Wire.read(data, data.length)));
        }
    }

    @Override
    public void close() {
        front.close();
        outer.close();
    }
}
