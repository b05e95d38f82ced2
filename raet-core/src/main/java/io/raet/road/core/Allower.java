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

/** Initiator of the allow handshake (§7): hello, initiate, final ack; opens a session with new short-term keys. */
final class Allower extends Transaction {
    private final boolean cascade;
    private byte[] last;
    private byte[] initiate;
    private SharedKey shortToLong;

    private Allower(Peer peer, boolean cascade) {
        super(peer, TransactionKind.ALLOW, false);
        this.cascade = cascade;
        this.bk = BodyKind.RAW;
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NACL;
    }

    static void start(Peer peer, long now, boolean cascade) {
        TxContext ctx = peer.ctx;
        Remote remote = peer.remote;
        Allower a = new Allower(peer, cascade);
        peer.allowWanted = false;
        a.initiate(remote.sid());
        peer.shortKeys = BoxKeyPair.generate(ctx.entropy());
        peer.shortShared = null;
        peer.allowed = null;
        a.shortToLong = peer.shortKeys.sharedKey(remote.publicKey());
        byte[] n1 = AllowBodies.nonce(ctx.entropy());
        byte[] cipher = a.shortToLong.seal(AllowBodies.HELLO_PLAIN, n1);
        byte[] body = concat(AllowBodies.HELLO_PLAIN, peer.shortKeys.publicKey().bytes(), cipher, n1);
        ctx.start(a);
        a.last = a.send(a.head(PacketKind.HELLO), body);
        a.startTimers(now, seconds(ctx.config().allowTimeout()), 0.25);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case COOKIE -> cookie(packet);
            case ACK -> allowed(now);
            case NACK, REFUSE -> fail("refused");
            case REJECT -> {
                peer.allowed = false;
                fail("rejected");
            }
            case UNJOINED -> {
                // The remote lost our join (or its last ack): join again, then allow (cascade). The allow is
                // not reported failed; a failed join is.
                remote.joined(false);
                remove();
                peer.join(now, true);
            }
            default -> ctx.drop(DropReason.UNEXPECTED_ALLOW_PACKET);
        }
    }

    private void cookie(ParsedPacket packet) {
        if (initiate != null) {
            resend(initiate);
            return;
        }
        byte[] body = packet.coat();
        if (body.length != AllowBodies.COOKIE_SIZE) {
            reject(DropReason.ALLOW_COOKIE_SIZE, "cookie of " + body.length + " bytes");
            return;
        }
        byte[] stuff;
        try {
            stuff = shortToLong.open(body, 0, 80, body, 80);
        } catch (CryptoException e) {
            reject(DropReason.ALLOW_COOKIE_DOES_NOT_OPEN, "cookie does not open");
            return;
        }
        if (stuff.length != AllowBodies.COOKIE_STUFF_SIZE || AllowBodies.getUint32(stuff, 32) != remote.fuid()
                || AllowBodies.getUint32(stuff, 36) != remote.uid()) {
            reject(DropReason.ALLOW_COOKIE_IDS_DO_NOT_MATCH, "cookie ids do not match");
            return;
        }
        PublicKey peerShort = PublicKey.of(stuff, 0);
        byte[] oreo = slice(stuff, 40, 24);
        peer.peerShortKey = peerShort;
        byte[] shortPub = peer.shortKeys.publicKey().bytes();
        byte[] n3 = AllowBodies.nonce(ctx.entropy());
        byte[] vouch = peer.longShared(ctx.local().boxKeys).seal(shortPub, n3);
        byte[] inner = concat(ctx.local().boxKeys.publicKey().bytes(), vouch, n3,
                AllowBodies.fqdnField(remote.fqdn()));
        byte[] n4 = AllowBodies.nonce(ctx.entropy());
        peer.shortShared = peer.shortKeys.sharedKey(peerShort);
        byte[] cipher = peer.shortShared.seal(inner, n4);
        initiate = send(head(PacketKind.INITIATE), concat(shortPub, oreo, cipher, n4));
        last = initiate;
    }

    private void reject(DropReason drop, String reason) {
        ctx.drop(drop);
        sendEmpty(PacketKind.REJECT);
        peer.allowed = false;
        fail(reason);
    }

    private void allowed(long now) {
        if (initiate == null || peer.peerShortKey == null) {
            ctx.drop(DropReason.ACK_BEFORE_INITIATE);
            return;
        }
        sendEmpty(PacketKind.ACK);
        remove();
        if (peer.rebaseSession) {
            // The remote lost our state: its session starts again, which this authenticated allow may now allow.
            peer.rebaseSession = false;
            peer.rebaseCorrespondentSession(0, null);
        }
        peer.openSession(now);
        peer.flushPending(now);
        if (cascade) {
            peer.alive(now, false);
        }
    }

    private void fail(String reason) {
        remove();
        ctx.emit(new RoadEvent.AllowFailed(remoteLabel(), reason));
        peer.resolveAlive("allow failed: " + reason);
    }

    @Override
    void redo(long now) {
        resend(last);
        backoff(now, 0.25, 1.0);
    }

    @Override
    void timeout(long now) {
        fail("timeout");
    }
}
