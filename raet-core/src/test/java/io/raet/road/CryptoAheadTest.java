package io.raet.road;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The helpers' side of signing and checking signatures ahead, raced against an owner that asks for outcomes at once,
 * a little later or much later: a forged datagram is never vouched for, a genuine one is vouched for with its key or
 * left to the owner, every deferred signature is made exactly as an immediate one, and every job ends.
 */
class CryptoAheadTest {
    private static byte[] packet(SigningKey signer, long ti) throws Exception {
        RoadHead h = new RoadHead().pk(PacketKind.MESSAGE).tk(TransactionKind.MESSAGE).se(2).de(3).si(1).ti(ti)
                .bk(BodyKind.JSON).ck(CoatKind.NADA).fk(FootKind.NACL);
        return RoadCodec.encode(h, ("{\"n\":" + ti + "}").getBytes(), signer, 1024);
    }

    @Test
    void aForgedDatagramIsNeverVouchedForWhoeverComesFirst() throws Exception {
        SigningKey signer = SigningKey.generate();
        VerifyKey key = signer.verifyKey();
        Random r = new Random(7);
        List<byte[]> data = new ArrayList<>();
        List<Boolean> genuine = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            byte[] d = packet(signer, i + 1);
            boolean forged = r.nextBoolean();
            if (forged) {
                d[d.length - 1 - r.nextInt(d.length / 2)] ^= (byte) (1 + r.nextInt(255));
            }
            data.add(d);
            genuine.add(!forged);
        }
        int vouched = 0;
        int withdrawn = 0;
        try (CryptoAhead ahead = new CryptoAhead(2, "test")) {
            for (int batch = 0; batch < data.size(); batch += 20) {
                List<CryptoAhead.Check> checks = new ArrayList<>();
                for (int i = batch; i < batch + 20; i++) {
                    checks.add(ahead.check(data.get(i), key));
                }
                ahead.wake();
                if (batch == 0) {
                    // The first batch is left to the helpers entirely: each genuine one comes back vouched for.
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (!checks.stream().allMatch(CryptoAhead.Check::finished) && System.nanoTime() < deadline) {
                        Thread.sleep(1);
                    }
                }
                for (int i = 0; i < checks.size(); i++) {
                    switch (r.nextInt(3)) {
                        case 0 -> { } // at once
                        case 1 -> Thread.onSpinWait();
                        default -> Thread.sleep(0, 50_000);
                    }
                    VerifyKey answer = checks.get(i).result();
                    if (answer == null) {
                        withdrawn++;
                    } else {
                        assertThat(genuine.get(batch + i)).as("datagram %d vouched for", batch + i).isTrue();
                        assertThat(answer).isSameAs(key);
                        vouched++;
                    }
                }
            }
        }
        assertThat(vouched + withdrawn).isEqualTo(400);
        assertThat(vouched).as("the helpers checked some ahead").isPositive();
    }

    @Test
    void everyDeferredSignatureIsTheSignatureWhoeverMakesIt() throws Exception {
        SigningKey signer = SigningKey.generate();
        Random r = new Random(11);
        int ahead = 0;
        try (CryptoAhead helpers = new CryptoAhead(2, "test")) {
            for (int batch = 0; batch < 10; batch++) {
                List<byte[]> expected = new ArrayList<>();
                List<byte[]> deferred = new ArrayList<>();
                List<CryptoAhead.Signing> jobs = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    RoadHead h = new RoadHead().pk(PacketKind.MESSAGE).tk(TransactionKind.MESSAGE).se(2).de(3).si(1)
                            .ti(batch * 20 + i + 1).bk(BodyKind.JSON).ck(CoatKind.NADA).fk(FootKind.NACL);
                    byte[] coat = new byte[1 + r.nextInt(900)];
                    r.nextBytes(coat);
                    expected.add(RoadCodec.encode(h.copy(), coat, 0, coat.length, signer, 1024, false));
                    byte[] d = RoadCodec.encode(h.copy(), coat, 0, coat.length, signer, 1024, true);
                    deferred.add(d);
                    jobs.add(helpers.sign(d, signer));
                }
                helpers.wake();
                for (int i = 0; i < jobs.size(); i++) {
                    if (r.nextBoolean()) {
                        Thread.sleep(0, 30_000);
                    }
                    ahead += jobs.get(i).finish() ? 1 : 0;
                    assertThat(deferred.get(i)).as("batch %d datagram %d", batch, i).isEqualTo(expected.get(i));
                    assertThat(RoadCodec.parse(deferred.get(i), 0, deferred.get(i).length).verify(signer.verifyKey()))
                            .isTrue();
                }
            }
        }
        assertThat(ahead).isBetween(0, 200);
    }

    @Test
    void aCheckNoHelperCameToIsWithdrawnAndStaysSo() throws Exception {
        SigningKey signer = SigningKey.generate();
        try (CryptoAhead ahead = new CryptoAhead(0, "test")) {
            CryptoAhead.Check c = ahead.check(packet(signer, 1), signer.verifyKey());
            ahead.wake();
            assertThat(c.result()).isNull(); // the owner checks it itself
            c.run(); // a helper coming late does nothing
            assertThat(c.result()).isNull();
        }
    }
}
