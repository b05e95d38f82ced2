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
import io.raet.keep.Acceptance;
import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.util.Arrays;

/**
 * Correspondent of the allow handshake (§7): cookie, then ack once the initiate checks out.
 *
 * <p>Until the initiate checks out (it proves the remote's long-term keys and answers our fresh cookie, which no
 * replayed packet can) the remote is left as it is: its session, short-term keys and address. Then, and only then:
 * on a mutable road a remote that moved is followed to the hello's address and id, and what its last join asked to
 * change is applied; a remote that lost its state (a hello of an older session than its last) has its session
 * re-based to the hello's.
 */
final class Allowent extends Transaction {
    /** The endpoint: remote table and identities. */
    private final Admission admission;
    private final boolean rebasing;
    private byte[] last;
    private byte[] oreo;
    private boolean acked;
    /** The remote's id for us as the hello gave it (followed on a mutable road). */
    private long peerFuid;
    private BoxKeyPair shortKeys;
    private PublicKey peerShort;
    private SharedKey shortShared;

    private Allowent(Peer peer, boolean rebasing) {
        super(peer, TransactionKind.ALLOW, true);
        this.admission = peer.admission;
        this.rebasing = rebasing;
        this.bk = BodyKind.RAW;
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NACL;
    }

    /**
     * @param rebasing the hello is of an older session than the remote's last: the allow re-bases the remote's
     *     session when it completes, and gives way to any other handshake
     */
    static void start(Peer peer, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now, boolean rebasing) {
        TxContext ctx = peer.ctx;
        Remote remote = peer.remote;
        Allowent a = new Allowent(peer, rebasing);
        a.correspond(packet.head(), key, src);
        // The reference answers at the address it has on record; a mutable road answers where the hello came from
        // and moves the remote there once the handshake proves it (a restart on a new port, a new address).
        boolean follow = ctx.config().mutable() && remote.isJoined();
        a.to = follow ? src : remote.ha();
        a.peerFuid = follow ? packet.head().se() : remote.fuid();
        if (peer.joiner != null || peer.allowent != null || !remote.isJoined() && peer.joinent != null) {
            a.sendEmpty(PacketKind.REFUSE);
            return;
        }
        Allower local = peer.allower;
        if (local != null) {
            if (rebasing || Names.compare(ctx.local().name, remote.name()) < 0) {
                a.sendEmpty(PacketKind.REFUSE);
                return;
            }
        }
        if (!remote.isJoined()) {
            a.sendEmpty(PacketKind.UNJOINED);
            return;
        }
        byte[] body = packet.coat();
        if (body.length != AllowBodies.HELLO_SIZE) {
            a.refuseWith(PacketKind.REJECT, DropReason.ALLOW_HELLO_SIZE);
            return;
        }
        PublicKey peerShort = PublicKey.of(body, 64);
        byte[] plain;
        SharedKey longToShort = null;
        try {
            longToShort = ctx.local().boxKeys.sharedKey(peerShort);
            plain = longToShort.open(body, 96, 80, body, 176);
        } catch (CryptoException e) {
            if (longToShort != null) {
                longToShort.destroy();
            }
            a.refuseWith(PacketKind.REJECT, DropReason.ALLOW_HELLO_BOX);
            return;
        }
        if (!Arrays.equals(plain, 0, plain.length, body, 0, 64)) {
            longToShort.destroy();
            a.refuseWith(PacketKind.REJECT, DropReason.ALLOW_HELLO_PLAIN);
            return;
        }
        if (!rebasing && peer.holdRenewal(packet.head().ti(), now)) {
            longToShort.destroy();
            return; // our messages under way finish first; the remote's allow says hello again
        }
        if (local != null) {
            local.remove();
            // If this allow fails, ours starts again; a renewal does not: the session stays open meanwhile, and it
            // comes due again by itself (an allow started anew would be no renewal, and drop the session at once).
            peer.allowWanted = !local.renewal();
        }
        a.shortKeys = BoxKeyPair.generate(ctx.entropy());
        a.peerShort = peerShort;
        a.oreo = AllowBodies.nonce(ctx.entropy());
        byte[] stuff = new byte[AllowBodies.COOKIE_STUFF_SIZE];
        System.arraycopy(a.shortKeys.publicKey().bytes(), 0, stuff, 0, 32);
        AllowBodies.putUint32(stuff, 32, remote.uid());
        AllowBodies.putUint32(stuff, 36, a.peerFuid);
        System.arraycopy(a.oreo, 0, stuff, 40, 24);
        byte[] n2 = AllowBodies.nonce(ctx.entropy());
        byte[] cipher = longToShort.seal(stuff, n2);
        longToShort.destroy();
        peer.renewalHeld = false; // answered: new messages wait for the allow itself now
        ctx.start(a);
        a.last = a.send(a.head(PacketKind.COOKIE), concat(cipher, n2));
        a.startTimers(now, seconds(ctx.config().allowTimeout()), 0.25);
    }

    private void refuseWith(PacketKind kind, DropReason reason) {
        ctx.drop(reason);
        sendEmpty(kind);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case HELLO -> ctx.drop(DropReason.DUPLICATE_HELLO);
            case INITIATE -> initiate(packet, now);
            case ACK -> {
                remove();
                peer.flushPending(now);
            }
            case NACK, REFUSE -> ended(now);
            case REJECT -> {
                peer.allowed = false;
                remove();
                ctx.emit(new RoadEvent.AllowFailed(remoteLabel(), "rejected"));
                peer.resolveAlive("allow failed: rejected");
            }
            default -> ctx.drop(DropReason.UNEXPECTED_ALLOW_PACKET);
        }
    }

    private void initiate(ParsedPacket packet, long now) {
        if (acked) {
            resend(last);
            return;
        }
        byte[] body = packet.coat();
        if (body.length != AllowBodies.INITIATE_SIZE) {
            fail(DropReason.ALLOW_INITIATE_SIZE, now);
            return;
        }
        if (!Arrays.equals(body, 0, 32, peerShort.bytes(), 0, 32) || !Arrays.equals(body, 32, 56, oreo, 0, 24)) {
            fail(DropReason.ALLOW_INITIATE_COOKIE, now);
            return;
        }
        byte[] stuff;
        try {
            shortShared = shortKeys.sharedKey(peerShort);
            stuff = shortShared.open(body, 56, 248, body, 304);
        } catch (CryptoException e) {
            fail(DropReason.ALLOW_INITIATE_BOX, now);
            return;
        }
        if (stuff.length != AllowBodies.INITIATE_STUFF_SIZE
                || !Arrays.equals(stuff, 0, 32, remote.publicKey().bytes(), 0, 32)) {
            fail(DropReason.ALLOW_INITIATE_LONG_KEY, now);
            return;
        }
        byte[] vouched;
        try {
            vouched = peer.longShared(ctx.local().boxKeys).open(stuff, 32, 48, stuff, 80);
        } catch (CryptoException e) {
            fail(DropReason.ALLOW_INITIATE_VOUCH, now);
            return;
        }
        if (!Arrays.equals(vouched, peerShort.bytes())) {
            fail(DropReason.ALLOW_INITIATE_VOUCH, now);
            return;
        }
        String fqdn = new String(slice(stuff, 104, AllowBodies.FQDN_SIZE), java.nio.charset.StandardCharsets.US_ASCII)
                .stripTrailing();
        if (!fqdn.equals(ctx.local().fqdn)) {
            ctx.count(RoadCounter.ALLOW_FQDN_MISMATCH);
        }
        last = send(head(PacketKind.ACK), EMPTY);
        acked = true;
        // The remote proved its keys and answered our cookie: what it is now may take effect.
        if (rebasing) {
            peer.rebaseCorrespondentSession(si, this);
        }
        follow();
        peer.shortKeys = shortKeys;
        peer.peerShortKey = peerShort;
        peer.shortShared = shortShared;
        peer.openSession(now, false);
    }

    /** A mutable road follows an authenticated remote to its address and id, and applies its last join's asks. */
    private void follow() {
        Peer.JoinProposal p = peer.proposal;
        peer.proposal = null;
        if (!ctx.config().mutable()) {
            return;
        }
        if (!to.equals(remote.ha())) {
            admission.move(peer, to);
            ctx.count(RoadCounter.REMOTE_MOVED);
        }
        if (peerFuid != remote.fuid()) {
            remote.fuid(peerFuid);
            ctx.count(RoadCounter.REMOTE_ID_CHANGED);
        }
        if (p != null && p.ha().equals(to) && p.fuid() == peerFuid
                && (p.name().equals(remote.name()) || admission.peer(p.name()) == null)
                && admission.roleConflict(p.role(), remote.verifyKey(), remote.publicKey(), remote) == null) {
            admission.rename(peer, p.name());
            if (!p.role().equals(remote.role())) {
                remote.role(p.role());
                ctx.store().keepRole(p.role(), remote.verifyKey(), remote.publicKey(), Acceptance.ACCEPTED);
            }
            remote.main(p.main());
            remote.kind(p.kind());
            ctx.count(RoadCounter.JOIN_CHANGES_APPLIED);
        }
    }

    boolean acked() {
        return acked;
    }

    /** Short-term secrets of an allow that did not open a session are wiped (one that did handed them over). */
    @Override
    void ended() {
        if (!acked) {
            if (shortKeys != null) {
                shortKeys.destroy();
            }
            if (shortShared != null) {
                shortShared.destroy();
            }
        }
    }

    boolean rebasing() {
        return rebasing;
    }

    /** The initiator gave up (or we did): a session that opened stays; an allow wanted meanwhile starts now. */
    private void ended(long now) {
        remove();
        if (acked) {
            peer.flushPending(now);
        } else {
            peer.handshakeEnded(now);
        }
    }

    /** The initiate did not check out: refused, and reported as the drop reason without its {@code allow_}. */
    private void fail(DropReason drop, long now) {
        refuseWith(PacketKind.REJECT, drop);
        String reason = drop.key().substring("allow_".length());
        remove();
        ctx.emit(new RoadEvent.AllowFailed(remoteLabel(), reason));
        peer.resolveAlive("allow failed: " + reason);
        peer.handshakeEnded(now);
    }

    @Override
    void redo(long now) {
        resend(last);
        backoff(now, 0.25, 1.0);
    }

    @Override
    void timeout(long now) {
        if (!acked) {
            sendEmpty(PacketKind.REFUSE);
        }
        ended(now);
    }
}
