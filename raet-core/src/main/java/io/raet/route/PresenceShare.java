package io.raet.route;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The router's presence topic (share {@value #NAME} of the router yard): yards subscribe to it as to any topic
 * ({@code sub}, optionally with a tag pattern) and get a {@code msg} for every change the router sees:
 *
 * <ul>
 *   <li>estates on the road: {@code data} {@code {"event": "joined"|"allowed"|"alive"|"dead", "estate": name}},
 *       {@code tag} {@code estate.<event>};
 *   <li>yards on the lane: {@code {"event": "arrived"|"left", "estate": this estate, "yard": name}}, {@code tag}
 *       {@code yard.<event>}.
 * </ul>
 *
 * <p>A subscriber of this estate whose pattern matches {@value #SNAPSHOT_TAG} (no pattern does) also gets, after the
 * {@code ack}, one {@code msg} with what is known now: {@code {"event": "snapshot", "estates": {name: last event},
 * "yards": [names]}}. Subscribers on other estates get no snapshot: a small {@code sub} from the road is never
 * answered with a large message.
 * Only the router itself publishes here: a {@code pub} from any other source is ignored and counted. What it
 * remembers is bounded ({@value #MAX_TRACKED} estates and as many yards; beyond, events are still published but
 * not remembered). Thread safe.
 */
public final class PresenceShare implements Share {
    /** The share name of the presence topic in the router yard. */
    public static final String NAME = "presence";
    /** The tag of the snapshot a new subscriber gets. */
    public static final String SNAPSHOT_TAG = "snapshot";
    /** Most estates and most yards remembered for snapshots. */
    public static final int MAX_TRACKED = 4096;

    /** Events about estates. */
    public static final List<String> ESTATE_EVENTS = List.of("joined", "allowed", "alive", "dead");
    /** Events about yards. */
    public static final List<String> YARD_EVENTS = List.of("arrived", "left");

    private final Address self;
    private final TopicShare topic;
    private final Map<String, String> estates = new LinkedHashMap<>();
    private final Set<String> yards = new LinkedHashSet<>();
    private long published;
    private long forged;
    private long untracked;

    /**
     * The presence topic of the router yard at {@code router} ({@code [estate, "router"]}).
     *
     * @param router the router yard's address
     * @param maxSubscribers the most subscribers
     */
    public PresenceShare(Address router, int maxSubscribers) {
        this.self = Address.of(router.estate(), router.yard(), NAME);
        this.topic = new TopicShare(self, maxSubscribers);
    }

    /**
     * The presence topic of the router yard at {@code router}, with the default bound on subscribers.
     *
     * @param router the router yard's address
     */
    public PresenceShare(Address router) {
        this(router, TopicShare.DEFAULT_MAX_SUBSCRIBERS);
    }

    @Override
    public String name() {
        return NAME;
    }

    /** {@return the topic's address} */
    public Address address() {
        return self;
    }

    /** {@return the topic underneath (its subscribers and counters)} */
    public TopicShare topic() {
        return topic;
    }

    @Override
    public List<FlowMessage> deliver(FlowMessage m) {
        switch (m.kind()) {
            case SUB -> {
                List<FlowMessage> out = new ArrayList<>(topic.deliver(m));
                boolean refused = out.stream().anyMatch(x -> x.kind() == Kind.ERR);
                String tags = (String) m.get("tags");
                boolean local = m.src().isLocalEstate(self.estate());
                if (!refused && local && (tags == null || Policy.glob(tags, SNAPSHOT_TAG))) {
                    out.add(snapshot(m.src(), m.stamp()));
                }
                return out;
            }
            case PUB -> {
                if (!m.src().isLocalRouter(self.estate()) || !m.src().share().isEmpty()) {
                    synchronized (this) {
                        forged++;
                    }
                    return List.of();
                }
                return topic.deliver(m);
            }
            default -> {
                return topic.deliver(m);
            }
        }
    }

    @Override
    public long delivered() {
        return topic.delivered();
    }

    /**
     * {@return the {@code pub} announcing an estate event ({@link #ESTATE_EVENTS}), from the router to this topic,
     * stamped {@code now} when given; deliver it to this share (through the flow router) to fan it out}
     *
     * @param event the event
     * @param estate the estate
     * @param now the time, or null
     */
    public FlowMessage estate(String event, String estate, Instant now) {
        if (!ESTATE_EVENTS.contains(event)) {
            throw new IllegalArgumentException("not an estate event: " + event);
        }
        synchronized (this) {
            if (estates.containsKey(estate) || estates.size() < MAX_TRACKED) {
                estates.put(estate, event);
            } else {
                untracked++;
            }
            published++;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event", event);
        data.put("estate", estate);
        return pub("estate." + event, data, now);
    }

    /**
     * {@return the {@code pub} announcing that {@code yard} arrived or left, or null when that is no change (the yard
     * was already known present, or was not known)}
     *
     * @param arrived whether the yard arrived (else it left)
     * @param yard the yard
     * @param now the time, or null
     */
    public FlowMessage yard(boolean arrived, String yard, Instant now) {
        synchronized (this) {
            if (arrived) {
                if (yards.contains(yard)) {
                    return null;
                }
                if (yards.size() < MAX_TRACKED) {
                    yards.add(yard);
                } else {
                    untracked++;
                    return null;
                }
            } else if (!yards.remove(yard)) {
                return null;
            }
            published++;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event", arrived ? "arrived" : "left");
        data.put("estate", self.estate());
        data.put("yard", yard);
        return pub(arrived ? "yard.arrived" : "yard.left", data, now);
    }

    /**
     * {@return whether {@code yard} is known present}
     *
     * @param yard the yard
     */
    public synchronized boolean hasYard(String yard) {
        return yards.contains(yard);
    }

    /** {@return the yards known present} */
    public synchronized List<String> yards() {
        return List.copyOf(yards);
    }

    /** {@return the last event of each estate known} */
    public synchronized Map<String, String> estates() {
        return Map.copyOf(estates);
    }

    /** {@return events published} */
    public synchronized long published() {
        return published;
    }

    /**
     * {@code pub}s from another source than the router, ignored.
     *
     * @return the forged {@code pub}s
     */
    public synchronized long forged() {
        return forged;
    }

    /**
     * Estates and yards beyond {@link #MAX_TRACKED}, not remembered.
     *
     * @return the estates and yards not remembered
     */
    public synchronized long untracked() {
        return untracked;
    }

    private FlowMessage pub(String tag, Map<String, Object> data, Instant now) {
        FlowMessage.Builder b = FlowMessage.builder(Kind.PUB, Address.of(self.estate(), self.yard()), self)
                .tag(tag).data(data);
        if (now != null) {
            b.field("stamp", Stamp.format(now));
        }
        return b.build();
    }

    private FlowMessage snapshot(Address to, Object stamp) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event", "snapshot");
        synchronized (this) {
            data.put("estates", new LinkedHashMap<>(estates));
            data.put("yards", new ArrayList<>(yards));
        }
        FlowMessage.Builder b = FlowMessage.builder(Kind.MSG, self, to).tag(SNAPSHOT_TAG).data(data)
                .field("topic", NAME);
        if (stamp != null) {
            b.field("stamp", stamp);
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "PresenceShare[" + topic.subscribers().size() + " subscribers]";
    }
}
