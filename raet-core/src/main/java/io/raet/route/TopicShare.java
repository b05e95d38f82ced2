package io.raet.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A publish/subscribe share. {@code sub} adds the message's {@code src} (as it arrives, so resolved by the first
 * router) to the subscribers, {@code unsub} removes it; both are idempotent. A {@code sub} may carry a tag pattern
 * {@code "tags": glob} ({@code *} matches any run of characters): that subscriber then gets only the {@code pub}s
 * whose {@code tag} matches it (a {@code pub} without a tag is matched as {@code ""}); a {@code sub} again replaces
 * the pattern, one without {@code tags} takes every {@code pub}. A {@code pub} is copied to every matching
 * subscriber: each copy is a {@code msg} from this topic's address (channel of the {@code pub}'s {@code dst}) to the
 * subscriber, with the {@code data} and any fields this implementation does not interpret, without {@code id} and
 * {@code seq}, and with {@code "topic"} = this share's name and {@code "origin"} = {@code {"src": publisher,
 * "id": its id}}. Copies are plain {@code msg}s so that a topic subscribed to another topic cannot loop. A
 * {@code sub} or {@code unsub} with an {@code id} is answered with an {@code ack} ({@code re} = its id), or, when the
 * topic has all the subscribers it may hold, an {@code err} with code {@code denied}. Other kinds are ignored
 * (counted).
 */
public final class TopicShare implements Share {
    /** The subscriber bound when none is given. */
    public static final int DEFAULT_MAX_SUBSCRIBERS = 1024;

    private final String name;
    private final Address self;
    private final int maxSubscribers;
    /** Subscribers and their tag pattern (null: every pub), in subscription order. */
    private final Map<Address, String> subscribers = new LinkedHashMap<>();
    private long delivered;
    private long published;
    private long refused;
    private long ignored;
    private long filtered;

    /**
     * A topic at {@code self}.
     *
     * @param self this share's address ({@code [estate, yard, name]}), the {@code src} of the copies
     * @param maxSubscribers the most subscribers
     */
    public TopicShare(Address self, int maxSubscribers) {
        this.name = Shares.checkName(self.share());
        this.self = self;
        if (maxSubscribers < 1) {
            throw new IllegalArgumentException("maxSubscribers must be at least 1: " + maxSubscribers);
        }
        this.maxSubscribers = maxSubscribers;
    }

    @Override
    public String name() {
        return name;
    }

    /** {@return the topic's address} */
    public Address address() {
        return self;
    }

    @Override
    public synchronized List<FlowMessage> deliver(FlowMessage m) {
        delivered++;
        switch (m.kind()) {
            case SUB -> {
                if (!subscribers.containsKey(m.src()) && subscribers.size() >= maxSubscribers) {
                    refused++;
                    return m.id() == null ? List.of() : List.of(FlowMessage.errorFor(m, self, ErrorCode.DENIED,
                            "topic '" + name + "' has its " + maxSubscribers + " subscribers"));
                }
                subscribers.put(m.src(), (String) m.get("tags"));
                return acknowledge(m);
            }
            case UNSUB -> {
                subscribers.remove(m.src());
                return acknowledge(m);
            }
            case PUB -> {
                published++;
                List<FlowMessage> out = new ArrayList<>(subscribers.size());
                Address from = self.withChannel(m.dst().channel());
                String tag = m.tag() == null ? "" : m.tag();
                for (Map.Entry<Address, String> sub : subscribers.entrySet()) {
                    if (sub.getValue() == null || Policy.glob(sub.getValue(), tag)) {
                        out.add(copy(m, from, sub.getKey()));
                    } else {
                        filtered++;
                    }
                }
                return out;
            }
            default -> {
                ignored++;
                return List.of();
            }
        }
    }

    /** The {@code ack} of a {@code sub} or {@code unsub} that has an id (the SDKs wait for it); none without. */
    private List<FlowMessage> acknowledge(FlowMessage m) {
        if (m.id() == null) {
            return List.of();
        }
        return List.of(FlowMessage.builder(Kind.ACK, self.withChannel(m.dst().channel()), m.src()).re(m.id()).build());
    }

    private FlowMessage copy(FlowMessage pub, Address from, Address to) {
        Map<String, Object> origin = new LinkedHashMap<>();
        origin.put("src", pub.src().toList());
        if (pub.id() != null) {
            origin.put("id", pub.id());
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", name);
        fields.put("origin", origin);
        return pub.copy(from, to, fields);
    }

    /** {@return the subscribers, in subscription order} */
    public synchronized List<Address> subscribers() {
        return List.copyOf(subscribers.keySet());
    }

    /**
     * {@return the tag pattern of a subscriber, or null (every pub, or not a subscriber)}
     *
     * @param subscriber the subscriber's address
     */
    public synchronized String tags(Address subscriber) {
        return subscribers.get(subscriber);
    }

    /**
     * Adds a subscriber directly (as a {@code sub} would); false when already there or over the bound.
     *
     * @param subscriber the subscriber's address
     * @return true when it was added
     */
    public synchronized boolean subscribe(Address subscriber) {
        return subscribe(subscriber, null);
    }

    /**
     * Adds a subscriber that gets only the pubs whose tag matches {@code tags} (null: every pub).
     *
     * @param subscriber the subscriber's address
     * @param tags the glob the tags match, or null
     * @return true when it was added
     */
    public synchronized boolean subscribe(Address subscriber, String tags) {
        if (subscribers.containsKey(subscriber) || subscribers.size() >= maxSubscribers) {
            return false;
        }
        subscribers.put(subscriber, tags);
        return true;
    }

    /**
     * Removes a subscriber.
     *
     * @param subscriber the subscriber's address
     * @return whether it was one
     */
    public synchronized boolean unsubscribe(Address subscriber) {
        if (!subscribers.containsKey(subscriber)) {
            return false;
        }
        subscribers.remove(subscriber);
        return true;
    }

    /**
     * Copies not made because the subscriber's tag pattern did not match the pub's tag.
     *
     * @return the copies filtered out
     */
    public synchronized long filtered() {
        return filtered;
    }

    @Override
    public synchronized long delivered() {
        return delivered;
    }

    /**
     * {@code pub} messages fanned out.
     *
     * @return the {@code pub}s fanned out
     */
    public synchronized long published() {
        return published;
    }

    /**
     * {@code sub}s refused because the subscriber bound was reached.
     *
     * @return the {@code sub}s refused
     */
    public synchronized long refused() {
        return refused;
    }

    /** {@return messages of other kinds, ignored} */
    public synchronized long ignored() {
        return ignored;
    }

    @Override
    public String toString() {
        return "TopicShare[" + name + ", " + subscribers().size() + " subscribers]";
    }
}
