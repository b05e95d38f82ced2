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

    /**
     * Checks the body and copies the signatures.
     *
     * @throws TrustException when there is no body or too many signatures
     */
    public SignedVersion {
        if (body == null) {
            throw new TrustException("a signed version needs a body");
        }
        if (signatures == null || signatures.size() > MAX_SIGNATURES) {
            throw new TrustException("a signed version holds at most " + MAX_SIGNATURES + " signatures");
        }
        signatures = List.copyOf(signatures);
    }

    /**
     * A proposal: the body, no signature yet.
     *
     * @param body the version's body
     * @return the proposal
     */
    public static SignedVersion proposal(PolicyVersion body) {
        return new SignedVersion(body, List.of());
    }

    /**
     * This version with {@code sig} added, replacing an earlier signature of the same governor.
     *
     * @param sig the signature
     * @return the version with it
     */
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
     *
     * @param other another copy of the same body
     * @return the version with both copies' signatures
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

    /** {@return the version's number} */
    public long version() {
        return body.version();
    }

    /** {@return the body's hash} */
    public String hash() {
        return body.hash();
    }

    /** {@return the version in its JSON-ready form} */
    public Map<String, Object> toMap() {
        List<Object> sigs = new ArrayList<>();
        signatures.forEach(s -> sigs.add(s.toMap()));
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("body", body.toMap());
        m.put("signatures", sigs);
        return m;
    }

    /**
     * Reads a signed version from its JSON-ready form.
     *
     * @param value the parsed JSON
     * @return the version
     * @throws TrustException naming what is wrong
     */
    public static SignedVersion fromMap(Object value) {
        Fields f = Fields.of("signed version", value, List.of("body", "signatures"));
        List<GovernorSignature> sigs = new ArrayList<>();
        for (Object s : f.list("signatures", MAX_SIGNATURES)) {
            sigs.add(GovernorSignature.fromMap(s));
        }
        return new SignedVersion(PolicyVersion.fromMap(f.get("body")), sigs);
    }

    /**
     * Reads a signed version from JSON text.
     *
     * @param json the text
     * @return the version
     * @throws TrustException naming what is wrong
     */
    public static SignedVersion parse(byte[] json) {
        return fromMap(CanonicalJson.parse(json, Limits.MAX_DOCUMENT_BYTES));
    }

    /** {@return the document as text (canonical JSON)} */
    public byte[] encode() {
        return CanonicalJson.encode(toMap());
    }
}
