package io.raet.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.FootKind;
import io.raet.codec.HeadKind;
import io.raet.codec.PacketKind;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.codec.TransactionKind;
import io.raet.crypto.Hex;
import io.raet.crypto.SigningKey;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DecodeCommandTest {
    /** An alive request captured from the reference (signed; empty body, so an empty coat). */
    static final String ALIVE = "726920524145540a706c20303039300a686c2035300a66672030300a706b20340a736520320a"
            + "646520320a736920320a746920330a746b20340a626b20310a636b20310a666b20310a666c20"
            + "34300a0a45b2be7cc1fd62826dd65e61f0859e3d10d5c8372ef327475d566af5f95a83d3974a"
            + "0ddbd29172c95bac2549420e24ef56aeab51f66c963970b9d29824ceb303";

    static String joinRequest(HeadKind hk) throws Exception {
        byte[] body = "{\"name\":\"other\",\"mode\":0}".getBytes(StandardCharsets.US_ASCII);
        RoadHead h = new RoadHead().hk(hk).pk(PacketKind.REQUEST).tk(TransactionKind.JOIN).se(2).ti(1)
                .bk(BodyKind.JSON);
        return Hex.encode(RoadCodec.encode(h, body, null, 1024));
    }

    @Test
    void aliveRequestAsJson() throws Exception {
        CliRun r = CliRun.run("decode", "--json", ALIVE);
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> f = Json.parseObject(r.out().strip());
        assertThat(f).containsEntry("pk", 4).containsEntry("packet_kind", "request").containsEntry("tk", 4)
                .containsEntry("transaction_kind", "alive").containsEntry("pl", 144).containsEntry("hl", 80)
                .containsEntry("hk", 0).containsEntry("se", 2).containsEntry("de", 2).containsEntry("si", 2)
                .containsEntry("ti", 3).containsEntry("sn", 0).containsEntry("sc", 1).containsEntry("ml", 0)
                .containsEntry("bk", 1).containsEntry("ck", 1).containsEntry("coat_kind", "nacl")
                .containsEntry("fk", 1).containsEntry("fl", 64).containsEntry("fg", "00").containsEntry("cf", false)
                .containsEntry("coat_length", 0)
                .containsEntry("signature", ALIVE.substring(ALIVE.length() - 128));
    }

    @Test
    void joinRequestAsTextWithItsBody() throws Exception {
        CliRun r = CliRun.run("decode", joinRequest(HeadKind.RAET));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("join transaction, request packet (tk 1, pk 4)")
                .contains("ids      se 2  de 0  si 0  ti 1")
                .contains("kinds    bk 1 json  ck 0 nada  fk 0 nada  fl 0")
                .contains("body     {\"name\":\"other\",\"mode\":0}");
    }

    @Test
    void jsonHeadAndSegmentFields() throws Exception {
        byte[] coat = new byte[100];
        RoadHead h = new RoadHead().hk(HeadKind.JSON).se(5).de(6).si(7).ti(8).sn(2).sc(3).ml(2570).sf(true).wf(true)
                .bk(BodyKind.JSON).ck(CoatKind.NACL).fk(FootKind.NACL);
        String seg = Hex.encode(RoadCodec.encode(h, coat, SigningKey.generate(), 1024));
        CliRun r = CliRun.run("decode", "--json", seg);
        assertThat(r.code()).as(r.err()).isZero();
        Map<String, Object> f = Json.parseObject(r.out().strip());
        assertThat(f).containsEntry("hk", 1).containsEntry("head_kind", "json").containsEntry("sn", 2)
                .containsEntry("sc", 3).containsEntry("ml", 2570).containsEntry("sf", true).containsEntry("wf", true)
                .containsEntry("fg", "0c").containsEntry("coat_length", 100)
                .containsEntry("nonce", "00".repeat(24));
    }

    @Test
    void standardInputOneALineAndAMalformedDatagramNamed() throws Exception {
        String good = joinRequest(HeadKind.JSON);
        // pl says one byte more than the datagram has
        String bad = Hex.encode(new String(Hex.decode(ALIVE), StandardCharsets.ISO_8859_1)
                .replace("pl 0090", "pl 0091").getBytes(StandardCharsets.ISO_8859_1));
        CliRun r = CliRun.withInput(good + "\n\n" + bad + "\n", "decode", "--json");
        assertThat(r.code()).isEqualTo(DecodeCommand.MALFORMED);
        List<String> lines = r.out().strip().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(Json.parseObject(lines.get(0))).containsEntry("hk", 1).containsEntry("tk", 1);
        assertThat(Json.parseObject(lines.get(1))).containsEntry("datagram", 2)
                .containsEntry("error", "bad length: head field pl = 145 but the datagram is 144 bytes");
        assertThat(r.err().strip()).isEqualTo(
                "raet decode: datagram 2: bad length: head field pl = 145 but the datagram is 144 bytes");
    }

    @Test
    void eachKindOfBadInputIsOneLine() {
        CliRun notHex = CliRun.run("decode", "72692z");
        assertThat(notHex.code()).isEqualTo(DecodeCommand.MALFORMED);
        assertThat(notHex.err().strip()).isEqualTo("raet decode: datagram 1: not hex: not a hex digit at position 5");
        CliRun junk = CliRun.run("decode", Hex.encode("hello".getBytes(StandardCharsets.US_ASCII)));
        assertThat(junk.err().strip()).isEqualTo("raet decode: datagram 1: malformed head: unrecognizable packet head");
        CliRun unknownField = CliRun.run("decode",
                Hex.encode("ri RAET\npl 0019\nhl 19\nfg 00\nzz 1\n\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(unknownField.err().strip())
                .isEqualTo("raet decode: datagram 1: unknown field: unknown head field 'zz'");
        CliRun nothing = CliRun.withInput("\n", "decode");
        assertThat(nothing.code()).isEqualTo(DecodeCommand.MALFORMED);
        assertThat(nothing.err()).contains("no datagram given");
        for (CliRun r : new CliRun[] {notHex, junk, unknownField, nothing}) {
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(r.out()).isEmpty();
        }
    }
}
