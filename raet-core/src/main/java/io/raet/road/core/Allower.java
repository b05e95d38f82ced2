package io.raet.road.core;

import static io.raet.road.core.AllowBodies.concat;
import static io.raet.road.core.AllowBodies.slice;

import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.CryptoException;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SharedKey;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;

/**
 * Initiator of the allow handshake (§7): hello, initiate, final ack; opens a session with new short-term keys. A
 * renewal (forward secrecy) runs while the session it replaces stays open: messages keep arriving in it, and when it
 * fails the session stays. The short-term secret and the keys derived from it are wiped when the allow ends.
 */
final class Allower extends Transaction {
    private final boolean cascade;
    private final boolean renewal;
    private byte[] last;
    private byte[] initiate;
    private BoxKeyPair shortKeys;
    private SharedKey shortToLong;
    private boolean opened;

    private Allower(Peer peer, boolean cascade, boolean renewal) {
        super(peer, TransactionKind.ALLOW, false);
        this.cascade = cascade;
        this.renewal = renewal;
        this.bk = BodyKind.RAW;
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NACL;
    }

    static void start(Peer peer, long now, boolean cascade) {
        start(peer, now, cascade, false);
    }

    /** @param renewal the allow renews the open session, which stays open meanwhile */
    static void start(Peer peer, long now, boolean cascade, boolean renewal) {
        TxContext ctx = peer.ctx;
        Remote remote = peer.remote;
        Allower a = new Allower(peer, cascade, renewal);
        peer.allowWanted = false;
        a.initiate(remote.sid());
        if (peer.shortKeys != null) {
            peer.shortKeys.destroy();
        }
        a.shortKeys = BoxKeyPair.generate(ctx.entropy());
        peer.shortKeys = a.shortKeys;
        peer.shortShared = null;
        if (!renewal) {
            peer.allowed = null;
        }
        a.shortToLong = a.shortKeys.sharedKey(remote.publicKey());
        byte[] n1 = AllowBodies.nonce(ctx.entropy());
        byte[] cipher = a.shortToLong.seal(AllowBodies.HELLO_PLAIN, n1);
        byte[] body = concat(AllowBodies.HELLO_PLAIN, peer.shortKeys.publicKey().bytes(), cipher, n1);
        ctx.start(a);
        a.last = a.send(a.head(PacketKind.HELLO), body);
        a.startTimers(now, seconds(ctx.config().allowTimeout()), 0.25);
    }

    /** Whether the initiate went: the remote may have opened the session, and acks it. */
    boolean initiated() {
        return initiate != null;
    }

    /** Whether this allow renews an open session, which stays open while it runs. */
    boolean renewal() {
        return renewal;
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case COOKIE -> cookie(packet, now);
            case ACK -> allowed(now);
            case NACK, REFUSE -> fail("refused", now);
            case REJECT -> {
                peer.allowed = false;
                fail("rejected", now);
            }
            case UNJOINED -> {
                // The remote lost our join (or its last ack): join again, then allow (cascade). The allow is
                // not reported failed; a failed join is.
                if (renewal) {
                    peer.allowed = null; // the session went with the remote's state
                    peer.renewalDue = false;
                }
                remote.joined(false);
                remove();
                peer.join(now, true);
            }
            default -> ctx.drop(DropReason.UNEXPECTED_ALLOW_PACKET);
        }
    }

    private void cookie(ParsedPacket packet, long now) {
        if (initiate != null) {
            resend(initiate);
            return;
        }
        byte[] body = packet.coat();
        if (body.length != AllowBodies.COOKIE_SIZE) {
            reject(DropReason.ALLOW_COOKIE_SIZE, "cookie of " + body.length + " bytes", now);
            return;
        }
        byte[] stuff;
        try {
            stuff = shortToLong.open(body, 0, 80, body, 80);
        } catch (CryptoException e) {
            reject(DropReason.ALLOW_COOKIE_DOES_NOT_OPEN, "cookie does not open", now);
            return;
        }
        if (stuff.length != AllowBodies.COOKIE_STUFF_SIZE || AllowBodies.getUint32(stuff, 32) != remote.fuid()
                || AllowBodies.getUint32(stuff, 36) != remote.uid()) {
            reject(DropReason.ALLOW_COOKIE_IDS_DO_NOT_MATCH, "cookie ids do not match", now);
            return;
        }
        PublicKey peerShort = PublicKey.of(stuff, 0);
        byte[] oreo = slice(stuff, 40, 24);
        peer.peerShortKey = peerShort;
        byte[] shortPub = shortKeys.publicKey().bytes();
        byte[] n3 = AllowBodies.nonce(ctx.entropy());
        byte[] vouch = peer.longShared(ctx.local().boxKeys).seal(shortPub, n3);
        byte[] inner = concat(ctx.local().boxKeys.publicKey().bytes(), vouch, n3,
                AllowBodies.fqdnField(remote.fqdn()));
        byte[] n4 = AllowBodies.nonce(ctx.entropy());
        peer.shortShared = shortKeys.sharedKey(peerShort);
        byte[] cipher = peer.shortShared.seal(inner, n4);
        initiate = send(head(PacketKind.INITIATE), concat(shortPub, oreo, cipher, n4));
        last = initiate;
        // The remote opens its session when it acks this initiate, and re-sends that ack for as long as an allow may
        // take: from here on we wait as long, so that we never give up on a session the remote has opened (in a
        // renewal that would leave the two sides on different session keys).
        startTimers(now, seconds(ctx.config().allowTimeout()), 0.25);
    }

    private void reject(DropReason drop, String reason, long now) {
        ctx.drop(drop);
        sendEmpty(PacketKind.REJECT);
        peer.allowed = false;
        fail(reason, now);
    }

    private void allowed(long now) {
        if (initiate == null || peer.peerShortKey == null) {
            ctx.drop(DropReason.ACK_BEFORE_INITIATE);
            return;
        }
        sendEmpty(PacketKind.ACK);
        opened = true;
        remove();
        if (peer.rebaseSession) {
            // The remote lost our state: its session starts again, which this authenticated allow may now allow.
            peer.rebaseSession = false;
            peer.rebaseCorrespondentSession(0, null);
        }
        peer.openSession(now, true);
        peer.flushPending(now);
        if (cascade) {
            peer.alive(now, false);
        }
    }

    private void fail(String reason, long now) {
        remove();
        if (renewal && peer.isAllowed()) {
            peer.renewalFailed(now); // the session stays: nothing failed that the application sees
            return;
        }
        peer.renewalDue = false;
        ctx.emit(new RoadEvent.AllowFailed(remoteLabel(), reason));
        peer.resolveAlive("allow failed: " + reason);
    }

    /** The short-term secret and what was derived from it go; the session key stays when the allow opened one. */
    @Override
    void ended() {
        shortToLong.destroy();
        shortKeys.destroy();
        if (peer.shortKeys == shortKeys) {
            peer.shortKeys = null;
        }
        if (!opened && peer.shortShared != null && peer.shortShared != peer.sessionKey) {
            peer.shortShared.destroy();
            peer.shortShared = null;
        }
    }

    @Override
    void redo(long now) {
        resend(last);
        backoff(now, 0.25, 1.0);
    }

    @Override
    void timeout(long now) {
        fail("timeout", now);
    }
}
