package io.raet.trust;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages of the governed policy, as JSON maps that travel as routed message data over the control channel
 * (docs/security.md). Each carries {@code "trust": <type>}:
 *
 * <pre>
 * {"trust": "propose",   "proposal": {signed version}}                 to governors: please sign
 * {"trust": "signature", "version": n, "hash": h, "signature": {sig}}  a governor's answer
 * {"trust": "version",   "version": {signed version}}                  a version that passed, to every router
 * {"trust": "catch-up",  "after": n, "max": k}                         a router that was away asks a peer
 * {"trust": "versions",  "versions": [{signed version}, …]}            the answer: versions after n, at most k
 * </pre>
 *
 * Parsing checks every field and bound ({@link Limits}); what a message claims is checked where it is used
 * ({@link PolicyChain#offer}, {@link Governor#sign}, {@link Signature#addTo}).
 */
public sealed interface TrustMessage {
    /** {@return the message in its wire form} */
    Map<String, Object> toMap();

    /**
     * Asks a governor to sign.
     *
     * @param proposal the proposal to sign
     */
    record Propose(SignedVersion proposal) implements TrustMessage {
        @Override
        public Map<String, Object> toMap() {
            return message("propose", "proposal", proposal.toMap());
        }
    }

    /**
     * A governor's signature over version {@code version} with hash {@code hash}.
     *
     * @param version the version's number
     * @param hash the version's hash
     * @param signature the governor's signature
     */
    record Signature(long version, String hash, GovernorSignature signature) implements TrustMessage {
        /**
         * {@return the signature a governor added to {@code signed}}
         *
         * @param signed the version the governor signed
         * @param governor the governor's name
         */
        public static Signature of(SignedVersion signed, String governor) {
            GovernorSignature sig = signed.signatures().stream().filter(s -> s.governor().equals(governor))
                    .findFirst().orElseThrow(() -> new TrustException(governor + " did not sign this version"));
            return new Signature(signed.version(), signed.hash(), sig);
        }

        /**
         * Adds this signature to the proposal it answers (checked: the same version and hash, and the governor's
         * valid signature under {@code genesis}).
         *
         * @param proposal the proposal
         * @param genesis the trust domain's genesis
         * @return the proposal with this signature added
         */
        public SignedVersion addTo(SignedVersion proposal, Genesis genesis) {
            if (proposal.version() != version || !proposal.hash().equals(hash)) {
                throw new TrustException("signature for version " + version + " (" + hash + ") answers another"
                        + " proposal than version " + proposal.version() + " (" + proposal.hash() + ")");
            }
            GovernorKey g = genesis.governor(signature.governor()).orElseThrow(() -> new TrustException(
                    signature.governor() + " is not a governor of genesis " + genesis.id()));
            if (!signature.verifies(g.key(), proposal.body())) {
                throw new TrustException("bad signature from " + signature.governor());
            }
            return proposal.with(signature);
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = message("signature", "version", version);
            m.put("hash", hash);
            m.put("signature", signature.toMap());
            return m;
        }
    }

    /**
     * A version that carries the threshold, for every router.
     *
     * @param version the version
     */
    record Announce(SignedVersion version) implements TrustMessage {
        @Override
        public Map<String, Object> toMap() {
            return message("version", "version", version.toMap());
        }
    }

    /**
     * Asks a peer for the versions after {@code after}, at most {@code max}.
     *
     * @param after the newest version the asker holds
     * @param max the most versions asked for
     */
    record CatchUpRequest(long after, int max) implements TrustMessage {
        /**
         * Checks the bounds.
         *
         * @throws TrustException when {@code after} is negative or {@code max} is not 1..{@link Limits#MAX_CATCH_UP}
         */
        public CatchUpRequest {
            if (after < 0 || max < 1 || max > Limits.MAX_CATCH_UP) {
                throw new TrustException("catch-up asks for 1.." + Limits.MAX_CATCH_UP + " versions after a version"
                        + " >= 0");
            }
        }

        /**
         * {@return the answer of {@code chain}}
         *
         * @param chain the chain asked
         */
        public CatchUpReply answer(PolicyChain chain) {
            return new CatchUpReply(chain.after(after, max));
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> m = message("catch-up", "after", after);
            m.put("max", (long) max);
            return m;
        }
    }

    /**
     * Versions, oldest first, for {@link PolicyChain#catchUp}.
     *
     * @param versions the versions, oldest first
     */
    record CatchUpReply(List<SignedVersion> versions) implements TrustMessage {
        /**
         * Checks the bound.
         *
         * @throws TrustException when it holds more than {@link Limits#MAX_CATCH_UP} versions
         */
        public CatchUpReply {
            if (versions.size() > Limits.MAX_CATCH_UP) {
                throw new TrustException("a catch-up answer holds at most " + Limits.MAX_CATCH_UP + " versions");
            }
            versions = List.copyOf(versions);
        }

        @Override
        public Map<String, Object> toMap() {
            List<Object> vs = new ArrayList<>();
            versions.forEach(v -> vs.add(v.toMap()));
            return message("versions", "versions", vs);
        }
    }

    private static Map<String, Object> message(String type, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("trust", type);
        m.put(key, value);
        return m;
    }

    private static TrustMessage fromMap(Object value) {
        if (!(value instanceof Map<?, ?> m) || !(m.get("trust") instanceof String type)) {
            throw new TrustException("a trust message is an object with a \"trust\" type");
        }
        return switch (type) {
            case "propose" -> new Propose(SignedVersion.fromMap(
                    Fields.of("propose", value, List.of("trust", "proposal")).get("proposal")));
            case "signature" -> {
                Fields f = Fields.of("signature", value, List.of("trust", "version", "hash", "signature"));
                yield new Signature(f.integer("version", 1, Long.MAX_VALUE), f.hex("hash", 32),
                        GovernorSignature.fromMap(f.get("signature")));
            }
            case "version" -> new Announce(SignedVersion.fromMap(
                    Fields.of("version", value, List.of("trust", "version")).get("version")));
            case "catch-up" -> {
                Fields f = Fields.of("catch-up", value, List.of("trust", "after", "max"));
                yield new CatchUpRequest(f.integer("after", 0, Long.MAX_VALUE),
                        (int) f.integer("max", 1, Limits.MAX_CATCH_UP));
            }
            case "versions" -> {
                Fields f = Fields.of("versions", value, List.of("trust", "versions"));
                List<SignedVersion> vs = new ArrayList<>();
                for (Object v : f.list("versions", Limits.MAX_CATCH_UP)) {
                    vs.add(SignedVersion.fromMap(v));
                }
                yield new CatchUpReply(vs);
            }
            default -> throw new TrustException("unknown trust message type " + type);
        };
    }

    /**
     * Reads a message from its map form ({@link TrustException} naming what is wrong).
     *
     * @param value the parsed JSON
     * @return the message
     * @throws TrustException naming what is wrong
     */
    static TrustMessage parse(Object value) {
        try {
            return fromMap(value);
        } catch (io.raet.crypto.CryptoException e) {
            throw new TrustException(e.getMessage(), e);
        }
    }
}
