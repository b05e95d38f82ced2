package io.raet.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.raet.codec.Vectors;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every {@code crypto_box} and every packet signature recorded from the reference implementation, recomputed
 * and checked with our crypto (and the Bouncy Castle oracle).
 */
class ReferenceVectorCryptoTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ROAD_FILES = List.of("join.jsonl", "allow.jsonl", "alive.jsonl",
            "message_small.jsonl", "message_small_msgpack.jsonl", "message_segmented.jsonl");

    private static Path dir;
    private static JsonNode keys;
    /** Every secret of the vectors (long-term and session), by its public key. */
    private static final Map<String, String> SECRET_BY_PUBLIC = new HashMap<>();

    record Line(String file, JsonNode node) {
        String type() {
            return node.path("type").asText();
        }

        String text(String field) {
            return node.path(field).asText();
        }

        @Override
        public String toString() {
            return file + " " + type() + " seq=" + node.path("seq").asText() + " box_id=" + node.path("box_id").asText();
        }
    }

    @BeforeAll
    static void load() throws IOException {
        dir = Vectors.dir();
        keys = JSON.readTree(dir.resolve("keys.json").toFile());
        for (String estate : List.of("alpha", "beta")) {
            String prihex = keys.path(estate).path("prihex").asText();
            SECRET_BY_PUBLIC.put(BoxKeyPair.fromHex(prihex).publicKey().hex(), prihex);
        }
        for (Line l : lines()) {
            if (l.type().equals("session")) {
                l.node().path("remotes").forEach(remote -> {
                    String prihex = remote.path("short_prihex").asText();
                    String pubhex = BoxKeyPair.fromHex(prihex).publicKey().hex();
                    assertThat(pubhex).as("short_pubhex of %s", l).isEqualTo(remote.path("short_pubhex").asText());
                    SECRET_BY_PUBLIC.put(pubhex, prihex);
                });
            }
        }
    }

    private static List<Line> lines(String file) {
        try (Stream<String> s = Files.lines(dir.resolve(file))) {
            return s.filter(t -> !t.isBlank()).map(t -> {
                try {
                    return new Line(file, JSON.readTree(t));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Line> lines() {
        List<Line> all = new ArrayList<>();
        ROAD_FILES.forEach(f -> all.addAll(lines(f)));
        return all;
    }

    private static List<Line> lines(String type, String file) {
        return lines(file).stream().filter(l -> l.type().equals(type)).toList();
    }

    @Test
    void longTermKeysAreConsistent() {
        for (String estate : List.of("alpha", "beta")) {
            JsonNode k = keys.path(estate);
            SigningKey signer = SigningKey.fromHex(k.path("sighex").asText());
            assertThat(signer.verifyKey().hex()).as("%s verhex", estate).isEqualTo(k.path("verhex").asText());
            assertThat(Hex.encode(BcNacl.verifyKey(signer.seed()))).isEqualTo(k.path("verhex").asText());
            BoxKeyPair box = BoxKeyPair.fromHex(k.path("prihex").asText());
            assertThat(box.publicKey().hex()).as("%s pubhex", estate).isEqualTo(k.path("pubhex").asText());
            assertThat(Hex.encode(BcNacl.publicKey(box.secret()))).isEqualTo(k.path("pubhex").asText());
        }
    }

    @Test
    void everyRecordedBoxIsRecomputedAndOpened() {
        int boxes = 0;
        for (Line l : lines()) {
            if (!l.type().equals("box")) {
                continue;
            }
            boxes++;
            String senderSecret = SECRET_BY_PUBLIC.get(l.text("sender_pub"));
            String recipientSecret = SECRET_BY_PUBLIC.get(l.text("recipient_pub"));
            assertThat(senderSecret).as("secret of sender_pub in %s", l).isNotNull();
            assertThat(recipientSecret).as("secret of recipient_pub in %s", l).isNotNull();
            PublicKey senderPub = PublicKey.fromHex(l.text("sender_pub"));
            PublicKey recipientPub = PublicKey.fromHex(l.text("recipient_pub"));
            byte[] nonce = Hex.decode(l.text("nonce"));
            byte[] plain = Hex.decode(l.text("plain_hex"));
            byte[] cipher = Hex.decode(l.text("cipher_hex"));
            assertThat(cipher).as("%s", l).hasSize(plain.length + 16);

            byte[] sealed = BoxKeyPair.fromHex(senderSecret).sharedKey(recipientPub).seal(plain, nonce);
            assertThat(Hex.encode(sealed)).as("seal %s", l).isEqualTo(l.text("cipher_hex"));
            byte[] opened = BoxKeyPair.fromHex(recipientSecret).sharedKey(senderPub).open(cipher, nonce);
            assertThat(Hex.encode(opened)).as("open %s", l).isEqualTo(l.text("plain_hex"));

            byte[] bc = BcNacl.box(plain, nonce, recipientPub.bytes(), Hex.decode(senderSecret));
            assertThat(Hex.encode(bc)).as("oracle %s", l).isEqualTo(l.text("cipher_hex"));
        }
        assertThat(boxes).as("box lines in the vectors").isEqualTo(4 + 2 + 1 + 1);
    }

    @Test
    void everyPacketSignatureVerifies() {
        int signed = 0;
        for (Line l : lines()) {
            if (!l.type().equals("packet") || !l.node().path("sig_check").asBoolean(false)) {
                continue;
            }
            signed++;
            byte[] datagram = Hex.decode(l.text("hex"));
            assertThat(datagram).as("%s", l).hasSize(l.node().path("len").asInt());
            int footAt = datagram.length - Sodium.SIGNATURE_BYTES;
            byte[] sig = Arrays.copyOfRange(datagram, footAt, datagram.length);
            assertThat(Hex.encode(sig)).as("foot of %s", l).isEqualTo(l.text("foot_hex"));
            byte[] signedBytes = datagram.clone();
            Arrays.fill(signedBytes, footAt, signedBytes.length, (byte) 0);

            JsonNode sender = keys.path(l.text("from"));
            VerifyKey verifier = VerifyKey.fromHex(sender.path("verhex").asText());
            assertThat(verifier.verify(sig, signedBytes)).as("signature of %s", l).isTrue();
            // in place, as the codec does it: signature inside the datagram, foot zeroed in a copy
            assertThat(verifier.verify(datagram, footAt, signedBytes, 0, signedBytes.length)).isTrue();
            assertThat(BcNacl.verify(verifier.bytes(), signedBytes, sig)).isTrue();

            // Ed25519 is deterministic: the sender's sighex reproduces the signature exactly
            SigningKey signer = SigningKey.fromHex(sender.path("sighex").asText());
            byte[] resigned = signedBytes.clone();
            signer.sign(signedBytes, 0, signedBytes.length, resigned, footAt);
            assertThat(Hex.encode(resigned)).as("re-signed %s", l).isEqualTo(l.text("hex"));

            // the unzeroed datagram, or the other estate's key, do not verify
            assertThat(verifier.verify(sig, datagram)).isFalse();
            String other = l.text("from").equals("alpha") ? "beta" : "alpha";
            assertThat(VerifyKey.fromHex(keys.path(other).path("verhex").asText()).verify(sig, signedBytes)).isFalse();
        }
        assertThat(signed).as("signed packets in the vectors").isEqualTo(4 + 5 + 4 + 2 + 7);
    }

    @Test
    void packetCoatsCarryTheirBoxes() {
        int coats = 0;
        for (String file : ROAD_FILES) {
            Map<Integer, Line> boxes = new HashMap<>();
            lines("box", file).forEach(b -> boxes.put(b.node().path("box_id").asInt(), b));
            Map<Integer, ByteArrayOutputStream> segmented = new HashMap<>();
            for (Line p : lines("packet", file)) {
                if (p.node().hasNonNull("box_id")) {
                    Line box = boxes.get(p.node().path("box_id").asInt());
                    assertThat(p.text("coat_hex")).as("coat of %s", p).isEqualTo(box.text("cipher_hex") + box.text("nonce"));
                    byte[] coat = Hex.decode(p.text("coat_hex"));
                    assertThat(Hex.encode(openCoat(box, coat))).as("body of %s", p).isEqualTo(p.text("body_hex"));
                    coats++;
                }
                if (p.node().hasNonNull("segment_of_box_id")) {
                    segmented.computeIfAbsent(p.node().path("segment_of_box_id").asInt(), k -> new ByteArrayOutputStream())
                            .writeBytes(Hex.decode(p.text("coat_hex")));
                }
            }
            for (Map.Entry<Integer, ByteArrayOutputStream> e : segmented.entrySet()) {
                Line box = boxes.get(e.getKey());
                byte[] coat = e.getValue().toByteArray();
                assertThat(Hex.encode(coat)).as("segments of box %d in %s", e.getKey(), file)
                        .isEqualTo(box.text("cipher_hex") + box.text("nonce"));
                assertThat(Hex.encode(openCoat(box, coat))).isEqualTo(box.text("plain_hex"));
                coats++;
            }
        }
        assertThat(coats).isEqualTo(2 + 1 + 1);
    }

    /** Opens tag ‖ cipher ‖ nonce with the recipient's secret and the sender's public key. */
    private static byte[] openCoat(Line box, byte[] coat) {
        BoxKeyPair recipient = BoxKeyPair.fromHex(SECRET_BY_PUBLIC.get(box.text("recipient_pub")));
        return recipient.sharedKey(PublicKey.fromHex(box.text("sender_pub"))).openWithNonce(coat, 0, coat.length);
    }
}
