package io.raet.adversary;

import io.raet.crypto.SigningKey;
import io.raet.road.RoadStack;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A peer that joined and allowed with the target like anyone may (a real stack of the suite, through a {@link Tap}),
 * sent one message, and left: what remains is what an attacker keeps, its ids and session as the target knows them
 * and its own signing key, enough to sign hand-made packets the target accepts as that peer's.
 *
 * @param se the peer's id for the target (the {@code se} of its packets)
 * @param de the target's id for the peer (the {@code de} of its packets)
 * @param si the peer's session id
 * @param ti the last transaction id the peer used
 */
record Foothold(Tap tap, long se, long de, long si, long ti, SigningKey signer) implements AutoCloseable {

    static Foothold take(InetSocketAddress target, String name) throws Exception {
        Tap tap = new Tap(target);
        RoadStack peer = Context.estate(name, name).build();
        Tap.Seen m;
        try {
            String remote = Context.connect(peer, tap.front());
            peer.send(remote, Map.of("hello", name)).get(Context.HANDSHAKE.toMillis(), TimeUnit.MILLISECONDS);
            m = tap.last(s -> s.toTarget() && s.head() != null && s.head().tk() == Wire.TK_MESSAGE
                    && s.head().pk() == Wire.MESSAGE && (s.head().fg() & Wire.CF) == 0);
        } finally {
            tap.cut();
            peer.close();
            tap.stopRecording();
        }
        if (m == null) {
            tap.close();
            throw new IllegalStateException("no message of " + name + " passed the tap");
        }
        Wire.Head h = m.head();
        return new Foothold(tap, h.se(), h.de(), h.si(), h.ti(), peer.signingKey());
    }

    /** One signed segment of this peer's session with transaction id {@code ti}. */
    byte[] segment(long ti, long sn, long sc, long ml, byte[] coat, boolean wf) {
        return Wire.segment(se, de, si, ti, sn, sc, ml, coat, wf, signer);
    }

    void inject(byte[] packet) throws java.io.IOException {
        tap.inject(packet);
    }

    @Override
    public void close() {
        tap.close();
    }
}
