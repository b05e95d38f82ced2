package io.raet.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import io.raet.crypto.BoxKeyPair;
import io.raet.crypto.Hex;
import io.raet.crypto.PublicKey;
import io.raet.crypto.SharedKey;
import io.raet.crypto.SigningKey;
import io.raet.crypto.VerifyKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Replays every datagram, box and page the reference produced and checks the codec against each byte. */
class VectorReplayTest {
    private static final Map<String, BoxKeyPair> SECRETS = Vectors.boxSecrets();

    @Test
    void everyVectorFileIsPresent() {
        assertThat(Vectors.files("*.jsonl").stream().map(p -> p.getFileName().toString()))
                .contains("join.jsonl", "allow.jsonl", "alive.jsonl", "message_small.jsonl",
                        "message_small_msgpack.jsonl", "message_segmented.jsonl", "lane_page.jsonl",
                        "lane_paged.jsonl");
    }

    // ------------------------------------------------------------------------------------------ road packets

    @TestFactory
    List<DynamicTest> roadPackets() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : Vectors.files("*.jsonl")) {
            JsonNode meta = Vectors.lines(file, "meta").getFirst();
            if (!meta.has("estates")) {
                continue;
            }
            JsonNode session = Vectors.lines(file, "session").getFirst();
            for (JsonNode p : Vectors.lines(file, "packet")) {
                tests.add(dynamicTest(file.getFileName() + " seq " + p.get("seq").asInt(),
                        () -> checkPacket(meta, session, p)));
            }
        }
        assertThat(tests).hasSize(25);
        return tests;
    }

    private static void checkPacket(JsonNode meta, JsonNode session, JsonNode p) throws Exception {
        byte[] wire = Vectors.hex(p.get("hex"));
        assertThat(wire).hasSize(p.get("len").asInt());
        // parse from an offset inside a larger buffer to check the offset arithmetic too
        byte[] buf = new byte[wire.length + 7];
        System.arraycopy(wire, 0, buf, 3, wire.length);
        ParsedPacket pp = RoadCodec.parse(buf, 3, wire.length);
        RoadHead h = pp.head();

        // header fields exactly as written on the wire
        JsonNode head = p.get("head");
        for (Iterator<Map.Entry<String, JsonNode>> it = head.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertThat(wireValue(h, e.getKey())).as("field %s", e.getKey()).isEqualTo(e.getValue().asText());
        }
        assertThat(h.hl()).isEqualTo(p.get("head_len").asInt());
        assertThat(h.pl()).isEqualTo(wire.length);
        assertThat(Hex.encode(pp.coat())).isEqualTo(p.get("coat_hex").asText());
        String foot = p.get("foot_hex").asText();
        assertThat(Hex.encode(wire, wire.length - h.fl(), h.fl())).isEqualTo(foot);

        // signature with the sender's long-term key, and not with the receiver's
        JsonNode from = meta.get("estates").get(p.get("from").asText());
        JsonNode to = meta.get("estates").get(p.get("to").asText());
        if (h.fk() == FootKind.NACL) {
            assertThat(p.get("sig_check").asBoolean()).isTrue();
            assertThat(pp.signed()).isTrue();
            assertThat(pp.verify(VerifyKey.fromHex(from.get("verhex").asText()))).isTrue();
            assertThat(pp.verify(VerifyKey.fromHex(to.get("verhex").asText()))).isFalse();
        } else {
            assertThat(foot).isEmpty();
            assertThat(pp.verify(VerifyKey.fromHex(from.get("verhex").asText()))).isFalse();
        }

        // coat → body
        byte[] coat = pp.coat();
        if (h.sc() == 1) {
            SharedKey key = null;
            if (h.ck() == CoatKind.NACL) {
                // the receiver's session secret with the sender's session public key
                JsonNode view = session.get("remotes").get(p.get("to").asText() + "->" + p.get("from").asText());
                key = BoxKeyPair.fromHex(view.get("short_prihex").asText())
                        .sharedKey(PublicKey.fromHex(view.get("peer_short_pubhex").asText()));
            }
            byte[] body = Coat.open(h.ck(), key, buf, pp.coatOffset(), pp.coatLength());
            if (p.has("body_hex")) {
                assertThat(Hex.encode(body)).isEqualTo(p.get("body_hex").asText());
            } else {
                assertThat(body).isEmpty();
            }
            if (p.has("body_text")) {
                assertThat(new String(body, StandardCharsets.UTF_8)).isEqualTo(p.get("body_text").asText());
            }
            checkBodyRoundTrip(h.bk(), body);
        }

        // re-encode: same head, same coat, same key → the same datagram
        SigningKey signer = SigningKey.fromHex(from.get("sighex").asText());
        RoadHead again = h.copy().pl(0).hl(0).fl(0);
        byte[] encoded = RoadCodec.encode(again, coat, signer, RoadCodec.MAX_PACKET_SIZE);
        assertThat(Hex.encode(encoded)).isEqualTo(Hex.encode(wire));
        assertThat(again).isEqualTo(h);
    }

    /** Deserializes a body and serializes it again: the bytes must not change. */
    static void checkBodyRoundTrip(BodyKind bk, byte[] body) throws PacketException {
        Object decoded = Body.decode(bk, body, 0, body.length);
        if (bk == BodyKind.RAW) {
            assertThat((byte[]) decoded).isEqualTo(body);
        } else {
            assertThat(decoded).isInstanceOf(Map.class);
        }
        if (bk != BodyKind.NADA) {
            assertThat(Hex.encode(Body.encode(bk, decoded))).isEqualTo(Hex.encode(body));
        }
    }

    /** How the reference writes field {@code key} of {@code h} in a RAET head. */
    static String wireValue(RoadHead h, String key) {
        return switch (key) {
            case "ri" -> "RAET";
            case "pl" -> String.format("%04x", h.pl());
            case "hl" -> String.format("%02x", h.hl());
            case "fg" -> String.format("%02x", h.fg());
            case "vn" -> Integer.toHexString(h.vn());
            case "pk" -> Integer.toHexString(h.pk().code());
            case "hk" -> Integer.toHexString(h.hk().code());
            case "se" -> Long.toHexString(h.se());
            case "de" -> Long.toHexString(h.de());
            case "si" -> Long.toHexString(h.si());
            case "ti" -> Long.toHexString(h.ti());
            case "tk" -> Integer.toHexString(h.tk().code());
            case "oi" -> Long.toHexString(h.oi());
            case "sn" -> Integer.toHexString(h.sn());
            case "sc" -> Integer.toHexString(h.sc());
            case "ml" -> Integer.toHexString(h.ml());
            case "bk" -> Integer.toHexString(h.bk().code());
            case "ck" -> Integer.toHexString(h.ck().code());
            case "fk" -> Integer.toHexString(h.fk().code());
            case "fl" -> Integer.toHexString(h.fl());
            default -> throw new AssertionError("unexpected head field in vector: " + key);
        };
    }

    // ------------------------------------------------------------------------------------------ boxes

    @TestFactory
    List<DynamicTest> boxes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : Vectors.files("*.jsonl")) {
            Map<Integer, JsonNode> packetsByBox = new HashMap<>();
            for (JsonNode p : Vectors.lines(file, "packet")) {
                if (p.has("box_id")) {
                    packetsByBox.put(p.get("box_id").asInt(), p);
                }
            }
            for (JsonNode box : Vectors.lines(file, "box")) {
                tests.add(dynamicTest(file.getFileName() + " box " + box.get("box_id").asInt(),
                        () -> checkBox(box, packetsByBox.get(box.get("box_id").asInt()))));
            }
        }
        assertThat(tests).hasSize(8);
        return tests;
    }

    private static void checkBox(JsonNode box, JsonNode packet) throws Exception {
        String senderPub = box.get("sender_pub").asText();
        String recipientPub = box.get("recipient_pub").asText();
        byte[] nonce = Vectors.hex(box.get("nonce"));
        byte[] plain = Vectors.hex(box.get("plain_hex"));
        byte[] cipher = Vectors.hex(box.get("cipher_hex"));
        assertThat(box.get("open_check").asBoolean()).isTrue();
        assertThat(SECRETS).as("secret of the recipient").containsKey(recipientPub);
        assertThat(SECRETS).as("secret of the sender").containsKey(senderPub);

        // open: crypto_box_open(cipher, nonce, sender_pub, recipient_secret)
        SharedKey opener = SECRETS.get(recipientPub).sharedKey(PublicKey.fromHex(senderPub));
        assertThat(opener.open(cipher, nonce)).isEqualTo(plain);
        // seal again with the recorded nonce: the same box
        SharedKey sealer = SECRETS.get(senderPub).sharedKey(PublicKey.fromHex(recipientPub));
        assertThat(Hex.encode(sealer.seal(plain, nonce))).isEqualTo(Hex.encode(cipher));
        if (box.has("plain_text")) {
            assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(box.get("plain_text").asText());
        }

        // the coat layout of a single-packet message: box ‖ nonce, opened by Coat.open
        byte[] coatLayout = concat(cipher, nonce);
        assertThat(Coat.open(CoatKind.NACL, opener, coatLayout, 0, coatLayout.length)).isEqualTo(plain);
        if (packet != null) {
            assertThat(packet.get("coat_hex").asText()).isEqualTo(Hex.encode(coatLayout));
        }
    }

    // ------------------------------------------------------------------------------------------ segments

    @Test
    void segmentedMessageReassemblesAndOpens() throws Exception {
        Path file = Vectors.dir().resolve("message_segmented.jsonl");
        JsonNode meta = Vectors.lines(file, "meta").getFirst();
        JsonNode box = Vectors.lines(file, "box").getFirst();
        List<JsonNode> segments = Vectors.lines(file, "packet").stream()
                .filter(p -> p.has("segment_of_box_id"))
                .sorted(Comparator.comparingInt((JsonNode p) -> p.get("seq").asInt()).reversed())
                .toList();
        assertThat(segments).hasSize(6);

        List<ParsedPacket> parsed = new ArrayList<>();
        for (JsonNode s : segments) {
            byte[] wire = Vectors.hex(s.get("hex"));
            parsed.add(RoadCodec.parse(wire, 0, wire.length));
        }
        Reassembly r = Reassembly.of(parsed.getFirst().head());
        for (ParsedPacket p : parsed) {
            // added in reverse order: segment 5 first
            assertThat(r.complete()).isFalse();
            assertThat(r.add(p)).isTrue();
            assertThat(r.add(p)).as("duplicate").isFalse();
        }
        assertThat(r.complete()).isTrue();
        assertThat(r.highest()).isEqualTo(5);
        byte[] coat = r.coat();
        byte[] cipher = Vectors.hex(box.get("cipher_hex"));
        byte[] nonce = Vectors.hex(box.get("nonce"));
        assertThat(Hex.encode(coat)).isEqualTo(Hex.encode(concat(cipher, nonce)));
        assertThat(coat).hasSize(parsed.getFirst().head().ml());

        SharedKey key = SECRETS.get(box.get("recipient_pub").asText())
                .sharedKey(PublicKey.fromHex(box.get("sender_pub").asText()));
        byte[] body = Coat.open(CoatKind.NACL, key, coat, 0, coat.length);
        assertThat(Hex.encode(body)).isEqualTo(box.get("plain_hex").asText());
        checkBodyRoundTrip(BodyKind.JSON, body);

        // the sender side: same segment size, same slices, same signed packets
        RoadHead base = parsed.getFirst().head().copy().sn(0).sc(1).ml(0).sf(false).wf(false);
        int segsize = Segmentation.segmentSize(base, RoadCodec.MAX_PACKET_SIZE);
        assertThat(segsize).isEqualTo(RoadCodec.segmentSize(base, RoadCodec.MAX_PACKET_SIZE));
        int count = Segmentation.segmentCount(coat.length, segsize);
        assertThat(count).isEqualTo(6);
        SigningKey signer = SigningKey.fromHex(meta.get("estates").get("beta").get("sighex").asText());
        List<JsonNode> inOrder = segments.reversed();
        for (int i = 0; i < count; i++) {
            RoadHead h = base.copy().sn(i).sc(count).ml(coat.length).sf(true).wf(i == count - 1);
            byte[] packet = RoadCodec.encode(h, coat, Segmentation.segmentOffset(i, segsize),
                    Segmentation.segmentLength(i, segsize, coat.length), signer, RoadCodec.MAX_PACKET_SIZE);
            assertThat(Hex.encode(packet)).as("segment %d", i).isEqualTo(inOrder.get(i).get("hex").asText());
            assertThat(packet.length).isLessThanOrEqualTo(RoadCodec.MAX_PACKET_SIZE);
        }
    }

    // ------------------------------------------------------------------------------------------ lane pages

    @TestFactory
    List<DynamicTest> lanePages() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : Vectors.files("lane*.jsonl")) {
            for (JsonNode p : Vectors.lines(file, "page")) {
                tests.add(dynamicTest(file.getFileName() + " seq " + p.get("seq").asInt(), () -> checkPage(p)));
            }
        }
        assertThat(tests).hasSize(3);
        return tests;
    }

    private static void checkPage(JsonNode p) throws Exception {
        byte[] wire = Vectors.hex(p.get("hex"));
        assertThat(wire).hasSize(p.get("len").asInt());
        ParsedPage page = LaneCodec.parse(wire, 0, wire.length);
        LaneHead h = page.head();
        JsonNode head = p.get("head");
        assertThat(head.get("ri").asText()).isEqualTo("RAET");
        assertThat(Integer.toHexString(h.vn())).isEqualTo(head.get("vn").asText());
        assertThat(Integer.toHexString(h.pk().code())).isEqualTo(head.get("pk").asText());
        assertThat(h.sn()).isEqualTo(head.get("sn").asText());
        assertThat(h.dn()).isEqualTo(head.get("dn").asText());
        assertThat(h.si()).isEqualTo(head.get("si").asText());
        assertThat(Long.toHexString(h.bi())).isEqualTo(head.get("bi").asText());
        assertThat(String.format("%04x", h.pn())).isEqualTo(head.get("pn").asText());
        assertThat(String.format("%04x", h.pc())).isEqualTo(head.get("pc").asText());
        assertThat(page.headLength()).isEqualTo(p.get("head_len").asInt());
        assertThat(page.bodyLength()).isEqualTo(wire.length - page.headLength());
        if (p.has("body_hex")) {
            assertThat(Hex.encode(page.body())).isEqualTo(p.get("body_hex").asText());
        }
        if (p.has("body_text")) {
            assertThat(new String(page.body(), StandardCharsets.UTF_8)).isEqualTo(p.get("body_text").asText());
        }
        assertThat(Hex.encode(LaneCodec.encode(h, page.body()))).isEqualTo(Hex.encode(wire));
    }

    @Test
    void singlePageMessage() throws Exception {
        Path file = Vectors.dir().resolve("lane_page.jsonl");
        JsonNode meta = Vectors.lines(file, "meta").getFirst();
        JsonNode p = Vectors.lines(file, "page").getFirst();
        byte[] wire = Vectors.hex(p.get("hex"));
        LaneBook book = new LaneBook();
        assertThat(book.add(LaneCodec.parse(wire, 0, wire.length))).isTrue();
        Map<String, Object> msg = book.message();
        assertThat((JsonNode) Vectors.MAPPER.valueToTree(msg)).isEqualTo(meta.get("received_body"));
        byte[] body = book.body();
        assertThat(Body.encode(PackKind.JSON, msg)).isEqualTo(body);
        assertThat(LaneCodec.paginate(book.head(), body, LaneCodec.MAX_PAGE_SIZE))
                .singleElement().satisfies(page -> assertThat(page).isEqualTo(wire));
    }

    @Test
    void pagedMessage() throws Exception {
        Path file = Vectors.dir().resolve("lane_paged.jsonl");
        JsonNode meta = Vectors.lines(file, "meta").getFirst();
        List<JsonNode> pages = Vectors.lines(file, "page");
        assertThat(pages).hasSize(2);
        LaneBook book = new LaneBook();
        byte[] first = Vectors.hex(pages.get(0).get("hex"));
        byte[] second = Vectors.hex(pages.get(1).get("hex"));
        LaneBook wrongStart = new LaneBook();
        assertThat(catchReason(() -> wrongStart.add(LaneCodec.parse(second, 0, second.length))))
                .isEqualTo(Reason.BAD_PAGE);
        assertThat(book.add(LaneCodec.parse(first, 0, first.length))).isFalse();
        assertThat(book.add(LaneCodec.parse(first, 0, first.length))).as("duplicate").isFalse();
        assertThat(book.add(LaneCodec.parse(second, 0, second.length))).isTrue();
        byte[] body = book.body();
        assertThat(body).hasSize(meta.get("received_body_json_len").asInt());
        assertThat(Hex.encode(MessageDigest.getInstance("SHA-256").digest(body)))
                .isEqualTo(meta.get("received_body_sha256").asText());
        Map<String, Object> msg = book.message();
        assertThat(Body.encode(PackKind.JSON, msg)).isEqualTo(body);

        List<byte[]> again = LaneCodec.paginate(book.head(), body, LaneCodec.MAX_PAGE_SIZE);
        assertThat(again).hasSize(2);
        assertThat(Arrays.equals(again.get(0), first)).isTrue();
        assertThat(Arrays.equals(again.get(1), second)).isTrue();
    }

    // ------------------------------------------------------------------------------------------ helpers

    interface Action {
        void run() throws Exception;
    }

    static Reason catchReason(Action a) {
        try {
            a.run();
        } catch (PacketException e) {
            return e.reason();
        } catch (Exception e) {
            throw new AssertionError("expected a PacketException, got " + e, e);
        }
        throw new AssertionError("expected a PacketException, nothing was thrown");
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
