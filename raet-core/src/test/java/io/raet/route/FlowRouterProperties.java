package io.raet.route;

import static io.raet.Quick.qt;
import static io.raet.Quick.seeds;
import static org.assertj.core.api.Assertions.assertThat;

import io.raet.route.FlowRouter.Stat;
import io.raet.route.RouteAction.Drop;
import io.raet.route.RouteAction.ToLane;
import io.raet.route.RouteAction.ToRoad;
import io.raet.route.RouteAction.ToShare;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The router under arbitrary bodies from every side: it never throws, forwards only valid routed messages with a
 * filled-in source, sends errors only back the way a message came, never relays from one estate to another, and
 * counts every message once as received and once in one outcome; with a pool share (workers registering, leaving,
 * sends to them failing), the presence topic, aliases and a tap.
 */
class FlowRouterProperties {
    static final Set<String> ESTATES = Set.of("beta", "gamma");
    static final Set<String> YARDS = Set.of("w1", "w2");
    static final String[] ESTATE_NAMES = {"", "alpha", "beta", "gamma", "omega"};
    static final String[] YARD_NAMES = {"", "router", "w1", "w2", "nosuch"};
    static final String[] SHARES = {"", "jobs", "news", "none", "admin.reset", "pool", "presence", "alias"};
    static final Object[] KINDS = {"msg", "req", "rsp", "ack", "ackd", "pub", "sub", "unsub", "err", "bogus", "",
        7L, null};

    static Object pick(Random r, Object[] a) {
        return a[r.nextInt(a.length)];
    }

    static Object anything(Random r, int depth) {
        return switch (r.nextInt(depth > 2 ? 6 : 8)) {
            case 0 -> null;
            case 1 -> r.nextLong();
            case 2 -> r.nextDouble();
            case 3 -> r.nextBoolean();
            case 4 -> pick(r, ESTATE_NAMES);
            case 5 -> "x\u00e9\ud83d\ude00" + r.nextInt(5);
            case 6 -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(anything(r, depth + 1));
                }
                yield l;
            }
            default -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put("k" + r.nextInt(5), anything(r, depth + 1));
                }
                yield m;
            }
        };
    }

    static Object address(Random r) {
        if (r.nextInt(10) == 0) {
            return anything(r, 0);
        }
        List<Object> l = new ArrayList<>();
        int n = r.nextInt(7);
        for (int i = 0; i < n; i++) {
            Object level = switch (i) {
                case 0 -> pick(r, ESTATE_NAMES);
                case 1 -> pick(r, YARD_NAMES);
                case 2 -> pick(r, SHARES);
                default -> "c" + r.nextInt(3);
            };
            l.add(r.nextInt(15) == 0 ? anything(r, 1) : level);
        }
        return l;
    }

    static Map<String, Object> body(Random r) {
        Map<String, Object> b = new LinkedHashMap<>();
        if (r.nextInt(12) != 0) {
            Map<String, Object> route = new LinkedHashMap<>();
            if (r.nextInt(8) != 0) {
                route.put("src", address(r));
            }
            if (r.nextInt(12) != 0) {
                route.put("dst", address(r));
            }
            b.put("route", r.nextInt(20) == 0 ? anything(r, 0) : route);
        }
        if (r.nextInt(5) != 0) {
            b.put("kind", pick(r, KINDS));
        }
        if (r.nextInt(3) != 0) {
            b.put("id", r.nextInt(6) == 0 ? anything(r, 1) : "i" + r.nextInt(100));
        }
        if (r.nextInt(4) == 0) {
            b.put("re", r.nextInt(4) == 0 ? anything(r, 1) : "i" + r.nextInt(100));
        }
        if (r.nextInt(6) == 0) {
            b.put("seq", r.nextInt(3) == 0 ? anything(r, 1) : (long) r.nextInt(5));
        }
        if (r.nextBoolean()) {
            b.put("data", anything(r, 0));
        }
        if (r.nextInt(6) == 0) {
            b.put("code", anything(r, 1));
        }
        if (r.nextInt(5) == 0) {
            b.put(r.nextBoolean() ? "tag" : "tags", r.nextInt(4) == 0 ? anything(r, 1) : "t" + r.nextInt(3) + "*");
        }
        if (r.nextInt(5) == 0) {
            b.put("idempotent", r.nextInt(3) == 0 ? anything(r, 1) : true);
        }
        return b;
    }

    @Test
    void anyBodyFromAnySideIsRoutedOrAnsweredNeverThrown() {
        qt(300).forAll(seeds()).checkAssert(this::anyBodyFromAnySideIsRoutedOrAnsweredNeverThrown);
    }

    private void anyBodyFromAnySideIsRoutedOrAnsweredNeverThrown(long seed) {
        Random r = new Random(seed);
        FlowRouter router = new FlowRouter(Topology.of("alpha", ESTATES, YARDS),
                Policy.parseJson("[{\"role\": \"*\", \"dst\": \"*/*/admin.*\", \"action\": \"deny\"}]"));
        router.shares().queue("jobs");
        router.shares().topic("news");
        router.shares().pool("pool");
        router.shares().presence();
        router.aliases(Aliases.parseJson("""
                {"aliases": [{"dst": "*/*/alias", "share": "pool"}], "taps": [{"dst": "*/w1/*", "yard": "w2"}]}"""));
        for (int i = 0; i < 40; i++) {
            Map<String, Object> body = body(r);
            int origin = r.nextInt(3);
            String from;
            List<RouteAction> actions;
            if (r.nextInt(10) == 0) {
                String yard = r.nextBoolean() ? "w1" : "w2";
                actions = r.nextBoolean() ? router.yardLeft(yard, null)
                        : router.laneFailed(yard, body, r.nextBoolean(), null).actions();
                origin = 3;
                from = "router";
            } else {
                switch (origin) {
                    case 0 -> {
                        from = r.nextBoolean() ? "beta" : "gamma";
                        actions = router.fromRoad(from, r.nextBoolean() ? "minion" : "master", body);
                    }
                    case 1 -> {
                        from = r.nextBoolean() ? "w1" : "w2";
                        actions = router.fromLane(from, body);
                    }
                    default -> {
                        from = "router";
                        FlowMessage m;
                        try {
                            m = FlowMessage.parse(body);
                        } catch (FlowException e) {
                            continue; // applications in the router process send only valid messages
                        }
                        actions = router.fromShares(m);
                    }
                }
            }
            for (RouteAction a : router.settle(actions)) {
                assertThat(a).isNotInstanceOf(ToShare.class);
                if (a instanceof Drop) {
                    continue;
                }
                Map<String, Object> out = a instanceof ToRoad t ? t.body() : ((ToLane) a).body();
                FlowMessage m = FlowMessage.parse(out); // every forwarded body is a valid routed message
                assertThat(m.src().estate()).as("src estate of %s", out).isNotEmpty();
                if (a instanceof ToRoad t) {
                    if (origin == 0) {
                        // from the road only an answer goes back on the road, to the sender: no relaying
                        assertThat(t.estate()).isEqualTo(from);
                        assertThat(m.kind()).isIn(Kind.ERR, Kind.MSG, Kind.ACK);
                    } else {
                        assertThat(ESTATES).contains(t.estate());
                    }
                } else {
                    ToLane l = (ToLane) a;
                    assertThat(YARDS).contains(l.yard());
                }
            }
        }
        Map<Stat, Long> s = router.stats();
        long received = s.get(Stat.RECEIVED_ROAD) + s.get(Stat.RECEIVED_LANE) + s.get(Stat.RECEIVED_SHARE);
        long outcomes = s.get(Stat.TO_ROAD) + s.get(Stat.TO_LANE) + s.get(Stat.TO_SHARE) + s.get(Stat.DENIED)
                + s.get(Stat.UNKNOWN_DESTINATION) + s.get(Stat.UNKNOWN_SHARE) + s.get(Stat.BAD_ROUTE)
                + s.get(Stat.TO_WORKER) + s.get(Stat.NO_WORKER);
        assertThat(outcomes).isEqualTo(received);
    }
}
