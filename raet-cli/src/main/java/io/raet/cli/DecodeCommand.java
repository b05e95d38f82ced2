package io.raet.cli;

import io.raet.codec.Body;
import io.raet.codec.BodyKind;
import io.raet.codec.CoatKind;
import io.raet.codec.PacketException;
import io.raet.codec.ParsedPacket;
import io.raet.codec.RoadCodec;
import io.raet.codec.RoadHead;
import io.raet.crypto.Hex;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * Prints the fields of road datagrams given in hex, parsed by the codec's strict parser ({@link RoadCodec#parse}):
 * every head field named as on the wire, the kinds by name, the flags, the coat and foot, and a plain body (join
 * packets) decoded. A datagram that does not parse gives one line naming what is wrong, on stderr, and exit 1; with
 * {@code --json} also {@code {"datagram":N,"error":"…"}} on stdout, so that output lines match input datagrams.
 */
@Command(name = "decode", mixinStandardHelpOptions = true,
        description = {"Print the fields of road datagrams given in hex (as arguments, or on standard input, one a line).",
            "A malformed datagram gives one line on stderr naming what is wrong (with --json also an error object",
            "on stdout, so that output lines match input datagrams), and exit status 1."})
final class DecodeCommand implements Callable<Integer> {
    /** Exit status when at least one datagram does not parse. */
    static final int MALFORMED = 1;

    @Parameters(arity = "0..*", paramLabel = "HEX",
            description = "datagrams in hex (spaces and colons are ignored); none or '-': read standard input")
    List<String> datagrams = List.of();

    @Option(names = "--json", description = "one JSON object a datagram instead of readable text")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintStream out = System.out;
        List<String> inputs = new ArrayList<>(datagrams);
        if (inputs.isEmpty() || inputs.equals(List.of("-"))) {
            inputs.clear();
            BufferedReader r = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            for (String l; (l = r.readLine()) != null; ) {
                inputs.add(l);
            }
        }
        int bad = 0;
        int n = 0;
        for (String input : inputs) {
            String hex = input.replaceAll("[\\s:]", "");
            if (hex.isEmpty()) {
                continue;
            }
            n++;
            try {
                Map<String, Object> fields = decode(hexBytes(hex));
                if (json) {
                    Json.line(out, fields);
                } else {
                    if (n > 1) {
                        out.println();
                    }
                    out.print(text(fields));
                    out.flush();
                }
            } catch (PacketException e) {
                bad++;
                malformed(n, describe(e));
            } catch (IllegalArgumentException e) {
                bad++;
                malformed(n, "not hex: " + e.getMessage());
            }
        }
        if (n == 0) {
            System.err.println("raet decode: no datagram given (hex as arguments, or on standard input one a line)");
            return MALFORMED;
        }
        return bad == 0 ? 0 : MALFORMED;
    }

    /** One line on stderr; with {@code --json} also an {@code error} object on stdout, so lines match datagrams. */
    private void malformed(int n, String problem) {
        System.err.println("raet decode: datagram " + n + ": " + problem);
        if (json) {
            Json.line(System.out, Json.obj("datagram", n, "error", problem));
        }
    }

    private static byte[] hexBytes(String hex) {
        if (hex.startsWith("0x") || hex.startsWith("0X")) {
            hex = hex.substring(2);
        }
        return Hex.decode(hex);
    }

    /** The reason in words, then the parser's message: {@code bad length: head field pl = 9 but …}. */
    static String describe(PacketException e) {
        String reason = e.reason().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        String msg = e.getMessage();
        String prefix = e.reason().name() + ": ";
        return reason + ": " + (msg.startsWith(prefix) ? msg.substring(prefix.length()) : msg);
    }

    /** Every field of the datagram, in the order of the wire spec, with the kinds by name. */
    static Map<String, Object> decode(byte[] datagram) throws PacketException {
        ParsedPacket p = RoadCodec.parse(datagram, 0, datagram.length);
        RoadHead h = p.head();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("ri", "RAET");
        m.put("vn", h.vn());
        m.put("pk", h.pk().code());
        m.put("packet_kind", name(h.pk()));
        m.put("pl", h.pl());
        m.put("hk", h.hk().code());
        m.put("head_kind", name(h.hk()));
        m.put("hl", h.hl());
        m.put("se", h.se());
        m.put("de", h.de());
        m.put("si", h.si());
        m.put("ti", h.ti());
        m.put("tk", h.tk().code());
        m.put("transaction_kind", name(h.tk()));
        m.put("dt", h.dt());
        m.put("oi", h.oi());
        m.put("sn", h.sn());
        m.put("sc", h.sc());
        m.put("ml", h.ml());
        m.put("bk", h.bk().code());
        m.put("body_kind", name(h.bk()));
        m.put("ck", h.ck().code());
        m.put("coat_kind", name(h.ck()));
        m.put("fk", h.fk().code());
        m.put("foot_kind", name(h.fk()));
        m.put("fl", h.fl());
        m.put("fg", String.format("%02x", h.fg()));
        m.put("vf", h.vf());
        m.put("df", h.df());
        m.put("nf", h.nf());
        m.put("af", h.af());
        m.put("sf", h.sf());
        m.put("wf", h.wf());
        m.put("bf", h.bf());
        m.put("cf", h.cf());
        m.put("coat_length", p.coatLength());
        byte[] buf = p.buffer();
        if (h.ck() == CoatKind.NACL && p.coatLength() >= 24) {
            m.put("nonce", Hex.encode(buf, p.coatOffset() + p.coatLength() - 24, 24));
        } else if (h.ck() == CoatKind.NADA && p.coatLength() > 0 && !h.sf()) {
            if (h.bk() == BodyKind.JSON || h.bk() == BodyKind.MSGPACK) {
                m.put("body", Body.decode(h.bk(), buf, p.coatOffset(), p.coatLength()));
            } else {
                m.put("body_hex", Hex.encode(buf, p.coatOffset(), p.coatLength()));
            }
        }
        if (p.signed()) {
            m.put("signature", Hex.encode(buf, p.offset() + p.length() - RoadCodec.SIGNATURE_SIZE,
                    RoadCodec.SIGNATURE_SIZE));
        }
        return m;
    }

    private static String name(Enum<?> kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    /** The fields as a few readable lines. */
    static String text(Map<String, Object> f) {
        StringBuilder sb = new StringBuilder();
        sb.append(f.get("transaction_kind")).append(" transaction, ").append(f.get("packet_kind"))
                .append(" packet (tk ").append(f.get("tk")).append(", pk ").append(f.get("pk")).append("), ")
                .append(f.get("pl")).append(" bytes\n");
        sb.append(String.format("  head     %s, hl %s, vn %s%n", f.get("head_kind"), f.get("hl"), f.get("vn")));
        sb.append(String.format("  ids      se %s  de %s  si %s  ti %s%n", f.get("se"), f.get("de"), f.get("si"),
                f.get("ti")));
        sb.append(String.format("  segment  sn %s  sc %s  ml %s%n", f.get("sn"), f.get("sc"), f.get("ml")));
        sb.append(String.format("  kinds    bk %s %s  ck %s %s  fk %s %s  fl %s%n", f.get("bk"), f.get("body_kind"),
                f.get("ck"), f.get("coat_kind"), f.get("fk"), f.get("foot_kind"), f.get("fl")));
        StringBuilder flags = new StringBuilder();
        for (String flag : List.of("vf", "df", "nf", "af", "sf", "wf", "bf", "cf")) {
            if (Boolean.TRUE.equals(f.get(flag))) {
                flags.append(' ').append(flag);
            }
        }
        sb.append("  flags    fg ").append(f.get("fg")).append(flags).append('\n');
        if (!Double.valueOf(0.0).equals(f.get("dt")) || !Long.valueOf(0).equals(f.get("oi"))) {
            sb.append(String.format("  other    dt %s  oi %s%n", f.get("dt"), f.get("oi")));
        }
        sb.append("  coat     ").append(f.get("coat_length")).append(" bytes");
        if (f.containsKey("nonce")) {
            sb.append(", nonce ").append(f.get("nonce"));
        }
        sb.append('\n');
        if (f.containsKey("body")) {
            String body;
            try {
                body = Json.MAPPER.writeValueAsString(f.get("body"));
            } catch (IOException e) {
                body = String.valueOf(f.get("body"));
            }
            sb.append("  body     ").append(body).append('\n');
        } else if (f.containsKey("body_hex")) {
            sb.append("  body     ").append(f.get("body_hex")).append('\n');
        }
        if (f.containsKey("signature")) {
            sb.append("  foot     ").append(f.get("signature")).append('\n');
        }
        return sb.toString();
    }
}
