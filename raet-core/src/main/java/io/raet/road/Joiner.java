package io.raet.road;

import io.raet.codec.Body;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import io.raet.keep.Acceptance;
import java.net.InetSocketAddress;

/** Initiator of a join (§6): sends our long-term keys, learns the remote's and the id it gives us. */
final class Joiner extends Transaction {
    private final boolean cascade;
    private final boolean renewal;
    private final boolean vacuous;
    private boolean pended;
    private byte[] request;

    private Joiner(RoadEngine engine, Remote remote, boolean cascade, boolean renewal) {
        super(engine, remote, TransactionKind.JOIN, false);
        this.cascade = cascade;
        this.renewal = renewal;
        this.vacuous = remote.fuid == 0;
        this.bk = engine.bodyKind();
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NADA;
    }

    static void start(RoadEngine engine, Remote remote, long now, boolean cascade, boolean renewal) {
        Joiner j = new Joiner(engine, remote, cascade, renewal);
        j.initiate(0);
        byte[] body;
        try {
            body = Body.encode(j.bk, JoinBody.of(engine.local, 0));
        } catch (PacketException e) {
            engine.stats.inc("pack_error");
            return;
        }
        engine.addTransaction(j);
        j.request = j.send(j.head(PacketKind.REQUEST), body);
        j.startTimers(now, RoadEngine.seconds(engine.config.joinerTimeout()), 1.0);
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case RESPONSE -> accept(packet, src, now);
            case PEND -> pend(now);
            case NACK, REFUSE -> fail("refused");
            case REJECT -> {
                fail("rejected");
                engine.removeRemote(remote, true);
            }
            case RENEW -> {
                if (engine.config.mutable()) {
                    remove();
                    remote.fuid = 0;
                    engine.store.saveRemote(remote);
                    Joiner.start(engine, remote, now, cascade, true);
                } else {
                    fail("refused (renew on an immutable road)");
                }
            }
            default -> engine.drop("unexpected_join_packet");
        }
    }

    private void pend(long now) {
        pended = true;
        redoInterval = RoadEngine.nanos(60);
        setRedo(now + redoInterval);
    }

    private void fail(String reason) {
        remove();
        engine.emit(new RoadEvent.JoinFailed(remote.name, remote.ha, reason));
    }

    private void accept(ParsedPacket packet, InetSocketAddress src, long now) {
        if (pended) {
            return;
        }
        JoinBody d = JoinBody.receive(engine, packet, true);
        if (d == null) {
            return;
        }
        if (vacuous) {
            remote.fuid = d.uid();
            if (!renewal) {
                if (!takeName(d.name())) {
                    return;
                }
                d.adopt(remote);
            }
        }
        boolean sameRoleKeys = d.sameRoleKeys(remote);
        boolean sameAll = sameRoleKeys && d.name().equals(remote.name) && src.equals(remote.ha)
                && d.uid() == remote.fuid && d.main() == remote.main && d.kind() == remote.kind;
        if (!sameAll && !engine.config.mutable()) {
            sendEmpty(PacketKind.REJECT);
            fail("remote credentials changed on an immutable road");
            return;
        }
        Acceptance status = engine.store.statusRole(d.role(), d.verifyKey(), d.publicKey(), engine.config.auto());
        if (status == Acceptance.REJECTED) {
            if (sameRoleKeys) {
                engine.emit(new RoadEvent.JoinFailed(remote.name, remote.ha, "keys rejected"));
                engine.removeRemote(remote, true);
            } else {
                sendEmpty(PacketKind.REJECT);
                fail("keys rejected");
            }
            return;
        }
        if (!sameAll) {
            if (!takeName(d.name())) {
                return;
            }
            remote.fuid = d.uid();
            d.adopt(remote);
        }
        remote.acceptance = status;
        if (status == Acceptance.PENDING) {
            engine.store.saveRemote(remote);
            sendEmpty(PacketKind.PEND);
            pend(now);
            return;
        }
        complete(now);
    }

    /** Renames the remote to the name it answered with; rejects the join when another remote has that name. */
    private boolean takeName(String name) {
        if (!name.equals(remote.name)) {
            Remote other = engine.remote(name);
            if (other != null && other != remote) {
                sendEmpty(PacketKind.REJECT);
                fail("name " + name + " already used by another remote");
                return false;
            }
            engine.renameRemote(remote, name);
        }
        return true;
    }

    private void complete(long now) {
        engine.recordJoin(remote, vacuous);
        sendEmpty(PacketKind.ACK);
        remove();
        engine.emit(new RoadEvent.Joined(remote.name, remote.ha));
        if (cascade || !remote.pending.isEmpty()) {
            engine.allow(remote, now, cascade);
        }
    }

    @Override
    void redo(long now) {
        if (pended) {
            Acceptance status = engine.store.statusRole(remote.role, remote.verifyKey, remote.publicKey,
                    engine.config.auto());
            if (status == Acceptance.ACCEPTED) {
                remote.acceptance = status;
                pended = false;
                complete(now);
            } else if (status == Acceptance.REJECTED) {
                sendEmpty(PacketKind.REJECT);
                fail("keys rejected");
            } else {
                setRedo(now + redoInterval);
            }
            return;
        }
        engine.resend(request, to);
        backoff(now, 1.0, 4.0);
    }

    @Override
    void timeout(long now) {
        fail("timeout");
    }

    boolean vacuous() {
        return vacuous;
    }
}
