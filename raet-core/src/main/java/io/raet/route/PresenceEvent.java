package io.raet.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One message of a router's presence topic ({@link PresenceShare}), read: {@code event} is {@code joined},
 * {@code allowed}, {@code alive}, {@code dead} (about {@code estate}), {@code arrived}, {@code left} (about
 * {@code yard} of {@code estate}) or {@code snapshot} ({@code estates}: each known estate's last event,
 * {@code yards}: the yards present). {@code stamp} is the router's stamp, {@code message} the whole message.
 *
 * @param event what happened
 * @param estate the estate it is about
 * @param yard the yard it is about
 * @param stamp the router's stamp
 * @param estates a snapshot's estates
 * @param yards a snapshot's yards
 * @param message the message it came in
 */
public record PresenceEvent(String event, String estate, String yard, Object stamp, Map<String, String> estates,
        List<String> yards, FlowMessage message) {
    /** {@return whether this is about an estate of the road} */
    public boolean isEstate() {
        return PresenceShare.ESTATE_EVENTS.contains(event);
    }

    /** {@return whether this is about a yard of the lane} */
    public boolean isYard() {
        return PresenceShare.YARD_EVENTS.contains(event);
    }

    /**
     * The event a presence message carries; null when its data is not one (a bad or foreign message).
     *
     * @param m the message
     * @return the event, or null
     */
    public static PresenceEvent of(FlowMessage m) {
        if (!(m.data() instanceof Map<?, ?> d) || !(d.get("event") instanceof String event)) {
            return null;
        }
        Map<String, String> estates = new LinkedHashMap<>();
        if (d.get("estates") instanceof Map<?, ?> e) {
            e.forEach((k, v) -> estates.put(String.valueOf(k), String.valueOf(v)));
        }
        List<String> yards = new ArrayList<>();
        if (d.get("yards") instanceof List<?> y) {
            y.forEach(v -> yards.add(String.valueOf(v)));
        }
        return new PresenceEvent(event, text(d.get("estate")), text(d.get("yard")), m.stamp(), Map.copyOf(estates),
                List.copyOf(yards), m);
    }

    private static String text(Object v) {
        return v instanceof String s ? s : null;
    }
}
