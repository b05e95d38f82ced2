package io.raet.road.core;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.SigningKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Packets an attacker builds from public data: join packets are neither signed nor encrypted, so anyone can claim
 * any name, role and keys in them.
 */
final class Forge {
    private Forge() {}

    /** A join request (vacuous when {@code de} is 0) claiming this identity. */
    static byte[] joinRequest(String name, String role, String verhex, String pubhex, boolean main, long se, long de,
            long ti) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("mode", main ? 1 : 0);
        body.put("kind", 0);
        body.put("verhex", verhex);
        body.put("pubhex", pubhex);
        body.put("role", role);
        try {
            RoadHead h = new RoadHead().pk(PacketKind.REQUEST).tk(TransactionKind.JOIN).se(se).de(de).ti(ti)
                    .bk(BodyKind.JSON);
            return RoadCodec.encode(h, Body.encode(BodyKind.JSON, body), null, 1024);
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    /** The joiner's final ack of a join (a vacuous join keeps {@code de} 0). */
    static byte[] joinAck(long se, long de, long ti) {
        return empty(new RoadHead().pk(PacketKind.ACK).tk(TransactionKind.JOIN).se(se).de(de).ti(ti)
                .bk(BodyKind.JSON), null);
    }

    /** A hello of an allow, signed with {@code signer} (not the key the remote is known by, for an impostor). */
    static byte[] signedHello(long se, long de, long si, long ti, SigningKey signer) {
        byte[] body = new byte[AllowBodies.HELLO_SIZE];
        return packet(new RoadHead().pk(PacketKind.HELLO).tk(TransactionKind.ALLOW).se(se).de(de).si(si).ti(ti)
                .bk(BodyKind.RAW).fk(io.raet.codec.FootKind.NACL), body, signer);
    }

    static byte[] empty(RoadHead h, SigningKey signer) {
        return packet(h, new byte[0], signer);
    }

    static byte[] packet(RoadHead h, byte[] coat, SigningKey signer) {
        try {
            return RoadCodec.encode(h, coat, signer, 1024);
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    static RoadHead head(byte[] d) {
        try {
            return RoadCodec.parse(d, 0, d.length).head();
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }
}
