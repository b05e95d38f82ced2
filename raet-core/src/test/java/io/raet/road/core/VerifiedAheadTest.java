package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import io.raet.road.RoadEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A datagram whose signature a driver's helper thread checked is handed to its shard with the key it was checked
 * with ({@link RoadShard#receive(byte[], int, int, java.net.InetSocketAddress, long, VerifyKey)}). The shard skips
 * its own check only when that is its remote's current key; in every other case it checks the signature itself.
 */
class VerifiedAheadTest {
    private final SimNetwork net = new SimNetwork(42);
    private final RoadEngine alpha;
    private final RoadEngine beta;
    private final RoadBadInputTest.Ctx x;

    VerifiedAheadTest() throws Exception {
        RoadEngine[] p = RoadEngineSimTest.pair(net);
        alpha = p[0];
        beta = p[1];
        beta.send("alpha", body("first"), null, net.now);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 1, 5 * S)).isTrue();
        x = new RoadBadInputTest.Ctx(alpha, beta, beta.peer("alpha"), alpha.peer("beta"), null);
    }

    private long stat(String key) {
        return alpha.stats().snapshot().getOrDefault(key, 0L);
    }

    private int messages() {
        return net.events(alpha, RoadEvent.Message.class).size();
    }

    /** Hands alpha the datagram as a driver with helpers would, then lets the network run a moment. */
    private void receive(byte[] d, VerifyKey verified) {
        alpha.shard(0).receive(d, 0, d.length, SimNetwork.address(7541), net.now, verified);
        net.run(S);
    }

    @Test
    void aSignatureCheckedWithTheRemotesKeyIsNotCheckedAgain() throws Exception {
        byte[] d = x.signed(x.messageHead(), x.sealed(body("ahead")));
        VerifyKey key = alpha.shard(0).verifyKeyFor(d, 0, d.length);
        assertThat(key).isSameAs(alpha.remote("beta").verifyKey());
        int before = messages();
        receive(d, key);
        assertThat(stat("packets_verified_ahead")).isEqualTo(1);
        assertThat(messages()).isEqualTo(before + 1);
        assertThat(net.events(alpha, RoadEvent.Message.class).get(before).body())
                .containsEntry("content", "ahead");
    }

    @Test
    void aForgedPacketIsCheckedByTheShardWhenNoHelperVouchedForIt() throws Exception {
        byte[] d = x.signed(x.messageHead(), x.sealed(body("forged")));
        d[d.length - 1] ^= 0x40;
        int before = messages();
        receive(d, null);
        assertThat(stat("drop_bad_signature")).isEqualTo(1);
        assertThat(stat("packets_verified_ahead")).isZero();
        assertThat(messages()).isEqualTo(before);
    }

    @Test
    void aCheckMadeWithAnotherKeyThanTheRemotesCountsForNothing() throws Exception {
        // Signed by someone else and "checked" with that one's key (as if the remote's key had changed meanwhile).
        SigningKey other = SigningKey.generate();
        byte[] d = io.raet.codec.RoadCodec.encode(x.messageHead(), x.sealed(body("other")), other, 1024);
        int before = messages();
        receive(d, other.verifyKey());
        assertThat(stat("drop_bad_signature")).isEqualTo(1);
        assertThat(stat("packets_verified_ahead")).isZero();
        assertThat(messages()).isEqualTo(before);
        // An equal key that is not the remote's very key object is checked again, and passes on its own merit.
        byte[] good = x.signed(x.messageHead(), x.sealed(body("equal")));
        receive(good, VerifyKey.fromHex(alpha.remote("beta").verifyKey().hex()));
        assertThat(stat("packets_verified_ahead")).isZero();
        assertThat(messages()).isEqualTo(before + 1);
    }

    @Test
    void aDatagramForNoKnownRemoteHasNoKeyToCheckAhead() throws Exception {
        byte[] d = x.signed(x.messageHead().de(999), x.sealed(body("who")));
        assertThat(alpha.shard(0).verifyKeyFor(d, 0, d.length)).isNull();
        byte[] join = RoadBadInputTest.joinRequest(RoadBadInputTest.joinJson("\"x\"", "\"r\"").getBytes(), 77);
        assertThat(alpha.shard(0).verifyKeyFor(join, 0, join.length)).isNull();
        byte[] junk = "GET / HTTP/1.0\r\n\r\n".getBytes();
        assertThat(alpha.shard(0).verifyKeyFor(junk, 0, junk.length)).isNull();
    }
}
