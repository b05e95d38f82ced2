package io.raet.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.Hex;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SharedKey;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The captured transcript of the specification's Appendix A (deterministic keys 0x11, 0x22, 0x33, 0x44). */
class AppendixATranscriptTest {
    private static final SigningKey MAIN_SIGN = SigningKey.fromSeed(fill(0x11));
    private static final SigningKey OTHER_SIGN = SigningKey.fromSeed(fill(0x33));
    private static final BoxKeyPair MAIN_LONG = BoxKeyPair.fromSecret(fill(0x22));
    private static final BoxKeyPair OTHER_LONG = BoxKeyPair.fromSecret(fill(0x44));
    private static final BoxKeyPair MAIN_SHORT =
            BoxKeyPair.fromHex("dff5e2dd16ee232c7dc3a185efcad76b25cb694c8e299b3dc681338e95c43628");
    private static final BoxKeyPair OTHER_SHORT =
            BoxKeyPair.fromHex("db11dc3195458f82707b4d8b3fc64049d7d3aba0e883cb6e902c250f8d7c3ea1");

    private static final String ALIVE_8 =
            "726920524145540a706c20303039300a686c2035300a66672030300a706b20340a736520320a646520320a736920320a"
            + "746920330a746b20340a626b20310a636b20310a666b20310a666c2034300a0a45b2be7cc1fd62826dd65e61f0859e3d"
            + "10d5c8372ef327475d566af5f95a83d3974a0ddbd29172c95bac2549420e24ef56aeab51f66c963970b9d29824ceb303";
    private static final String MESSAGE_10 =
            "726920524145540a706c20303064350a686c2034360a66672030340a736520320a646520320a736920320a746920340a"
            + "626b20310a636b20310a666b20310a666c2034300a0a96103622fc799fe571c1d20075d27ed870003a5ce589687eb7d2"
            + "17a871da11f98e40026a00d244295855aab3655bd9b74d9b5d3f41a4796a75732a7641608d160c61adce49e1b661134c"
            + "d5f7077183de3149803303bbe7afb4e2762534e1551b82c6e0e90d21f4e7c379d9a3454ff91d552be0d2bb10f91a7768"
            + "167a5161c4d1957f6f80fd719fed5c13b50c00130f";
    private static final String HELLO_3 =
            "726920524145540a706c20303135330a686c2034620a66672030300a706b20360a736520320a646520320a736920310a"
            + "746920320a746b20330a626b20320a666b20310a666c2034300a0a303030303030303030303030303030303030303030"
            + "303030303030303030303030303030303030303030303030303030303030303030303030303030303030301fbba37404"
            + "9b98872e25c2d688a4f68ab19e53f38a51fdc65470f2b8cd8d9e7e71f13e271ae35e8cb8e20280f09c0f0f76c5250156"
            + "e9e20041ab0ad3d92bb99f0dfb6ed3412011fa93bf905ea30d9b62e7d11ab02bd903f74dd67163a10e891a253b9759d6"
            + "4c7c7042c06bc42cf0fecec098e3c4be4af6b8a8123f35aae086cb30ccfa0faed0c12e4e817f41a9225fbcefd709129d"
            + "0317ec9072348b542e02f271959fd82c5680d5815d5ece2a736f256f11de9920f509d7831c082c56ec7d5e07f3607e64"
            + "a25703";
    private static final String COOKIE_4 =
            "726920524145540a706c20303066330a686c2034620a66672030310a706b20370a736520320a646520320a736920310a"
            + "746920320a746b20330a626b20320a666b20310a666c2034300a0a9af6f0de6805388f0057aa85ed74384ce53ea15558"
            + "6af5e287bfef1e362a77352f0bb3293e35c1881858f1c86eab405a20b1ec2dad002924ffa16ebc273f4b39cfe4af5650"
            + "375ac7e4fae4572b0bd0814292ea91e237d55913ab48da28f66cebe5fbc9529cf28c4398b2a5366965f97710d1ac6a72"
            + "f03edfbf75240e78e83f96e8c1da1b44d458380418a5655a776b96123099d4f699dc3532ddf597090c52a4878fd1461e"
            + "41a006";
    private static final String INITIATE_5 =
            "726920524145540a706c20303164330a686c2034620a66672030300a706b20380a736520320a646520320a736920310a"
            + "746920320a746b20330a626b20320a666b20310a666c2034300a0a1fbba374049b98872e25c2d688a4f68ab19e53f38a"
            + "51fdc65470f2b8cd8d9e7eb94560c4c8cadf31255e83ab0cdb34de3276ee0cca64cfe6d0d241f1848881528fe281ba2c"
            + "414ddf39a04539e035a1760abff55099e1142a92c07d88a84fb566a388dd20318d92fcb50ee450515743b6e11ec9d152"
            + "1f833911c849cef9fbdd88863f4c27e75f405ca515841ccfc4c5e5a0eb45f5a2d325ec8ba66d87551615ad1935f31772"
            + "8317339346d1e152c9654e64953277eb887b612ebd69eae6d10b627598e32f9f99b0d3d970582bd7ccd465ba2dc4083c"
            + "f02f0594a15c1d3fdd763bb8175b69008e16ff2255680b5347c7abe62ff6edd313c9ea46367f8cc75b5b7d67caef403d"
            + "1dd7c22d6b596a7f721dd35296097284de201a65a6f006cdea908af9b324cb93168a696ef4da3a8cf01496763e66c3e0"
            + "076716f8d8b0d21fb25b87bcaab1589064387f87cf07361fd19042d4827e960e5c96cc8e43731eee9134cfa8b95eb0d0"
            + "2f2fef068c88107b2381ad6d05bc2c2b50a37bdcb2187993eee4f0e36eeee6575fc409";

    private static byte[] fill(int b) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) b);
        return k;
    }

    @Test
    void keys() {
        assertThat(MAIN_SIGN.verifyKey().hex()).isEqualTo("d04ab232742bb4ab3a1368bd4615e4e6d0224ab71a016baf8520a332c9778737");
        assertThat(OTHER_SIGN.verifyKey().hex()).isEqualTo("17cb79fb2b4120f2b1ec65e4198d6e08b28e813feb01e4a400839b85e18080ce");
        assertThat(MAIN_LONG.publicKey().hex()).isEqualTo("0faa684ed28867b97f4a6a2dee5df8ce974e76b7018e3f22a1c4cf2678570f20");
        assertThat(OTHER_LONG.publicKey().hex()).isEqualTo("ff2ee45601ec1b67310c7790404585ae697331eee1c1f8cf2419731c1fff3e6b");
        assertThat(MAIN_SHORT.publicKey().hex()).isEqualTo("fce0853ec6872b146d483e0bef25a2abaccfcdb401135d6f1247ccece4f5af4e");
        assertThat(OTHER_SHORT.publicKey().hex()).isEqualTo("1fbba374049b98872e25c2d688a4f68ab19e53f38a51fdc65470f2b8cd8d9e7e");
    }

    /** Parses, verifies with the sender's key (and not the other), re-encodes to the same bytes. */
    private static ParsedPacket replay(String hex, SigningKey sender, SigningKey other) throws PacketException {
        byte[] wire = Hex.decode(hex);
        ParsedPacket p = RoadCodec.parse(wire, 0, wire.length);
        assertThat(p.verify(sender.verifyKey())).isTrue();
        assertThat(p.verify(other.verifyKey())).isFalse();
        byte[] again = RoadCodec.encode(p.head().copy(), p.coat(), sender, RoadCodec.MAX_PACKET_SIZE);
        assertThat(Hex.encode(again)).isEqualTo(hex);
        return p;
    }

    @Test
    void aliveRequest() throws Exception {
        ParsedPacket p = replay(ALIVE_8, OTHER_SIGN, MAIN_SIGN);
        RoadHead expected = new RoadHead().pk(PacketKind.REQUEST).se(2).de(2).si(2).ti(3).tk(TransactionKind.ALIVE)
                .bk(BodyKind.JSON).ck(CoatKind.NACL).fk(FootKind.NACL).pl(144).hl(80).fl(64);
        assertThat(p.head()).isEqualTo(expected);
        assertThat(p.coatLength()).isZero();
        assertThat(Coat.open(CoatKind.NACL, null, p.buffer(), p.coatOffset(), 0)).isEmpty();
        assertThat(VerifyKey.fromHex("17cb79fb2b4120f2b1ec65e4198d6e08b28e813feb01e4a400839b85e18080ce")
                .verify(Arrays.copyOfRange(p.buffer(), 80, 144), msgWithZeroFoot(p))).isTrue();
    }

    private static byte[] msgWithZeroFoot(ParsedPacket p) {
        byte[] m = p.bytes();
        Arrays.fill(m, m.length - 64, m.length, (byte) 0);
        return m;
    }

    @Test
    void message() throws Exception {
        ParsedPacket p = replay(MESSAGE_10, OTHER_SIGN, MAIN_SIGN);
        assertThat(p.head().wf()).isTrue();
        assertThat(p.head().hl()).isEqualTo(70);
        assertThat(p.coatLength()).isEqualTo(79);
        SharedKey key = MAIN_SHORT.sharedKey(OTHER_SHORT.publicKey());
        byte[] body = Coat.open(CoatKind.NACL, key, p.buffer(), p.coatOffset(), p.coatLength());
        assertThat(new String(body, StandardCharsets.US_ASCII)).isEqualTo("{\"subject\":\"hi\",\"content\":\"hello main\"}");
        Object decoded = Body.decode(BodyKind.JSON, body, 0, body.length);
        assertThat(decoded).isEqualTo(Map.of("subject", "hi", "content", "hello main"));
        assertThat(Body.encode(BodyKind.JSON, decoded)).isEqualTo(body);
        // the sender's box with the recorded nonce is the recorded coat
        byte[] coat = p.coat();
        byte[] nonce = Arrays.copyOfRange(coat, coat.length - 24, coat.length);
        assertThat(Hex.encode(nonce)).isEqualTo("6a75732a7641608d160c61adce49e1b661134cd5f7077183");
        byte[] sealed = OTHER_SHORT.sharedKey(MAIN_SHORT.publicKey()).seal(body, nonce);
        assertThat(Arrays.copyOf(coat, coat.length - 24)).isEqualTo(sealed);
    }

    @Test
    void allowHandshake() throws Exception {
        ParsedPacket hello = replay(HELLO_3, OTHER_SIGN, MAIN_SIGN);
        assertThat(hello.head().pk()).isEqualTo(PacketKind.HELLO);
        assertThat(hello.head().bk()).isEqualTo(BodyKind.RAW);
        byte[] hb = (byte[]) Body.decode(BodyKind.RAW, hello.buffer(), hello.coatOffset(), hello.coatLength());
        assertThat(hb).hasSize(200);
        assertThat(Hex.encode(hb, 64, 32)).isEqualTo(OTHER_SHORT.publicKey().hex());
        byte[] plain = MAIN_LONG.sharedKey(PublicKey.of(hb, 64)).open(hb, 96, 80, hb, 176);
        assertThat(plain).isEqualTo(Arrays.copyOf(hb, 64));

        ParsedPacket cookie = replay(COOKIE_4, MAIN_SIGN, OTHER_SIGN);
        assertThat(cookie.head().cf()).isTrue();
        byte[] cb = cookie.coat();
        assertThat(cb).hasSize(104);
        byte[] stuff = OTHER_SHORT.sharedKey(MAIN_LONG.publicKey()).open(cb, 0, 80, cb, 80);
        assertThat(Hex.encode(stuff, 0, 32)).isEqualTo(MAIN_SHORT.publicKey().hex());
        assertThat(Hex.encode(stuff, 40, 24)).isEqualTo("b94560c4c8cadf31255e83ab0cdb34de3276ee0cca64cfe6");

        ParsedPacket initiate = replay(INITIATE_5, OTHER_SIGN, MAIN_SIGN);
        byte[] ib = initiate.coat();
        assertThat(ib).hasSize(328);
        byte[] inner = MAIN_SHORT.sharedKey(PublicKey.of(ib, 0)).open(ib, 56, 248, ib, 304);
        assertThat(Hex.encode(inner, 0, 32)).isEqualTo(OTHER_LONG.publicKey().hex());
        byte[] vouch = MAIN_LONG.sharedKey(OTHER_LONG.publicKey()).open(inner, 32, 48, inner, 80);
        assertThat(Hex.encode(vouch)).isEqualTo(OTHER_SHORT.publicKey().hex());
        assertThat(new String(inner, 104, 128, StandardCharsets.US_ASCII).strip()).isEqualTo("localhost");
    }
}
