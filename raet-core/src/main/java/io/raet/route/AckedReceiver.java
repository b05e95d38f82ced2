package io.raet.route;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The receiving side of acknowledged delivery (sans-IO): every {@code ackd} copy is answered with an {@code ack};
 * only the first copy of each (src, id) is to be delivered. Ids are remembered for {@code rememberNanos} after the
 * last copy (longer than the sender's retries last) and at most {@code maxRemembered} of them. Thread safe.
 */
public final class AckedReceiver {
    /**
     * What to do with an arriving copy.
     *
     * @param deliver whether this is the first copy (deliver it) or a duplicate (drop it)
     * @param ack the {@code ack} to send back in either case
     */
    public record Receipt(boolean deliver, FlowMessage ack) {}

    private record Key(Address src, String id) {}

    private final long rememberNanos;
    private final int maxRemembered;
    private final LinkedHashMap<Key, Long> seen = new LinkedHashMap<>();
    private long duplicates;

    /**
     * A receiver remembering ids for {@code rememberNanos} after their last copy, at most {@code maxRemembered} of
     * them.
     *
     * @param rememberNanos how long an id is remembered
     * @param maxRemembered the most ids remembered
     * @throws IllegalArgumentException when either is not positive
     */
    public AckedReceiver(long rememberNanos, int maxRemembered) {
        if (rememberNanos <= 0 || maxRemembered < 1) {
            throw new IllegalArgumentException("remember time and count must be positive");
        }
        this.rememberNanos = rememberNanos;
        this.maxRemembered = maxRemembered;
    }

    /**
     * Takes an {@code ackd} message as it arrived (its {@code src} resolved by the router).
     *
     * @param ackd the message
     * @param now the time, in nanoseconds
     * @return whether to deliver it, and the {@code ack} to send back
     */
    public synchronized Receipt receive(FlowMessage ackd, long now) {
        FlowMessage ack = Responder.ack(ackd);
        Iterator<Map.Entry<Key, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() - now <= 0) {
                it.remove();
            } else {
                break;
            }
        }
        Key k = new Key(ackd.src(), ackd.id());
        boolean fresh = seen.remove(k) == null;
        if (!fresh) {
            duplicates++;
        }
        seen.put(k, now + rememberNanos);
        while (seen.size() > maxRemembered) {
            Iterator<Key> eldest = seen.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        return new Receipt(fresh, ack);
    }

    /** {@return the duplicate copies received} */
    public synchronized long duplicates() {
        return duplicates;
    }

    /** {@return the ids remembered now} */
    public synchronized int remembered() {
        return seen.size();
    }
}
