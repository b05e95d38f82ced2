package io.raet.lane.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.raet.codec.LaneCodec;
import io.raet.codec.LaneHead;
import io.raet.codec.PackKind;
import io.raet.codec.ParsedPage;
import io.raet.codec.RoadCodec;
import io.raet.codec.Vectors;
import io.raet.lane.LaneException;
import io.raet.lane.LaneMessage;
import io.raet.lane.LaneNames;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

public class LaneEngineTest {
    static final Path DIR = Path.of("/tmp/lane-engine-test");

    static LaneEngine engine(String name) {
        return new LaneEngine(LaneConfig.of("cherry", name, DIR));
    }

    static LaneEngine engine(String name, boolean accept, Set<String> allowed, int maxBooks) {
        return new LaneEngine(new LaneConfig("cherry", name, DIR, accept, allowed, PackKind.JSON, maxBooks,
                LaneConfig.DEFAULT_MAX_PARTIAL_BYTES));
    }

    static LaneMessage deliver(LaneEngine to, LaneEngine from, byte[] page) {
        return to.receive(page, 0, page.length, from.ha());
    }

    public static Map<String, Object> big(int size) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("subject", "big");
        StringBuilder sb = new StringBuilder(size);
        for (int i = 0; sb.length() < size; i++) {
            sb.append((char) ('a' + i % 26));
        }
        m.put("data", sb.toString());
        m.put("n", 42L);
        return m;
    }

    static LaneHead head(byte[] page) throws Exception {
        return LaneCodec.parse(page, 0, page.length).head();
    }

    @Test
    void smallMessageIsOnePageWithSessionAndBookIds() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other");
        a.addYard("other");
        Map<String, Object> body = Map.of("route", Map.of("src", List.of("x")), "content", "Hello all yards.");
        LaneEngine.Outgoing out = a.message("other", body);
        assertThat(out.ha()).isEqualTo(DIR.resolve("cherry.other.uxd").toString());
        assertThat(out.pages()).hasSize(1);
        LaneHead h = head(out.pages().get(0));
        assertThat(h.sn()).isEqualTo("main");
        assertThat(h.dn()).isEqualTo("other");
        assertThat(h.si()).isEqualTo(a.yard("other").sid()).matches("[0-9a-f]{18}");
        assertThat(h.bi()).isEqualTo(1);
        assertThat(h.pn()).isZero();
        assertThat(h.pc()).isEqualTo(1);
        assertThat(h.pk()).isEqualTo(PackKind.JSON);
        assertThat(head(a.message("other", body).pages().get(0)).bi()).isEqualTo(2);

        LaneMessage m = deliver(b, a, out.pages().get(0));
        assertThat(m.from()).isEqualTo("main");
        assertThat(m.body()).isEqualTo(body);
        assertThat(b.yardNames()).containsExactly("main");
        assertThat(b.yard("main").rsid()).isEqualTo(h.si());
        assertThat(b.stats()).containsEntry("yards_added", 1L).containsEntry("messages_received", 1L);
    }

    @Test
    void msgpackBodiesRoundTrip() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other");
        a.addYard("other");
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("k", "v");
        body.put("list", List.of(1L, 2.5, true));
        body.put("bytes", new byte[] {1, 2, 3});
        LaneEngine.Outgoing out = a.message("other", body, PackKind.MSGPACK);
        assertThat(head(out.pages().get(0)).pk()).isEqualTo(PackKind.MSGPACK);
        LaneMessage m = deliver(b, a, out.pages().get(0));
        assertThat(m.body()).containsEntry("k", "v").containsEntry("list", List.of(1L, 2.5, true));
        assertThat((byte[]) m.body().get("bytes")).containsExactly(1, 2, 3);
    }

    @Test
    void emptyBodyIsAnEmptyPage() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other");
        a.addYard("other");
        byte[] page = a.message("other", Map.of()).pages().get(0);
        assertThat(LaneCodec.parse(page, 0, page.length).bodyLength()).isZero();
        assertThat(deliver(b, a, page).body()).isEmpty();
    }

    @Test
    void largeMessagesArePagedAndReassembledInAnyOrderAfterPageZero() throws Exception {
        for (PackKind pk : PackKind.values()) {
            LaneEngine a = engine("main");
            LaneEngine b = engine("other");
            a.addYard("other");
            Map<String, Object> body = big(200_000);
            List<byte[]> pages = a.message("other", body, pk).pages();
            assertThat(pages).hasSize(4);
            for (int i = 0; i < pages.size(); i++) {
                assertThat(pages.get(i).length).isLessThanOrEqualTo(LaneCodec.MAX_PAGE_SIZE);
                LaneHead h = head(pages.get(i));
                assertThat(h.pn()).isEqualTo(i);
                assertThat(h.pc()).isEqualTo(4);
                assertThat(h.bi()).isEqualTo(1);
            }
            assertThat(pages.get(0).length).isEqualTo(LaneCodec.MAX_PAGE_SIZE - 2);
            assertThat(deliver(b, a, pages.get(0))).isNull();
            assertThat(deliver(b, a, pages.get(3))).isNull();
            assertThat(deliver(b, a, pages.get(3))).isNull(); // duplicate
            assertThat(deliver(b, a, pages.get(1))).isNull();
            assertThat(b.partialBooks()).isEqualTo(1);
            LaneMessage m = deliver(b, a, pages.get(2));
            assertThat(m).isNotNull();
            assertThat(m.body()).isEqualTo(body);
            assertThat(b.partialBooks()).isZero();
            assertThat(b.partialBytes()).isZero();
            assertThat(b.stats()).containsEntry("duplicate_page", 1L);
        }
    }

    @Test
    void aBookMustStartWithPageZero() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other");
        a.addYard("other");
        List<byte[]> pages = a.message("other", big(150_000)).pages();
        assertThat(pages).hasSize(3);
        assertThat(deliver(b, a, pages.get(1))).isNull();
        assertThat(b.stats()).containsEntry("missed_page", 1L);
        assertThat(b.partialBooks()).isZero();
        assertThat(deliver(b, a, pages.get(0))).isNull();
        assertThat(deliver(b, a, pages.get(2))).isNull();
        assertThat(b.partialBooks()).isEqualTo(1); // page 1 is lost for good
        // the next message still gets through
        Map<String, Object> body = big(150_000);
        List<byte[]> next = a.message("other", body).pages();
        LaneMessage m = null;
        for (byte[] p : next) {
            m = deliver(b, a, p);
        }
        assertThat(m.body()).isEqualTo(body);
    }

    @Test
    void wrongDestinationIsDropped() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other");
        LaneEngine c = engine("third");
        a.addYard("third");
        byte[] page = a.message("third", Map.of("x", 1)).pages().get(0);
        assertThat(deliver(b, a, page)).isNull();
        assertThat(b.stats()).containsEntry("invalid_destination", 1L);
        assertThat(b.yardNames()).isEmpty();
        assertThat(deliver(c, a, page)).isNotNull();
    }

    @Test
    void aNewSessionFromAYardDiscardsItsPartialBooks() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other");
        a.addYard("other");
        List<byte[]> old = a.message("other", big(200_000)).pages();
        deliver(b, a, old.get(0));
        deliver(b, a, old.get(1));
        assertThat(b.partialBooks()).isEqualTo(1);
        String oldSid = a.yard("other").sid();

        a.removeYard("other"); // a restarted sender: new yard entry, new session id
        a.addYard("other");
        assertThat(a.yard("other").sid()).isNotEqualTo(oldSid);
        Map<String, Object> body = Map.of("after", "restart");
        LaneMessage m = deliver(b, a, a.message("other", body).pages().get(0));
        assertThat(m.body()).isEqualTo(body);
        assertThat(b.partialBooks()).isZero();
        assertThat(b.stats()).containsEntry("stale_book", 1L);

        // the rest of the old book is now unmatched
        assertThat(deliver(b, a, old.get(2))).isNull();
        assertThat(deliver(b, a, old.get(3))).isNull();
        assertThat(b.stats()).containsEntry("missed_page", 2L);
    }

    @Test
    void admissionOfUnknownYards() throws Exception {
        LaneEngine a = engine("alpha");
        a.addYard("main");
        byte[] page = a.message("main", Map.of("x", 1)).pages().get(0);

        LaneEngine closed = engine("main", false, Set.of(), 8);
        assertThat(deliver(closed, a, page)).isNull();
        assertThat(closed.stats()).containsEntry("unaccepted_source_yard", 1L);

        LaneEngine allowing = engine("main", false, Set.of("alpha"), 8);
        assertThat(deliver(allowing, a, page)).isNotNull();
        assertThat(allowing.yardNames()).containsExactly("alpha");

        LaneEngine known = engine("main", false, Set.of(), 8);
        known.addYard("alpha");
        assertThat(deliver(known, a, page)).isNotNull();

        LaneEngine open = engine("main");
        // name and path disagree
        assertThat(open.receive(page, 0, page.length, DIR.resolve("cherry.beta.uxd").toString())).isNull();
        // other lane
        assertThat(open.receive(page, 0, page.length, DIR.resolve("plum.alpha.uxd").toString())).isNull();
        // no source address
        assertThat(open.receive(page, 0, page.length, null)).isNull();
        // not a yard path
        assertThat(open.receive(page, 0, page.length, "/tmp/alpha")).isNull();
        assertThat(open.stats()).containsEntry("invalid_source_yard", 4L);
        assertThat(open.yardNames()).isEmpty();
        // a known yard speaking from another path
        assertThat(deliver(open, a, page)).isNotNull();
        assertThat(open.receive(page, 0, page.length, "/elsewhere/cherry.alpha.uxd")).isNull();
        assertThat(open.stats()).containsEntry("invalid_source_yard", 5L);
    }

    @Test
    void yardsAdmittedOnFirstContactAreBounded() throws Exception {
        LaneEngine open = engine("main");
        for (int i = 0; i <= LaneEngine.MAX_ADMITTED_YARDS; i++) {
            LaneEngine y = engine("y" + i);
            y.addYard("main");
            deliver(open, y, y.message("main", Map.of("i", (long) i)).pages().get(0));
        }
        assertThat(open.yardNames()).hasSize(LaneEngine.MAX_ADMITTED_YARDS);
        assertThat(open.stats()).containsEntry("yard_capacity", 1L);
        // a known yard is still heard
        LaneEngine y0 = engine("y0");
        y0.addYard("main");
        assertThat(deliver(open, y0, y0.message("main", Map.of("again", true)).pages().get(0))).isNotNull();
    }

    @Test
    void badPagesAreCountedNeverThrown() throws Exception {
        LaneEngine b = engine("other");
        String src = DIR.resolve("cherry.main.uxd").toString();
        byte[][] junk = {
            new byte[0],
            "garbage".getBytes(StandardCharsets.US_ASCII),
            "ri RAET\nvn 0\n\n".getBytes(StandardCharsets.US_ASCII),
            "ri RAET\nvn 0\npk 0\nsn main\ndn other\nsi 1\nbi 1\npn 0000\npc 0001\n\n{bad json".getBytes(
                    StandardCharsets.US_ASCII),
            "ri RAET\nvn 0\npk 0\nsn main\ndn other\nsi 1\nbi 1\npn 0000\npc 0001\n\n[1,2]".getBytes(
                    StandardCharsets.US_ASCII),
            "ri RAET\nvn 0\npk 1\nsn main\ndn other\nsi 1\nbi 1\npn 0000\npc 0001\n\n\u00c1".getBytes(
                    StandardCharsets.ISO_8859_1),
            "ri RAET\nvn 0\npk 7\nsn main\ndn other\nsi 1\nbi 1\npn 0000\npc 0001\n\n{}".getBytes(
                    StandardCharsets.US_ASCII),
            "ri RAET\nvn 0\npk 0\nsn main\ndn other\nsi 1\nbi 1\npn 0000\npc 10000\n\n{}".getBytes(
                    StandardCharsets.US_ASCII),
        };
        for (byte[] j : junk) {
            assertThat(b.receive(j, 0, j.length, src)).isNull();
        }
        assertThat(b.stats()).containsEntry("invalid_body", 3L).containsEntry("invalid_page_header", 5L);
    }

    @Test
    void pagesThatDoNotFitTheirBookDropIt() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other");
        a.addYard("other");
        List<byte[]> pages = a.message("other", big(150_000)).pages();
        deliver(b, a, pages.get(0));
        // same book key, other page count
        LaneHead h = head(pages.get(1)).pc(5);
        ParsedPage p1 = LaneCodec.parse(pages.get(1), 0, pages.get(1).length);
        byte[] forged = LaneCodec.encode(h, p1.body());
        assertThat(deliver(b, a, forged)).isNull();
        assertThat(b.stats()).containsEntry("invalid_page", 1L);
        assertThat(b.partialBooks()).isZero();
    }

    @Test
    void partialBooksAreBoundedOldestFirst() throws Exception {
        LaneEngine a = engine("main");
        LaneEngine b = engine("other", true, Set.of(), 2);
        a.addYard("other");
        List<List<byte[]>> books = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            books.add(a.message("other", big(100_000)).pages());
            deliver(b, a, books.get(i).get(0));
        }
        assertThat(b.partialBooks()).isEqualTo(2);
        assertThat(b.stats()).containsEntry("book_evicted", 1L);
        assertThat(deliver(b, a, books.get(0).get(1))).isNull(); // the oldest was dropped
        assertThat(deliver(b, a, books.get(1).get(1))).isNotNull();
        assertThat(deliver(b, a, books.get(2).get(1))).isNotNull();
    }

    @Test
    void bookIdsWrapToOne() throws Exception {
        LaneEngine a = engine("main");
        a.addYard("other");
        a.yard("other").bid(0xfffffffeL);
        assertThat(head(a.message("other", Map.of()).pages().get(0)).bi()).isEqualTo(0xffffffffL);
        assertThat(head(a.message("other", Map.of()).pages().get(0)).bi()).isEqualTo(1);
    }

    @Test
    void sendErrors() {
        LaneEngine a = engine("main");
        assertThatThrownBy(() -> a.message("nobody", Map.of())).isInstanceOf(LaneException.class)
                .satisfies(e -> assertThat(((LaneException) e).kind()).isEqualTo(LaneException.Kind.UNKNOWN_YARD));
        a.addYard("other");
        Map<String, Object> bad = Map.of("x", new Object());
        assertThatThrownBy(() -> a.message("other", bad)).isInstanceOf(LaneException.class)
                .satisfies(e -> assertThat(((LaneException) e).kind()).isEqualTo(LaneException.Kind.BAD_BODY));
        Map<String, Object> huge = Map.of("x", "y".repeat(RoadCodec.MAX_MESSAGE_SIZE));
        assertThatThrownBy(() -> a.message("other", huge)).isInstanceOf(LaneException.class)
                .satisfies(e -> assertThat(((LaneException) e).kind()).isEqualTo(LaneException.Kind.TOO_LARGE));
    }

    @Test
    void yardsAreManagedByNameAndPath() {
        LaneEngine a = engine("main");
        a.addYard("other");
        assertThatThrownBy(() -> a.addYard("other")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.addYard("main")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.addYard("bad.name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.addYard("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.addYard("x", Path.of("/tmp/cherry.y.uxd"))).isInstanceOf(
                IllegalArgumentException.class);
        a.addYard("far", Path.of("/elsewhere/plum.far.uxd"));
        assertThat(a.yardNames()).containsExactly("other", "far");
        assertThat(a.reap("/elsewhere/plum.far.uxd")).isEqualTo("far");
        assertThat(a.reap("/elsewhere/plum.far.uxd")).isNull();
        assertThat(a.yardNames()).containsExactly("other");
        assertThat(a.stats()).containsEntry("stale_transmit_yard", 2L);
    }

    @Test
    void namesAndIds() {
        assertThat(LaneNames.fromHa("/a/b/lane.main.uxd")).isEqualTo(new LaneNames.Names("lane", "main"));
        assertThat(LaneNames.fromHa("/a/b/my.lane.main.uxd")).isEqualTo(new LaneNames.Names("my.lane", "main"));
        assertThat(LaneNames.fromHa("/a/b/main.uxd")).isNull();
        assertThat(LaneNames.fromHa("/a/b/lane.main.sock")).isNull();
        assertThat(LaneNames.ha(Path.of("/x"), "lane", "y")).isEqualTo(Path.of("/x/lane.y.uxd"));
        long before = System.currentTimeMillis() * 1000;
        String id = LaneNames.uuid18();
        assertThat(id).matches("[0-9a-f]{18}");
        long micros = Long.parseLong(id.substring(0, Long.toHexString(before).length()), 16);
        assertThat(micros).isBetween(before, before + 60_000_000L);
        assertThat(LaneNames.uuid18()).isNotEqualTo(id);
    }

    @Test
    void referenceVectorsReassemble() throws Exception {
        Path dir = Vectors.dir();
        for (String name : List.of("lane_page.jsonl", "lane_paged.jsonl")) {
            ObjectMapper mapper = new ObjectMapper();
            List<JsonNode> lines = new ArrayList<>();
            for (String l : Files.readAllLines(dir.resolve(name))) {
                if (!l.isBlank()) {
                    lines.add(mapper.readTree(l));
                }
            }
            JsonNode meta = lines.get(0);
            LaneEngine alpha = new LaneEngine(LaneConfig.of("vec", "alpha", DIR));
            LaneMessage m = null;
            for (JsonNode page : lines.subList(1, lines.size())) {
                if (!page.path("type").asText().equals("page")) {
                    continue;
                }
                byte[] raw = HexFormat.of().parseHex(page.get("hex").asText());
                m = alpha.receive(raw, 0, raw.length, DIR.resolve(page.get("src").asText()).toString());
            }
            assertThat(m).as(name).isNotNull();
            assertThat(m.from()).isEqualTo("beta");
            if (meta.has("received_body_sha256")) {
                String json = new String(io.raet.codec.Body.encode(PackKind.JSON, m.body()), StandardCharsets.UTF_8);
                assertThat(json.length()).isEqualTo(meta.get("received_body_json_len").asInt());
                byte[] sha = MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8));
                assertThat(HexFormat.of().formatHex(sha)).isEqualTo(meta.get("received_body_sha256").asText());
            } else {
                assertThat((JsonNode) mapper.valueToTree(m.body())).isEqualTo(meta.get("received_body"));
            }
        }
    }
}
