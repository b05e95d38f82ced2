package io.raet.codec;

import static io.raet.codec.VectorReplayTest.catchReason;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.Hex;
import io.raet.crypto.SharedKey;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Body serialization as Python's json/msgpack, and the NaCl coat. */
class BodyCoatTest {
    private static String json(Object body) throws PacketException {
        return new String(Body.encode(BodyKind.JSON, body), StandardCharsets.US_ASCII);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void jsonLikePythonJsonDumps() throws Exception {
        // expected strings produced by Python 3.11: json.dumps(d, separators=(',', ':'))
        Map<Object, Object> d = new LinkedHashMap<>();
        d.put("a", "\u00e9");
        d.put("b", "\uD83D\uDE00");
        d.put("c", "\u0000\u001f\u007f\"\\/\n\t");
        d.put("f", List.of(1.0, 1e16, 1e15, 0.0001, 1e-05, 5e-324, -0.0, Double.NaN, Double.POSITIVE_INFINITY,
                123456789.123, 1.5e300, 0.1, new BigInteger("18446744073709551616"), Long.MIN_VALUE));
        d.put(1L, true);
        d.put(null, null);
        d.put(2.5, false);
        assertThat(json(d)).isEqualTo("{\"a\":\"\\u00e9\",\"b\":\"\\ud83d\\ude00\",\"c\":\"\\u0000\\u001f\\u007f\\\"\\\\/\\n\\t\","
                + "\"f\":[1.0,1e+16,1000000000000000.0,0.0001,1e-05,5e-324,-0.0,NaN,Infinity,123456789.123,1.5e+300,"
                + "0.1,18446744073709551616,-9223372036854775808],\"1\":true,\"null\":null,\"2.5\":false}");
        assertThat(Body.encode(BodyKind.JSON, Map.of())).isEmpty();
        assertThat(Body.encode(BodyKind.JSON, null)).isEmpty();
        assertThat(json(map("x", new Object[] {1, "y"}, "n", map()))).isEqualTo("{\"x\":[1,\"y\"],\"n\":{}}");
    }

    @Test
    void floatsSpelledLikePython() throws Exception {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                BodyCoatTest.class.getResourceAsStream("python-floats.txt"), StandardCharsets.US_ASCII))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                String[] f = line.split(" ");
                double d = Double.longBitsToDouble(Long.parseUnsignedLong(f[0], 16));
                assertThat(PyText.floatRepr(d)).as("repr of %s", f[0]).isEqualTo(f[1]);
                if (!f[2].equals("-")) {
                    assertThat(PyText.fixed6(d)).as("%%f of %s", f[0]).isEqualTo(f[2]);
                }
                // the JSON reader gives back the same double
                Map<String, Object> m = decodeJson("{\"v\":" + f[1] + "}");
                assertThat((Double) m.get("v")).isEqualTo(d);
                n++;
            }
            assertThat(n).isGreaterThan(150);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> decodeJson(String s) throws PacketException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return (Map<String, Object>) Body.decode(BodyKind.JSON, b, 0, b.length);
    }

    @Test
    @SuppressWarnings("unchecked")
    void jsonDecoding() throws Exception {
        Map<String, Object> m = decodeJson(" {\"a\": [1, 2.5, \"\u00e9\", null, true, {\"b\": -0}],"
                + " \"big\": 123456789012345678901234567890, \"nan\": NaN, \"a\": 7} ");
        assertThat(m).containsOnlyKeys("a", "big", "nan");
        assertThat(m.keySet()).containsExactly("a", "big", "nan");
        assertThat(m.get("a")).as("last duplicate wins, first position kept").isEqualTo(7L);
        assertThat(m.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat((Double) m.get("nan")).isNaN();
        Map<String, Object> n = decodeJson("{\"l\":[1,2.5,\"x\",null,true,{\"b\":-0}]}");
        assertThat((List<Object>) n.get("l")).containsExactly(1L, 2.5, "x", null, true, Map.of("b", 0L));
        assertThat(Body.decode(BodyKind.JSON, new byte[0], 0, 0)).isEqualTo(Map.of());
        assertThat(Body.decode(BodyKind.NADA, new byte[3], 0, 3)).isEqualTo(Map.of());
        assertThat(Body.decode(BodyKind.RAW, new byte[] {1, 2, 3}, 1, 2)).isEqualTo(new byte[] {2, 3});
    }

    @Test
    void nonMappingAndMalformedBodiesAreRejected() {
        for (String s : new String[] {"[1,2]", "1", "\"x\"", "null", " ", "{", "{\"a\":1}x", "{'a':1}", "{\"a\":01}",
                "{\"a\":\"\u0001\"}", "\uFEFF{}", "{\"a\":1,}"}) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            assertThat(catchReason(() -> Body.decode(BodyKind.JSON, b, 0, b.length))).as(s).isEqualTo(Reason.BAD_BODY);
        }
        byte[] badUtf8 = {'{', '"', 'a', '"', ':', '"', (byte) 0xc3, '"', '}'};
        assertThat(catchReason(() -> Body.decode(BodyKind.JSON, badUtf8, 0, badUtf8.length))).isEqualTo(Reason.BAD_BODY);
        byte[] surrogate = {'{', '"', 'a', '"', ':', '"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"', '}'};
        assertThat(catchReason(() -> Body.decode(BodyKind.JSON, surrogate, 0, surrogate.length)))
                .isEqualTo(Reason.BAD_BODY);
        byte[] deep = ("{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.US_ASCII);
        assertThat(catchReason(() -> Body.decode(BodyKind.JSON, deep, 0, deep.length))).isEqualTo(Reason.BAD_BODY);
        assertThat(catchReason(() -> Body.encode(BodyKind.JSON, List.of(1)))).isEqualTo(Reason.BAD_BODY);
        assertThat(catchReason(() -> Body.encode(BodyKind.JSON, map("b", new byte[1])))).isEqualTo(Reason.BAD_BODY);
        assertThat(catchReason(() -> Body.encode(BodyKind.MSGPACK, "x"))).isEqualTo(Reason.BAD_BODY);
        assertThat(catchReason(() -> Body.encode(BodyKind.RAW, "x"))).isEqualTo(Reason.BAD_BODY);
        Map<String, Object> cyclic = new LinkedHashMap<>();
        cyclic.put("self", cyclic);
        assertThat(catchReason(() -> Body.encode(BodyKind.JSON, cyclic))).isEqualTo(Reason.BAD_BODY);
        assertThat(catchReason(() -> Body.encode(BodyKind.MSGPACK, cyclic))).isEqualTo(Reason.BAD_BODY);
        assertThat(catchReason(() -> Body.decode(BodyKind.JSON, new byte[2], 1, 2))).isEqualTo(Reason.BAD_LENGTH);
    }

    // ------------------------------------------------------------------------------ msgpack

    private static String pack(Object body) throws PacketException {
        return Hex.encode(Body.encode(BodyKind.MSGPACK, body));
    }

    @Test
    void msgpackLikePythonPackb() throws Exception {
        // from the reference vector: {"subject":"hello","from":"beta","n":2,"bin":"msgpack"}
        assertThat(pack(map("subject", "hello", "from", "beta", "n", 2, "bin", "msgpack")))
                .isEqualTo("84a77375626a656374a568656c6c6fa466726f6da462657461a16e02a362696ea76d73677061636b");
        assertThat(pack(map("s", "x".repeat(40)))).startsWith("81a173d928"); // str8
        assertThat(pack(map("s", "x".repeat(300)))).startsWith("81a173da012c"); // str16
        assertThat(pack(map("b", new byte[] {1, 2}))).isEqualTo("81a162c4020102"); // bin8
        assertThat(pack(map("f", 1.5))).isEqualTo("81a166cb3ff8000000000000"); // float64
        assertThat(pack(map("f", 1.5f))).isEqualTo("81a166cb3ff8000000000000");
        assertThat(pack(map("i", List.of(127, 128, 255, 256, 65536, -32, -33, -129, 4294967296L))))
                .isEqualTo("81a16999" + "7f" + "cc80" + "ccff" + "cd0100" + "ce00010000" + "e0" + "d0df" + "d1ff7f"
                        + "cf0000000100000000");
        assertThat(pack(map("u", new BigInteger("18446744073709551615")))).isEqualTo("81a175cfffffffffffffffff");
        assertThat(pack(map("t", true, "f", false, "n", null))).isEqualTo("83a174c3a166c2a16ec0");
        assertThat(Body.encode(BodyKind.MSGPACK, Map.of())).isEmpty();
        assertThat(catchReason(() -> Body.encode(BodyKind.MSGPACK, map("u", BigInteger.ONE.shiftLeft(64)))))
                .isEqualTo(Reason.BAD_BODY);
        assertThat(catchReason(() -> Body.encode(BodyKind.MSGPACK, map("s", "\uD800")))).isEqualTo(Reason.BAD_BODY);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> unpack(String hex) throws PacketException {
        byte[] b = Hex.decode(hex);
        return (Map<String, Object>) Body.decode(BodyKind.MSGPACK, b, 0, b.length);
    }

    @Test
    @SuppressWarnings("unchecked")
    void msgpackDecoding() throws Exception {
        Map<String, Object> m = unpack("84a77375626a656374a568656c6c6fa466726f6da462657461a16e02a362696ea76d73677061636b");
        assertThat(m).containsExactly(Map.entry("subject", "hello"), Map.entry("from", "beta"), Map.entry("n", 2L),
                Map.entry("bin", "msgpack"));
        // msgpack 0.5/0.6 with encoding='utf-8': raw16 (0xda) for a 40-byte string, no str8
        Map<String, Object> old = unpack("81a173da0028" + "78".repeat(40));
        assertThat(old.get("s")).isEqualTo("x".repeat(40));
        Map<String, Object> types = unpack("85a162c4020102a166ca3fc00000a175cfffffffffffffffffa16ed0dfa16c92c0c3");
        assertThat((byte[]) types.get("b")).containsExactly(1, 2);
        assertThat(types.get("f")).isEqualTo(1.5);
        assertThat(types.get("u")).isEqualTo(new BigInteger("18446744073709551615"));
        assertThat(types.get("n")).isEqualTo(-33L);
        assertThat((List<Object>) types.get("l")).containsExactly(null, true);
        assertThat(unpack("")).isEmpty();
    }

    @Test
    void malformedMsgpackIsRejected() {
        for (String hex : new String[] {"92c0c0", "01", "a3616263", "c0", "81", "81a161", "81a16192", "81a161c3c3",
                "81a161a2c3", "81a16101c1", "8101c3", "81c40161c3", "81a161c7010000", "81a161d6ff00000000",
                "81a161dbffffffff", "81a161ddffffffff", "81a161dfffffffff", "81a161c5ffff", "81a161a2c328"}) {
            byte[] b = Hex.decode(hex);
            assertThat(catchReason(() -> Body.decode(BodyKind.MSGPACK, b, 0, b.length))).as(hex)
                    .isEqualTo(Reason.BAD_BODY);
        }
        byte[] deep = new byte[3000];
        deep[0] = (byte) 0x81;
        deep[1] = (byte) 0xa1;
        deep[2] = 'a';
        Arrays.fill(deep, 3, deep.length, (byte) 0x91);
        assertThat(catchReason(() -> Body.decode(BodyKind.MSGPACK, deep, 0, deep.length))).isEqualTo(Reason.BAD_BODY);
    }

    // ------------------------------------------------------------------------------ coat

    @Test
    void naclCoat() throws Exception {
        BoxKeyPair a = BoxKeyPair.generate();
        BoxKeyPair b = BoxKeyPair.generate();
        SharedKey ab = a.sharedKey(b.publicKey());
        SharedKey ba = b.sharedKey(a.publicKey());
        byte[] body = "{\"x\":1}".getBytes(StandardCharsets.US_ASCII);
        byte[] coat = Coat.seal(CoatKind.NACL, ab, body);
        assertThat(coat).hasSize(body.length + 40);
        assertThat(Coat.open(CoatKind.NACL, ba, coat, 0, coat.length)).isEqualTo(body);
        assertThat(Coat.seal(CoatKind.NACL, ab, new byte[0])).isEmpty();
        assertThat(Coat.open(CoatKind.NACL, ba, coat, 0, 0)).isEmpty();
        assertThat(Coat.seal(CoatKind.NADA, null, body)).isSameAs(body);
        assertThat(Coat.open(CoatKind.NADA, null, body, 1, 2)).isEqualTo(Arrays.copyOfRange(body, 1, 3));

        assertThat(catchReason(() -> Coat.open(CoatKind.NACL, ba, coat, 0, 39))).isEqualTo(Reason.BAD_COAT);
        assertThat(catchReason(() -> Coat.open(CoatKind.NACL, ba, coat, 0, coat.length - 1)))
                .isEqualTo(Reason.BAD_COAT);
        byte[] tampered = coat.clone();
        tampered[20] ^= 1;
        assertThat(catchReason(() -> Coat.open(CoatKind.NACL, ba, tampered, 0, tampered.length)))
                .isEqualTo(Reason.BAD_COAT);
        SharedKey wrong = BoxKeyPair.generate().sharedKey(a.publicKey());
        assertThat(catchReason(() -> Coat.open(CoatKind.NACL, wrong, coat, 0, coat.length))).isEqualTo(Reason.BAD_COAT);
        assertThat(catchReason(() -> Coat.open(CoatKind.NACL, null, coat, 0, coat.length))).isEqualTo(Reason.BAD_COAT);
        assertThat(catchReason(() -> Coat.open(CoatKind.NACL, ba, coat, 5, coat.length))).isEqualTo(Reason.BAD_LENGTH);
        List<byte[]> two = new ArrayList<>(List.of(coat, Coat.seal(CoatKind.NACL, ab, body)));
        assertThat(two.get(0)).as("fresh nonce each time").isNotEqualTo(two.get(1));
    }
}
