package io.raet.trust;

import io.raet.crypto.SigningKey;
import io.raet.route.Policy;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic trust domain for tests: governors with keys from fixed seeds, a genesis, and router chains that
 * versions are handed to directly (what the control channel will carry).
 */
final class TrustNet {
    final List<SigningKey> keys = new ArrayList<>();
    final List<Governor> governors = new ArrayList<>();
    final Genesis genesis;
    final List<PolicyChain> routers = new ArrayList<>();

    TrustNet(String id, int governorCount, int threshold, int routerCount) {
        List<GovernorKey> gs = new ArrayList<>();
        for (int i = 0; i < governorCount; i++) {
            SigningKey k = key(id, i);
            keys.add(k);
            gs.add(new GovernorKey(name(i), k.verifyKey()));
        }
        genesis = new Genesis(id, threshold, gs);
        for (int i = 0; i < governorCount; i++) {
            governors.add(new Governor(genesis, name(i), keys.get(i), VoteLedger.inMemory()));
        }
        for (int i = 0; i < routerCount; i++) {
            routers.add(new PolicyChain(genesis));
        }
    }

    static String name(int i) {
        return "gov" + (i + 1);
    }

    /** A key from a seed that depends only on the domain and the index. */
    static SigningKey key(String id, int i) {
        byte[] seed = new byte[32];
        byte[] tag = (id + "/" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        System.arraycopy(tag, 0, seed, 0, Math.min(tag.length, 32));
        seed[31] = (byte) i;
        return SigningKey.fromSeed(seed);
    }

    static Policy table(String... allowedDst) {
        List<Policy.Rule> rules = new ArrayList<>();
        for (String d : allowedDst) {
            rules.add(Policy.Rule.allow("router", d));
        }
        return new Policy(rules, Policy.Effect.DENY);
    }

    /** Hands {@code v} to every router; the verdicts in router order. */
    List<Verdict> broadcast(SignedVersion v) {
        List<Verdict> out = new ArrayList<>();
        for (PolicyChain r : routers) {
            out.add(r.offer(v));
        }
        return out;
    }
}
