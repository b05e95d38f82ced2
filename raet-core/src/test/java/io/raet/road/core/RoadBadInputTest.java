package io.raet.road.core;

import static io.raet.road.core.RoadEngineSimTest.S;
import static io.raet.road.core.RoadEngineSimTest.body;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.Coat;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.PacketException;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.SigningKey;
import io.raet.road.RoadEvent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table of bad inputs fed to an engine with a live session: each one is dropped, counted under its reason in
 * {@link RoadEngine#stats()}, delivers nothing, and leaves the session working.
 */
class RoadBadInputTest {

    /** What a case may use: the session between alpha (receiver) and beta (sender). */
    record Ctx(RoadEngine alpha, RoadEngine beta, Peer alphaAtBeta, Peer betaAtAlpha, byte[] genuine) {
        /** A message head as beta would send it to alpha, with a fresh tid. */
        RoadHead messageHead() {
            Remote r = alphaAtBeta.remote;
            return new RoadHead().pk(PacketKind.MESSAGE).tk(TransactionKind.MESSAGE).se(r.uid())
                    .de(r.fuid()).si(r.sid()).ti(alphaAtBeta.nextTid()).bk(BodyKind.JSON)
                    .ck(CoatKind.NACL).fk(FootKind.NACL).wf(true);
        }

        byte[] sealed(Map<String, Object> b) throws PacketException {
            return Coat.seal(CoatKind.NACL, alphaAtBeta.sessionKey, Body.encode(BodyKind.JSON, b));
        }

        byte[] signed(RoadHead h, byte[] coat) throws PacketException {
            return RoadCodec.encode(h, coat, beta.local().signer(), 1024);
        }
    }

    interface Maker {
        byte[] make(Ctx c) throws Exception;
    }

    /** A RAET-head datagram from head lines (pl and hl computed) and a coat. */
    static byte[] raw(byte[] coat, String... lines) {
        String front = "ri RAET\npl %s\nhl %s\n" + String.join("\n", lines) + "\n\n";
        int hl = front.formatted("0000", "00").length();
        int pl = hl + coat.length;
        byte[] head = front.formatted("%04x".formatted(pl), "%02x".formatted(hl)).getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = Arrays.copyOf(head, pl);
        System.arraycopy(coat, 0, out, hl, coat.length);
        return out;
    }

    static byte[] joinRequest(byte[] bodyBytes, long se) throws PacketException {
        RoadHead h = new RoadHead().pk(PacketKind.REQUEST).tk(TransactionKind.JOIN).se(se).ti(1).bk(BodyKind.JSON);
        return RoadCodec.encode(h, bodyBytes, null, 1024);
    }

    static String joinJson(String nameJson, String roleJson) {
        return "{\"name\":" + nameJson + ",\"mode\":0,\"kind\":0,\"verhex\":\"" + SigningKey.generate().verifyKey().hex()
                + "\",\"pubhex\":\"" + BoxKeyPair.generate().publicKey().hex() + "\",\"role\":" + roleJson + "}";
    }

    static Arguments c(String name, String counter, Maker maker) {
        return Arguments.of(name, counter, maker);
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                c("forged signature (coat byte flipped)", "drop_bad_signature", x -> {
                    byte[] d = x.genuine().clone();
                    d[d.length - 70] ^= 1;
                    return d;
                }),
                c("forged signature (signature byte flipped)", "drop_bad_signature", x -> {
                    byte[] d = x.signed(x.messageHead(), x.sealed(body("sig")));
                    d[d.length - 1] ^= 0x40;
                    return d;
                }),
                c("signed with a wrong long-term key", "drop_bad_signature",
                        x -> RoadCodec.encode(x.messageHead(), x.sealed(body("wrong key")), SigningKey.generate(), 1024)),
                c("unsigned message", "drop_unsigned", x -> RoadCodec.encode(x.messageHead().fk(FootKind.NADA),
                        x.sealed(body("unsigned")), null, 1024)),
                c("encrypted with a wrong session key", "drop_message_bad_coat", x -> x.signed(x.messageHead(),
                        Coat.seal(CoatKind.NACL, BoxKeyPair.generate().sharedKey(BoxKeyPair.generate().publicKey()),
                                Body.encode(BodyKind.JSON, body("wrong session"))))),
                c("truncated coat (shorter than tag and nonce)", "drop_message_bad_coat",
                        x -> x.signed(x.messageHead(), Arrays.copyOf(x.sealed(body("cut")), 30))),
                c("truncated coat (cut inside the ciphertext)", "drop_message_bad_coat", x -> {
                    byte[] coat = x.sealed(body("cut in the middle of the ciphertext"));
                    return x.signed(x.messageHead(), Arrays.copyOfRange(coat, 10, coat.length));
                }),
                c("truncated datagram", "drop_parse_bad_length",
                        x -> Arrays.copyOf(x.genuine(), x.genuine().length - 10)),
                c("datagram longer than pl", "drop_parse_bad_length",
                        x -> Arrays.copyOf(x.genuine(), x.genuine().length + 1)),
                c("oversized datagram", "drop_oversized", x -> {
                    byte[] d = Arrays.copyOf(x.genuine(), 70_000);
                    return d;
                }),
                c("oversized head", "drop_parse_malformed_head", x -> ("ri RAET\npl 0180\nhl ff\nfg 00\n"
                        + "oi 1\n".repeat(70) + "\n").getBytes(StandardCharsets.US_ASCII)),
                c("head without terminator", "drop_parse_malformed_head",
                        x -> "ri RAET\npl 0400\nhl 20\nfg 00\n".repeat(40).getBytes(StandardCharsets.US_ASCII)),
                c("unknown packet kind", "drop_parse_unknown_kind", x -> raw(new byte[0], "fg 00", "pk 1f", "se 2",
                        "de 1", "si 1", "ti 1")),
                c("unknown transaction kind", "drop_parse_unknown_kind", x -> raw(new byte[0], "fg 00", "se 2",
                        "de 1", "si 1", "ti 1", "tk 9")),
                c("unknown body kind", "drop_parse_unknown_kind", x -> raw(new byte[0], "fg 00", "bk 7")),
                c("unknown head field", "drop_parse_unknown_field", x -> raw(new byte[0], "fg 00", "zz 1")),
                c("head field bl (never sent)", "drop_parse_unknown_field", x -> raw(new byte[0], "fg 00", "bl 1")),
                c("version 1", "drop_parse_bad_version", x -> raw(new byte[0], "fg 00", "vn 1")),
                c("line with two spaces", "drop_parse_malformed_head", x -> raw(new byte[0], "fg 00", "se 1 2")),
                c("not a RAET packet", "drop_parse_malformed_head", x -> "GET / HTTP/1.0\r\n\r\n".getBytes()),
                c("empty datagram", "drop_parse_malformed_head", x -> new byte[0]),
                c("broadcast flag", "drop_broadcast", x -> x.signed(x.messageHead().bf(true), x.sealed(body("b")))),
                c("join with a session id", "drop_join_with_session", x -> raw(new byte[0], "fg 00", "pk 4",
                        "se 5", "si 3", "ti 1", "tk 1")),
                c("join answer to an unknown uid", "drop_stale_reply", x -> raw(new byte[0], "fg 01", "pk 1",
                        "se 5", "de 999", "ti 1", "tk 1")),
                c("message to an unknown uid", "drop_unknown_destination_uid",
                        x -> x.signed(x.messageHead().de(999), x.sealed(body("who")))),
                c("segment number beyond the segment count", "drop_bad_segment",
                        x -> x.signed(x.messageHead().sf(true).sc(2).sn(5).ml(100), new byte[50])),
                c("message body that is not a map", "drop_message_bad_body", x -> x.signed(x.messageHead(),
                        Coat.seal(CoatKind.NACL, x.alphaAtBeta().sessionKey, "[1,2]".getBytes()))),
                c("message body that is not UTF-8", "drop_message_bad_body", x -> x.signed(x.messageHead(),
                        Coat.seal(CoatKind.NACL, x.alphaAtBeta().sessionKey,
                                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, (byte) 0xfe, '"', '}'}))),
                c("join name not UTF-8", "drop_invalid_join_body", x -> {
                    byte[] j = joinJson("\"NAME\"", "\"r\"").getBytes(StandardCharsets.US_ASCII);
                    String s = new String(j, StandardCharsets.ISO_8859_1);
                    int at = s.indexOf("NAME");
                    j[at] = (byte) 0xc3;
                    j[at + 1] = (byte) 0x28;
                    return joinRequest(j, 77);
                }),
                c("join name with an unpaired surrogate", "drop_invalid_join_name",
                        x -> joinRequest(joinJson("\"ev\\udc80il\"", "\"r\"").getBytes(), 78)),
                c("join name with a path separator", "drop_invalid_join_name",
                        x -> joinRequest(joinJson("\"../../etc\"", "\"r\"").getBytes(), 79)),
                c("join role with a control character", "drop_invalid_join_name",
                        x -> joinRequest(joinJson("\"fine\"", "\"r\\u0001\"").getBytes(), 80)),
                c("join body not JSON", "drop_invalid_join_body",
                        x -> joinRequest("{not json".getBytes(), 81)),
                c("replayed message within the session", "drop_duplicate_message", x -> x.genuine().clone()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void badInputIsDroppedAndCounted(String name, String counter, Maker maker) throws Exception {
        SimNetwork net = new SimNetwork(name.hashCode());
        RoadEngine[] p = RoadEngineSimTest.pair(net);
        RoadEngine alpha = p[0];
        RoadEngine beta = p[1];
        // One genuine message first: its packet is the base of some cases.
        byte[][] genuine = {null};
        net.filter = d -> {
            if (genuine[0] == null && d.length > 200
                    && new String(d, 0, 60, StandardCharsets.ISO_8859_1).contains("fg 04")) {
                genuine[0] = d.clone();
            }
            return true;
        };
        beta.send("alpha", body("genuine"), null, net.now);
        assertThat(net.runUntil(() -> net.events(beta, RoadEvent.Delivered.class).size() == 1, 5 * S)).isTrue();
        net.filter = d -> true;
        assertThat(genuine[0]).isNotNull();

        Ctx ctx = new Ctx(alpha, beta, beta.peer("alpha"), alpha.peer("beta"), genuine[0]);
        byte[] bad = maker.make(ctx);
        Map<String, Long> before = alpha.stats().snapshot();
        int messagesBefore = net.events(alpha, RoadEvent.Message.class).size();
        int remotesBefore = alpha.remotes().size();

        alpha.receive(bad, 0, bad.length, SimNetwork.address(7541), net.now);
        net.run(2 * S);

        Map<String, Long> after = alpha.stats().snapshot();
        assertThat(after.getOrDefault(counter, 0L) - before.getOrDefault(counter, 0L))
                .as("%s counted as %s; stats %s", name, counter, after).isEqualTo(1);
        assertThat(after.get("dropped") - before.getOrDefault("dropped", 0L)).isGreaterThanOrEqualTo(1);
        assertThat(net.events(alpha, RoadEvent.Message.class)).hasSize(messagesBefore);
        assertThat(alpha.remotes()).hasSize(remotesBefore);
        assertThat(after.getOrDefault("drop_internal_error", 0L)).isZero();

        // The session still works both ways.
        beta.send("alpha", body("after"), null, net.now);
        alpha.send("beta", body("back"), null, net.now);
        assertThat(net.runUntil(() -> net.events(alpha, RoadEvent.Message.class).size() == messagesBefore + 1
                && net.events(beta, RoadEvent.Message.class).size() == 1, 10 * S)).isTrue();
    }
}
