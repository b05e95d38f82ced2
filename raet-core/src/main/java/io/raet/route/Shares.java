package io.raet.route;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The shares of one yard (or of a router's own yard), by dotted name. {@code ""} is the default share. Names are
 * {@code ""} or dot-separated non-empty parts without {@code /}, {@code *} or white space (so that a share name is
 * never ambiguous in the authorization table's {@code estate/yard/share}). Thread safe.
 */
public final class Shares {
    private static final Pattern NAME = Pattern.compile("|[^./*\\s]+(\\.[^./*\\s]+)*");

    private final Address home;
    private final ConcurrentMap<String, Share> shares = new ConcurrentHashMap<>();
    private final AtomicLong unknown = new AtomicLong();

    /**
     * The shares of the yard at {@code home}, none yet.
     *
     * @param home the owning yard's address {@code [estate, yard]} (share and channel are ignored); the {@code src}
     *     of topic copies and of {@code unknown_share} errors
     */
    public Shares(Address home) {
        this.home = new Address(home.estate(), home.yard(), "", "", List.of());
    }

    /** {@return the owning yard's address} */
    public Address home() {
        return home;
    }

    /**
     * {@return the address of the share named {@code name} in this yard}
     *
     * @param name the share's name
     */
    public Address addressOf(String name) {
        return home.withShare(name);
    }

    /**
     * {@return whether {@code name} is a valid share name}
     *
     * @param name the name
     */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static String checkName(String name) {
        if (!isValidName(name)) {
            throw new IllegalArgumentException("bad share name: '" + name + "'");
        }
        return name;
    }

    /**
     * Registers a share; fails when the name is taken.
     *
     * @param <S> the share's type
     * @param share the share
     * @return the share
     * @throws IllegalStateException when the name is taken
     */
    public <S extends Share> S add(S share) {
        if (shares.putIfAbsent(share.name(), share) != null) {
            throw new IllegalStateException("share '" + share.name() + "' exists");
        }
        return share;
    }

    /**
     * {@return a new best-value share, registered}
     *
     * @param name the share's name
     */
    public BestValueShare bestValue(String name) {
        return add(new BestValueShare(name));
    }

    /**
     * {@return a new best-value share that tells {@code listener} of every new value, registered}
     *
     * @param name the share's name
     * @param listener gets every new value
     */
    public BestValueShare bestValue(String name, Consumer<FlowMessage> listener) {
        return add(new BestValueShare(name, listener));
    }

    /**
     * {@return a new queue share, registered}
     *
     * @param name the share's name
     */
    public QueueShare queue(String name) {
        return add(new QueueShare(name));
    }

    /**
     * {@return a new queue share, registered}
     *
     * @param name the share's name
     * @param capacity the most messages held
     * @param overflow what a full queue does
     */
    public QueueShare queue(String name, int capacity, QueueShare.Overflow overflow) {
        return add(new QueueShare(name, capacity, overflow));
    }

    /**
     * {@return a new topic share, registered}
     *
     * @param name the share's name
     */
    public TopicShare topic(String name) {
        return add(new TopicShare(addressOf(name), TopicShare.DEFAULT_MAX_SUBSCRIBERS));
    }

    /**
     * {@return a new topic share, registered}
     *
     * @param name the share's name
     * @param maxSubscribers the most subscribers
     */
    public TopicShare topic(String name, int maxSubscribers) {
        return add(new TopicShare(addressOf(name), maxSubscribers));
    }

    /**
     * {@return a load-balanced share served by worker yards ({@link PoolShare}); a router's own yard holds these}
     *
     * @param name the share's name
     */
    public PoolShare pool(String name) {
        return add(new PoolShare(addressOf(name)));
    }

    /**
     * {@return the presence topic {@value PresenceShare#NAME} ({@link PresenceShare}); a router's own yard holds it}
     */
    public PresenceShare presence() {
        return add(new PresenceShare(home));
    }

    /** {@return the pools among the shares} */
    public List<PoolShare> pools() {
        List<PoolShare> out = new java.util.ArrayList<>();
        for (Share s : shares.values()) {
            if (s instanceof PoolShare p) {
                out.add(p);
            }
        }
        return out;
    }

    /**
     * {@return the share named {@code name}, if any}
     *
     * @param name the share's name
     */
    public Optional<Share> get(String name) {
        return Optional.ofNullable(shares.get(name));
    }

    /**
     * {@return whether a share is named {@code name}}
     *
     * @param name the share's name
     */
    public boolean has(String name) {
        return shares.containsKey(name);
    }

    /**
     * Removes the share named {@code name}.
     *
     * @param name the share's name
     * @return whether there was one
     */
    public boolean remove(String name) {
        return shares.remove(name) != null;
    }

    /** {@return the names of the shares, sorted} */
    public Set<String> names() {
        return new TreeSet<>(shares.keySet());
    }

    /**
     * Delivers a message to the share named by its {@code dst} share.
     *
     * @param m the message
     * @return messages to send in turn: a topic's copies, or, when there is no such share, an {@code err} with
     *     code {@code unknown_share} to the message's {@code src} (none when the message is itself an {@code err})
     */
    public List<FlowMessage> deliver(FlowMessage m) {
        Share s = shares.get(m.dst().share());
        if (s == null) {
            unknown.incrementAndGet();
            if (m.kind() == Kind.ERR) {
                return List.of();
            }
            return List.of(FlowMessage.errorFor(m, home, ErrorCode.UNKNOWN_SHARE,
                    "no share '" + m.dst().share() + "' in yard " + home.yard()));
        }
        return s.deliver(m);
    }

    /** {@return messages that named no share here} */
    public long unknown() {
        return unknown.get();
    }
}
