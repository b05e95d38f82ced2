package io.raet.trust;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A version with the governor signatures gathered so far: a proposal while it has fewer than the threshold, a
 * version that takes effect once it has at least that many valid ones. Wire form (docs/security.md):
 *
 * <pre>
 * {"body": {version}, "signatures": [{"governor": name, "sig": hex}, …]}
 * </pre>
 *
 * @param body the version signed
 * @param signatures as gathered: not checked here ({@link PolicyChain#check} checks them)
 */
public record SignedVersion(PolicyVersion body, List<GovernorSignature> signatures) {
    /** More signatures than this in one document are refused as malformed. */
    public static final int MAX_SIGNATURES = 2 * Limits.MAX_GOVERNORS;

    public SignedVersion {
        if (body == null) {
            throw new TrustException("a signed version needs a body");
        }
        if (signatures == null || signatures.size() > MAX_SIGNATURES) {
            throw new TrustException("a signed version holds at most " + MAX_SIGNATURES + " signatures");
        }
        signatures = List.copyOf(signatures);
    }

    /** A proposal: the body, no signature yet. */
    public static SignedVersion proposal(PolicyVersion body) {
        return new SignedVersion(body, List.of());
    }

    /** This version with {@code sig} added, replacing an earlier signature of the same governor. */
    public SignedVersion with(GovernorSignature sig) {
        List<GovernorSignature> out = new ArrayList<>();
        for (GovernorSignature s : signatures) {
            if (!s.governor().equals(sig.governor())) {
                out.add(s);
            }
        }
        out.add(sig);
        return new SignedVersion(body, out);
    }

    /**
     * The union of the signatures of two copies of the same body (a governor's answer merged into a proposal). Every
     * distinct signature is kept, even a second one of a governor: verification counts each governor once, and a
     * forged copy cannot push out a valid one.
     */
    public SignedVersion merge(SignedVersion other) {
        if (!other.body.equals(body)) {
            throw new TrustException("cannot merge signatures of version " + other.body.version() + " ("
                    + other.body.hash() + ") into another version (" + body.hash() + ")");
        }
        List<GovernorSignature> out = new ArrayList<>(signatures);
        for (GovernorSignature s : other.signatures) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return new SignedVersion(body, out);
    }

    public long version() {
        return body.version();
    }

    public String hash() {
        return body.hash();
    }

    public Map<String, Object> toMap() {
        List<Object> sigs = new ArrayList<>();
        signatures.forEach(s -> sigs.add(s.toMap()));
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("body", body.toMap());
        m.put("signatures", sigs);
        return m;
    }

    public static SignedVersion fromMap(Object value) {
        Fields f = Fields.of("signed version", value, List.of("body", "signatures"));
        List<GovernorSignature> sigs = new ArrayList<>();
        for (Object s : f.list("signatures", MAX_SIGNATURES)) {
            sigs.add(GovernorSignature.fromMap(s));
        }
        return new SignedVersion(PolicyVersion.fromMap(f.get("body")), sigs);
    }

    public static SignedVersion parse(byte[] json) {
        return fromMap(CanonicalJson.parse(json, Limits.MAX_DOCUMENT_BYTES));
    }

    /** {@return the document as text (canonical JSON)} */
    public byte[] encode() {
        return CanonicalJson.encode(toMap());
    }
}
