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
 * The helpers' side of checking signatures ahead, raced against an owner that asks for answers at once, a little
 * later or much later: a forged datagram is never vouched for, a genuine one is vouched for with its key or left to
 * the owner, and every check ends.
 */
class VerifyAheadTest {
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
        try (VerifyAhead ahead = new VerifyAhead(2, "test")) {
            for (int batch = 0; batch < data.size(); batch += 20) {
                List<VerifyAhead.Check> checks = new ArrayList<>();
                for (int i = batch; i < batch + 20; i++) {
                    checks.add(ahead.submit(data.get(i), key));
                }
                ahead.wake();
                if (batch == 0) {
                    // The first batch is left to the helpers entirely: each genuine one comes back vouched for.
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (!checks.stream().allMatch(VerifyAhead.Check::finished) && System.nanoTime() < deadline) {
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
    void aCheckNoHelperCameToIsWithdrawnAndStaysSo() throws Exception {
        SigningKey signer = SigningKey.generate();
        try (VerifyAhead ahead = new VerifyAhead(0, "test")) {
            VerifyAhead.Check c = ahead.submit(packet(signer, 1), signer.verifyKey());
            ahead.wake();
            assertThat(c.result()).isNull(); // the owner checks it itself
            c.run(); // a helper coming late does nothing
            assertThat(c.result()).isNull();
        }
    }
}
