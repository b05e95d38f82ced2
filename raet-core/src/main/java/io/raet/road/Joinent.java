package io.raet.road;

import io.raet.codec.Body;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.keep.Acceptance;
import java.net.InetSocketAddress;

/** Correspondent of a join (§6.4): accepts or refuses the joiner's keys and gives it its id. */
final class Joinent extends Transaction {
    private final boolean vacuous;
    /** The remote was created for this join and is forgotten if the join never completes. */
    private boolean provisional;
    private boolean pended;
    private byte[] response;

    private Joinent(RoadEngine engine, Remote remote, boolean vacuous) {
        super(engine, remote, TransactionKind.JOIN, true);
        this.vacuous = vacuous;
        this.bk = engine.bodyKind();
        this.ck = CoatKind.NADA;
        this.fk = FootKind.NADA;
    }

    static void start(RoadEngine engine, Remote candidate, ParsedPacket packet, TxKey key, InetSocketAddress src,
            long now) {
        RoadHead h = packet.head();
        boolean vacuous = h.de() == 0;
        JoinBody d = JoinBody.receive(engine, packet, false);
        if (d == null) {
            return;
        }
        Remote remote = candidate;
        if (vacuous) {
            Remote named = engine.remote(d.name());
            if (named != null) {
                remote = named;
            }
        }
        Joinent j = new Joinent(engine, remote, vacuous);
        j.correspond(h, key, src);

        // Concurrent joins on the same remote (§6.4 step 2).
        if (engine.isAdded(remote)) {
            if (engine.find(remote, Joinent.class) != null) {
                j.sendEmpty(PacketKind.REFUSE);
                return;
            }
            Joiner local = engine.find(remote, Joiner.class);
            if (local != null) {
                boolean refuseIncoming;
                if (!vacuous && local.vacuous()) {
                    refuseIncoming = false;
                } else if (vacuous && !local.vacuous()) {
                    refuseIncoming = true;
                } else {
                    refuseIncoming = Names.compare(engine.local.name, d.name()) < 0;
                }
                if (refuseIncoming) {
                    j.sendEmpty(PacketKind.REFUSE);
                    return;
                }
                local.remove();
            }
        }

        if (vacuous) {
            if (!engine.local.main) {
                j.sendEmpty(PacketKind.REJECT);
                engine.drop("vacuous_join_to_non_main");
                return;
            }
            if (!engine.isAdded(remote)) {
                remote.name = d.name();
                remote.fuid = h.se();
                remote.ha = src;
                d.adopt(remote);
            }
        }
        boolean sameRoleKeys = d.sameRoleKeys(remote);
        boolean sameAll = sameRoleKeys && d.name().equals(remote.name) && src.equals(remote.ha)
                && h.se() == remote.fuid && d.main() == remote.main && d.kind() == remote.kind;
        if (!sameAll && !engine.config.mutable()) {
            j.sendEmpty(PacketKind.REJECT);
            engine.drop("join_credentials_changed");
            return;
        }
        Acceptance status = engine.store.statusRole(d.role(), d.verifyKey(), d.publicKey(), engine.config.auto());
        if (status == Acceptance.REJECTED) {
            if (sameRoleKeys && engine.isAdded(remote)) {
                engine.removeRemote(remote, true);
            } else {
                j.sendEmpty(PacketKind.REJECT);
            }
            engine.drop("join_rejected");
            return;
        }
        if (!engine.isAdded(remote)) {
            if (engine.remote(d.name()) != null) {
                j.sendEmpty(PacketKind.REJECT);
                return;
            }
            engine.addRemote(remote);
            j.provisional = true;
        } else if (!sameAll) {
            if (!d.name().equals(remote.name)) {
                Remote other = engine.remote(d.name());
                if (other != null && other != remote) {
                    j.sendEmpty(PacketKind.REJECT);
                    return;
                }
                engine.renameRemote(remote, d.name());
            }
            engine.moveRemote(remote, src);
            remote.fuid = h.se();
            d.adopt(remote);
        }
        remote.acceptance = status;
        if (vacuous) {
            engine.joinees.put(src, remote);
        }
        engine.addTransaction(j);
        remote.joined = null;
        if (status == Acceptance.ACCEPTED) {
            j.respond();
        } else {
            engine.store.saveRemote(remote);
            j.sendEmpty(PacketKind.PEND);
            j.pended = true;
        }
        j.startTimers(now, RoadEngine.seconds(engine.config.joinentTimeout()), j.pended ? 60.0 : 0.1);
    }

    private void respond() {
        try {
            response = send(head(PacketKind.RESPONSE), Body.encode(bk, JoinBody.of(engine.local, remote.uid)));
        } catch (PacketException e) {
            engine.stats.inc("pack_error");
        }
    }

    @Override
    void receive(ParsedPacket packet, InetSocketAddress src, long now) {
        switch (packet.head().pk()) {
            case REQUEST -> engine.drop("duplicate_join_request");
            case ACK -> {
                if (pended) {
                    engine.drop("ack_while_pending");
                    return;
                }
                acknowledged(now);
            }
            case PEND -> {
                pended = true;
                redoInterval = RoadEngine.nanos(60);
                setRedo(now + redoInterval);
            }
            case NACK, REFUSE -> end();
            case REJECT -> {
                end();
                engine.removeRemote(remote, true);
            }
            default -> engine.drop("unexpected_join_packet");
        }
    }

    /**
     * A packet signed with the key the joiner presented shows that it accepted our response, even when its ack
     * was lost: the join is complete.
     */
    void acknowledgedBySignedTraffic(long now) {
        if (!pended && response != null) {
            engine.stats.inc("join_completed_by_traffic");
            acknowledged(now);
        }
    }

    private void acknowledged(long now) {
        engine.recordJoin(remote, vacuous);
        end();
        engine.emit(new RoadEvent.Joined(remote.name, remote.ha));
        if (!remote.pending.isEmpty()) {
            engine.allow(remote, now, false);
        }
    }

    private void end() {
        remove();
        if (vacuous) {
            engine.joinees.remove(to, remote);
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
                respond();
                redoInterval = RoadEngine.nanos(0.1);
            } else if (status == Acceptance.REJECTED) {
                sendEmpty(PacketKind.REJECT);
                end();
                return;
            }
            setRedo(now + redoInterval);
            return;
        }
        engine.resend(response, to);
        backoff(now, 0.1, 2.0);
    }

    @Override
    void timeout(long now) {
        sendEmpty(PacketKind.NACK);
        end();
        if (provisional && remote.joined == null && remote.transactions.isEmpty()) {
            // Nothing ever came back from the joiner: do not keep a remote per unanswered request.
            engine.removeRemote(remote, true);
        }
    }
}
