package io.raet.adversary;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.HeadKind;
import io.raet.codec.PacketKind;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.SigningKey;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-made packets are what the attacks claim, as the stack's own parser reads them. */
class WireTest {
    final SigningKey signer = SigningKey.generate();

    @Test
    void theOnePacketOfFindingOneClaimsTwoToTheThirtyOneMinusOneSegmentsAndIsSignedByThePeer() throws Exception {
        byte[] p = Wire.segment(3, 7, 2, 1001, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 200, new byte[100], true,
                signer);
        ParsedPacket parsed = RoadCodec.parse(p, 0, p.length);
        RoadHead h = parsed.head();
        assertThat(h.pk()).isEqualTo(PacketKind.MESSAGE);
        assertThat(h.tk()).isEqualTo(TransactionKind.MESSAGE);
        assertThat(h.sc()).isEqualTo(Integer.MAX_VALUE);
        assertThat(h.sn()).isEqualTo(Integer.MAX_VALUE - 1);
        assertThat(h.ml()).isEqualTo(200);
        assertThat(h.sf()).isTrue();
        assertThat(h.wf()).isTrue();
        assertThat(h.cf()).isFalse();
        assertThat(new long[] {h.se(), h.de(), h.si(), h.ti()}).containsExactly(3, 7, 2, 1001);
        assertThat(h.ck()).isEqualTo(CoatKind.NACL);
        assertThat(parsed.coatLength()).isEqualTo(100);
        assertThat(parsed.verify(signer.verifyKey())).isTrue();
        assertThat(parsed.verify(SigningKey.generate().verifyKey())).isFalse();
        assertThat(p.length).isLessThan(300);
    }

    @Test
    void aValidSegmentIsByteForByteWhatTheStacksEncoderWrites() throws Exception {
        byte[] coat = new byte[300];
        coat[7] = 42;
        byte[] mine = Wire.segment(1, 2, 3, 4, 1, 5, 1500, coat, true, signer);
        RoadHead h = new RoadHead().hk(HeadKind.RAET).pk(PacketKind.MESSAGE).tk(TransactionKind.MESSAGE).se(1).de(2)
                .si(3).ti(4).sn(1).sc(5).ml(1500).sf(true).wf(true).bk(BodyKind.JSON).ck(CoatKind.NACL)
                .fk(FootKind.NACL);
        assertThat(mine).isEqualTo(RoadCodec.encode(h, coat, signer, 1024));
    }

    @Test
    void aJoinRequestCarriesTheClaimedNameKeysAndRoleUnsigned() throws Exception {
        SigningKey k = SigningKey.generate();
        String ver = k.verifyKey().hex();
        String pub = io.raet.crypto.BoxKeyPair.generate().publicKey().hex();
        byte[] p = Wire.joinRequest(9, 0, 4, "legit", false, ver, pub, "evil");
        ParsedPacket parsed = RoadCodec.parse(p, 0, p.length);
        RoadHead h = parsed.head();
        assertThat(h.pk()).isEqualTo(PacketKind.REQUEST);
        assertThat(h.tk()).isEqualTo(TransactionKind.JOIN);
        assertThat(new long[] {h.se(), h.de(), h.si(), h.ti()}).containsExactly(9, 0, 0, 4);
        assertThat(h.fk()).isEqualTo(FootKind.NADA);
        assertThat(parsed.signed()).isFalse();
        Object body = Body.decode(h.bk(), parsed.buffer(), parsed.coatOffset(), parsed.coatLength());
        assertThat(body).isEqualTo(Map.of("name", "legit", "mode", 0L, "kind", 0L, "verhex", ver, "pubhex", pub,
                "role", "evil"));

        byte[] ack = Wire.joinAck(9, 0, 4);
        RoadHead a = RoadCodec.parse(ack, 0, ack.length).head();
        assertThat(a.pk()).isEqualTo(PacketKind.ACK);
        assertThat(a.tk()).isEqualTo(TransactionKind.JOIN);
        assertThat(new long[] {a.se(), a.de(), a.ti()}).containsExactly(9, 0, 4);
    }

    @Test
    void readsTheHeadsTheStackWritesInBothHeadKinds() throws Exception {
        for (HeadKind hk : HeadKind.values()) {
            RoadHead h = new RoadHead().hk(hk).pk(PacketKind.RESEND).tk(TransactionKind.MESSAGE).se(11).de(12)
                    .si(13).ti(0xfffffffeL).sn(3).sc(9).cf(true).wf(true).bk(BodyKind.JSON).ck(CoatKind.NACL)
                    .fk(FootKind.NACL);
            byte[] p = RoadCodec.encode(h, new byte[40], signer, 1024);
            Wire.Head r = Wire.read(p, p.length);
            assertThat(r).as(hk.name()).isNotNull();
            assertThat(r.pk()).isEqualTo(Wire.RESEND);
            assertThat(r.tk()).isEqualTo(Wire.TK_MESSAGE);
            assertThat(new long[] {r.se(), r.de(), r.si(), r.ti(), r.sn(), r.sc()})
                    .containsExactly(11, 12, 13, 0xfffffffeL, 3, 9);
            assertThat(r.fg() & (Wire.CF | Wire.WF)).isEqualTo(Wire.CF | Wire.WF);
        }
        assertThat(Wire.read("junk".getBytes(), 4)).isNull();
    }
}
