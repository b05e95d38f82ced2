package io.raet.road;

import static io.raet.road.AllowBodies.concat;
import static io.raet.road.AllowBodies.slice;

import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.CryptoException;
import io.raet.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.util.Arrays;

/** Correspondent of the allow handshake (§7): cookie, then ack once the initiate checks out. */
final class Allowent extends Transaction {
    private byte[] last;
    private byte[] oreo;
    private boolean acked;

    private Allowent(RoadEngine engine, Remote remote) {
        super(engine, remote, TransactionKind.ALLOW, true);
        this.bk = BodyKind.RAW;
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NACL;
    }

    static void start(RoadEngine engine, Remote remote, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now) {
        if (!src.equals(remote.ha) && engine.config.mutable() && remote.isJoined()) {
            // The hello is signed by the remote's long-term key: it moved (restart on a new port, new address).
            engine.moveRemote(remote, src);
            engine.stats.inc("remote_moved");
        }
        Allowent a = new Allowent(engine, remote);
        a.correspond(packet.head(), key, src);
        a.to = remote.ha;
        if (engine.find(remote, Joiner.class) != null || engine.find(remote, Joinent.class) != null
                || engine.find(remote, Allowent.class) != null) {
            a.sendEmpty(PacketKind.REFUSE);
            return;
        }
        Allower local = engine.find(remote, Allower.class);
        if (local != null) {
            if (Names.compare(engine.local.name, remote.name) < 0) {
                a.sendEmpty(PacketKind.REFUSE);
                return;
            }
            local.remove();
        }
        if (!remote.isJoined()) {
            a.sendEmpty(PacketKind.UNJOINED);
            return;
        }
        byte[] body = packet.coat();
        if (body.length != AllowBodies.HELLO_SIZE) {
            a.refuseWith(PacketKind.REJECT, "hello_size");
            return;
        }
        PublicKey peerShort = PublicKey.of(body, 64);
        byte[] plain;
        io.raet.crypto.SharedKey longToShort;
        try {
            longToShort = engine.local.boxKeys.sharedKey(peerShort);
            plain = longToShort.open(body, 96, 80, body, 176);
        } catch (CryptoException e) {
            a.refuseWith(PacketKind.REJECT, "hello_box");
            return;
        }
        if (!Arrays.equals(plain, 0, plain.length, body, 0, 64)) {
            a.refuseWith(PacketKind.REJECT, "hello_plain");
            return;
        }
        remote.shortKeys = BoxKeyPair.generate();
        remote.shortShared = null;
        remote.peerShortKey = peerShort;
        remote.allowed = null;
        a.oreo = AllowBodies.nonce();
        byte[] stuff = new byte[AllowBodies.COOKIE_STUFF_SIZE];
        System.arraycopy(remote.shortKeys.publicKey().bytes(), 0, stuff, 0, 32);
        AllowBodies.putUint32(stuff, 32, remote.uid);
        AllowBodies.putUint32(stuff, 36, remote.fuid);
        System.arraycopy(a.oreo, 0, stuff, 40, 24);
        byte[] n2 = AllowBodies.nonce();
        byte[] cipher = longToShort.seal(stuff, n2);
        engine.addTransaction(a);
        a.last = a.send(a.head(PacketKind.COOKIE), concat(cipher, n2));
        a.startTimers(now, RoadEngine.seconds(engine.config.allowTimeout()), 0.25);
    }

    private void refuseWith(PacketKind kind, String reason) {
        engine.drop("allow_" + reason);
        sendEmpty(kind);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case HELLO -> engine.drop("duplicate_hello");
            case INITIATE -> initiate(packet, now);
            case ACK -> {
                remove();
                engine.flushPending(remote, now);
            }
            case NACK, REFUSE -> {
                remove();
                if (acked) {
                    engine.flushPending(remote, now);
                }
            }
            case REJECT -> {
                remote.allowed = false;
                remove();
                engine.emit(new RoadEvent.AllowFailed(remoteLabel(), "rejected"));
            }
            default -> engine.drop("unexpected_allow_packet");
        }
    }

    private void initiate(ParsedPacket packet, long now) {
        if (acked) {
            engine.resend(last, to);
            return;
        }
        byte[] body = packet.coat();
        if (body.length != AllowBodies.INITIATE_SIZE) {
            fail("initiate_size");
            return;
        }
        if (!Arrays.equals(body, 0, 32, remote.peerShortKey.bytes(), 0, 32)
                || !Arrays.equals(body, 32, 56, oreo, 0, 24)) {
            fail("initiate_cookie");
            return;
        }
        byte[] stuff;
        try {
            remote.shortShared = remote.shortKeys.sharedKey(remote.peerShortKey);
            stuff = remote.shortShared.open(body, 56, 248, body, 304);
        } catch (CryptoException e) {
            fail("initiate_box");
            return;
        }
        if (stuff.length != AllowBodies.INITIATE_STUFF_SIZE
                || !Arrays.equals(stuff, 0, 32, remote.publicKey.bytes(), 0, 32)) {
            fail("initiate_long_key");
            return;
        }
        byte[] vouched;
        try {
            vouched = remote.longShared(engine.local.boxKeys).open(stuff, 32, 48, stuff, 80);
        } catch (CryptoException e) {
            fail("initiate_vouch");
            return;
        }
        if (!Arrays.equals(vouched, remote.peerShortKey.bytes())) {
            fail("initiate_vouch");
            return;
        }
        String fqdn = new String(slice(stuff, 104, AllowBodies.FQDN_SIZE), java.nio.charset.StandardCharsets.US_ASCII)
                .stripTrailing();
        if (!fqdn.equals(engine.local.fqdn)) {
            engine.stats.inc("allow_fqdn_mismatch");
        }
        last = send(head(PacketKind.ACK), RoadEngine.EMPTY);
        acked = true;
        engine.openSession(remote);
    }

    private void fail(String reason) {
        refuseWith(PacketKind.REJECT, reason);
        remove();
        engine.emit(new RoadEvent.AllowFailed(remoteLabel(), reason));
    }

    @Override
    void redo(long now) {
        engine.resend(last, to);
        backoff(now, 0.25, 1.0);
    }

    @Override
    void timeout(long now) {
        if (!acked) {
            sendEmpty(PacketKind.REFUSE);
        }
        remove();
        if (acked) {
            engine.flushPending(remote, now);
        }
    }
}
