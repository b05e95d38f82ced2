package io.raet.road.core;

import io.raet.codec.ParsedPacket;
import io.raet.codec.TransactionKind;
import io.raet.keep.RoadKeep;
import java.net.InetSocketAddress;
import java.util.Map;

/**
 * What tests of the driver ({@code io.raet.road}) may do inside a live stack's engine, on its owner thread (through
 * {@code RoadStack.inspect}): look at what the core keeps to itself, and plant faults.
 */
public final class Probes {
    private Probes() {}

    /** Every regular file of the keep, by relative path, with its content. */
    public static Map<String, String> keepFiles(RoadKeep keep) {
        return IdentityTest.files(keep);
    }

    /** The ids the next message from {@code engine} to {@code remote} will carry: uid, fuid, sid, tid. */
    public static long[] nextMessageIds(RoadEngine engine, String remote) {
        Peer p = engine.peer(remote);
        Remote r = p.remote;
        return new long[] {r.uid(), r.fuid(), r.sid(), p.tid + 1};
    }

    /**
     * Puts a transaction in {@code engine} where the first packet of the message {@code remote} sends with these
     * ids ({@link #nextMessageIds} on its side) will land; handling that packet throws {@code error} (once).
     */
    public static void trapMessage(RoadEngine engine, String remote, long[] ids, Error error) {
        Transaction trap = new Transaction(engine.peer(remote), TransactionKind.MESSAGE, true) {
            @Override
            void receive(ParsedPacket packet, InetSocketAddress src, long now) {
                remove();
                throw error;
            }
        };
        trap.key = new TxKey(true, ids[1], ids[0], ids[2], ids[3]);
        trap.ctx.start(trap);
    }

    /**
     * A segment {@code from} can send to {@code target} with its keys and session (what a joined peer can make):
     * number {@code sn} of a fresh message announcing {@code sc} segments and {@code ml} bytes, a junk coat.
     */
    public static byte[] segment(RoadEngine from, String target, int sn, int sc, int ml, boolean wf, int coatBytes) {
        PeerForge f = new PeerForge(from, target);
        return f.segment(f.message().ti(), sn, sc, ml, wf, coatBytes);
    }
}
