package io.raet.codec;

import static io.raet.codec.VectorReplayTest.catchReason;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Lane page strictness, pagination, books; segment sizes and reassembly rules. */
class LaneAndSegmentTest {
    static final String GOOD = "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi 6611275cf752739267\nbi 1\npn 0000\npc 0001\n\n";

    static Reason pageReason(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        return catchReason(() -> LaneCodec.parse(b, 0, b.length));
    }

    @Test
    void referenceTestPage() throws Exception {
        String text = "ri RAET\nvn 0\npk 0\nsn \ndn \nsi 000000000000000000\nbi 0\npn 0000\npc 0001\n\n"
                + "{\"route\":{\"src\":[\"mayor\",\"main\",null],\"dst\":[\"citizen\",\"other\",null]},"
                + "\"content\":\"Hello all yards.\"}";
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        assertThat(b).hasSize(169);
        ParsedPage p = LaneCodec.parse(b, 0, b.length);
        assertThat(p.head()).isEqualTo(new LaneHead());
        assertThat(LaneCodec.encode(new LaneHead(), p.body())).isEqualTo(b);
        assertThat(Body.encode(PackKind.JSON, Body.decode(PackKind.JSON, b, p.bodyOffset(), p.bodyLength())))
                .isEqualTo(p.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "", "ri RAET", "ri RAET\n", "RAET\n\n", "ri RAET\nvn 0\n",
        "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi x\nbi 1\npn 0000\n\n", // pc missing
        "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi x\nbi 1\npn 0000\npc 0001\npc 0001\n\n", // repeated
        "ri RAET\nvn 0\npk 0\nsn  beta\ndn alpha\nsi x\nbi 1\npn 0000\npc 0001\n\n", // two spaces
        "ri RAET\nvn 0\npk 0\nsn\ndn alpha\nsi x\nbi 1\npn 0000\npc 0001\n\n", // no space
        "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi 0123456789012345678\nbi 1\npn 0000\npc 0001\n\n", // si 19
        "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi x\nbi 1\npn 0001\npc 0001\n\n", // pn = pc
        "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi x\nbi 1\npn 0000\npc 0000\n\n", // pc 0
        "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi x\nbi -1\npn 0000\npc 0001\n\n", // bad hex
        "ri RAET\nvn 0\npk 0\nsn beta\ndn alpha\nsi x\nbi \npn 0000\npc 0001\n\n", // empty hex
        "ri RAET\nri RAFT\nvn 0\npk 0\nsn beta\ndn alpha\nsi x\nbi 1\npn 0000\npc 0001\n\n",
    })
    void malformedPages(String text) {
        assertThat(pageReason(text)).isEqualTo(Reason.BAD_PAGE);
    }

    @Test
    void pageReasons() {
        assertThat(pageReason(GOOD.replace("vn 0", "vn 1"))).isEqualTo(Reason.BAD_VERSION);
        assertThat(pageReason(GOOD.replace("pk 0", "pk 2"))).isEqualTo(Reason.UNKNOWN_KIND);
        assertThat(pageReason(GOOD.replace("bi 1", "xx 1"))).isEqualTo(Reason.UNKNOWN_FIELD);
        byte[] badName = GOOD.replace("beta", "b?ta").getBytes(StandardCharsets.US_ASCII);
        badName[GOOD.indexOf("beta") + 1] = (byte) 0xff;
        assertThat(catchReason(() -> LaneCodec.parse(badName, 0, badName.length))).isEqualTo(Reason.BAD_PAGE);
        byte[] tolerant = GOOD.replace("pn 0000", "pn 0").replace("bi 1", "bi 00A").getBytes(StandardCharsets.US_ASCII);
        assertThat(assertParses(tolerant).bi()).isEqualTo(10);
    }

    private static LaneHead assertParses(byte[] b) {
        try {
            return LaneCodec.parse(b, 0, b.length).head();
        } catch (PacketException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void encodeRejectsUnsendableHeads() {
        assertThat(catchReason(() -> LaneCodec.encode(new LaneHead().sn("a b"), null))).isEqualTo(Reason.BAD_PAGE);
        assertThat(catchReason(() -> LaneCodec.encode(new LaneHead().dn("a\nb"), null))).isEqualTo(Reason.BAD_PAGE);
        assertThat(catchReason(() -> LaneCodec.encode(new LaneHead().si("x".repeat(19)), null)))
                .isEqualTo(Reason.BAD_PAGE);
        assertThat(catchReason(() -> LaneCodec.encode(new LaneHead().pn(1), null))).isEqualTo(Reason.BAD_PAGE);
        assertThat(catchReason(() -> LaneCodec.encode(new LaneHead(), new byte[LaneCodec.MAX_PAGE_SIZE])))
                .isEqualTo(Reason.TOO_LARGE);
    }

    @Test
    void paginationAndBooks() throws Exception {
        LaneHead t = new LaneHead().sn("beta").dn("alpha").si("abc").bi(7).pk(PackKind.MSGPACK);
        byte[] body = new byte[1000];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) i;
        }
        List<byte[]> pages = LaneCodec.paginate(t, body, 300);
        int headsize = LaneCodec.headSize(t);
        int secsize = 300 - (headsize + 2);
        assertThat(pages).hasSize((1000 + secsize - 1) / secsize);
        LaneBook book = new LaneBook();
        for (int i = pages.size() - 1; i >= 1; i--) {
            byte[] p = pages.get(i);
            ParsedPage pp = LaneCodec.parse(p, 0, p.length);
            assertThat(pp.head().pn()).isEqualTo(i);
            assertThat(pp.head().pc()).isEqualTo(pages.size());
            assertThat(p.length).isLessThanOrEqualTo(300);
            LaneBook fresh = new LaneBook();
            assertThat(catchReason(() -> fresh.add(pp))).as("missed page").isEqualTo(Reason.BAD_PAGE);
        }
        for (byte[] p : pages.reversed()) {
            ParsedPage pp = LaneCodec.parse(p, 0, p.length);
            if (pp.head().pn() == 0 || book.head() != null) {
                book.add(pp);
            }
        }
        assertThat(book.complete()).isFalse();
        for (byte[] p : pages) {
            book.add(LaneCodec.parse(p, 0, p.length));
        }
        assertThat(book.complete()).isTrue();
        assertThat(book.body()).isEqualTo(body);

        byte[] other = LaneCodec.encode(t.copy().bi(8).pn(1).pc(pages.size()), new byte[1]);
        assertThat(catchReason(() -> book.add(LaneCodec.parse(other, 0, other.length)))).isEqualTo(Reason.BAD_PAGE);
        assertThat(LaneBook.Key.of(t)).isEqualTo(new LaneBook.Key("alpha", "beta", "abc", 7));
        assertThat(LaneCodec.paginate(t, new byte[0], 300)).hasSize(1);
        assertThat(catchReason(() -> LaneCodec.paginate(t, body, headsize + 2))).isEqualTo(Reason.TOO_LARGE);
    }

    // ------------------------------------------------------------------------------ segments

    @Test
    void segmentSizeAsTheReference() {
        RoadHead msg = new RoadHead().se(2).de(2).si(2).ti(6).bk(BodyKind.JSON).ck(CoatKind.NACL).fk(FootKind.NACL)
                .wf(true);
        // head 70 bytes, extra 27, foot 64
        assertThat(Segmentation.segmentSize(msg, 1024)).isEqualTo(1024 - (70 + 27 + 64));
        assertThat(Segmentation.segmentSize(msg.copy().sn(3).sc(9).ml(5000).sf(true), 1024)).isEqualTo(863);
        RoadHead json = msg.copy().hk(HeadKind.JSON);
        assertThat(Segmentation.segmentSize(json, 1024))
                .isEqualTo(1024 - (RoadCodec.headSize(json) + 36 + 64));
        assertThat(Segmentation.segmentCount(5026, 863)).isEqualTo(6);
        assertThat(Segmentation.segmentCount(863 * 2, 863)).isEqualTo(2);
        assertThat(Segmentation.segmentCount(0, 863)).isZero();
        assertThat(Segmentation.segmentLength(5, 863, 5026)).isEqualTo(5026 - 5 * 863);
        assertThat(Segmentation.segmentLength(6, 863, 5026)).isZero();
    }

    @Test
    void reassemblyRules() throws Exception {
        Reassembly r = new Reassembly(3, 10);
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(catchReason(() -> r.add(3, data, 0, 1))).isEqualTo(Reason.BAD_SEGMENT);
        assertThat(catchReason(() -> r.add(-1, data, 0, 1))).isEqualTo(Reason.BAD_SEGMENT);
        assertThat(catchReason(() -> r.add(0, 4, data, 0, 1))).as("sc mismatch").isEqualTo(Reason.BAD_SEGMENT);
        assertThat(catchReason(() -> r.add(0, data, 0, 11 - 1 + 1 - 1 + 1))).as("range").isEqualTo(Reason.BAD_LENGTH);
        assertThat(r.add(2, data, 8, 2)).isTrue();
        assertThat(r.highest()).isEqualTo(2);
        assertThat(r.missing(0, 3)).containsExactly(0, 1);
        assertThat(r.missing(0, r.highest())).containsExactly(0, 1);
        assertThat(r.missing(0, 3, 1)).containsExactly(0);
        assertThat(catchReason(r::coat)).isEqualTo(Reason.BAD_SEGMENT);
        assertThat(r.add(2, data, 0, 2)).as("duplicate ignored").isFalse();
        assertThat(catchReason(() -> r.add(0, data, 0, 9))).as("beyond ml").isEqualTo(Reason.BAD_SEGMENT);
        assertThat(r.add(0, data, 0, 4)).isTrue();
        assertThat(r.complete()).isFalse();
        assertThat(r.add(1, data, 4, 4)).isTrue();
        assertThat(r.complete()).isTrue();
        assertThat(r.coat()).isEqualTo(data);
        assertThat(r.missing(0, 3)).isEmpty();

        Reassembly shortOne = new Reassembly(2, 10);
        shortOne.add(0, data, 0, 3);
        shortOne.add(1, data, 3, 3);
        assertThat(shortOne.complete()).isTrue();
        assertThat(catchReason(shortOne::coat)).as("total != ml").isEqualTo(Reason.BAD_SEGMENT);

        assertThat(catchReason(() -> new Reassembly(0, 0).add(0, data, 0, 1))).isEqualTo(Reason.BAD_SEGMENT);
        assertThat(catchReason(() -> new Reassembly(2, RoadCodec.MAX_MESSAGE_SIZE + 1).add(0, data, 0, 1)))
                .isEqualTo(Reason.BAD_SEGMENT);
        Reassembly huge = new Reassembly(Integer.MAX_VALUE, RoadCodec.MAX_MESSAGE_SIZE);
        assertThat(huge.add(Integer.MAX_VALUE - 1, data, 0, 1)).isTrue();
        assertThat(huge.missing(0, Integer.MAX_VALUE, 64)).hasSize(64);
        Reassembly single = new Reassembly(1, 0);
        assertThat(single.add(0, data, 0, 10)).isTrue();
        assertThat(single.coat()).isEqualTo(data);
        assertThat(Arrays.equals(single.coat(), data)).isTrue();
    }
}
