package io.raet.cli;

import io.raet.road.RoadEvent;
import java.lang.reflect.RecordComponent;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON-line form of road events, derived from the event record itself: {@code "event"} is the record's name in
 * snake case ({@code JoinFailed} → {@code join_failed}), then its components in order, by their names in snake case
 * ({@code messageId} is written {@code id}); addresses as {@code host:port}. A new kind of event is printed without
 * any change here.
 */
final class Events {
    private Events() {}

    static Map<String, Object> toJson(RoadEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", snake(e.getClass().getSimpleName()));
        for (RecordComponent c : e.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(e);
            } catch (ReflectiveOperationException ex) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + e, ex);
            }
            m.put(c.getName().equals("messageId") ? "id" : snake(c.getName()), value(v));
        }
        return m;
    }

    static String address(InetSocketAddress a) {
        return a == null ? null : (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString())
                + ":" + a.getPort();
    }

    private static Object value(Object v) {
        if (v instanceof io.raet.road.DeliveryFailure f) {
            return f.key();
        }
        return v instanceof InetSocketAddress a ? address(a) : v;
    }

    static String snake(String camel) {
        StringBuilder sb = new StringBuilder(camel.length() + 4);
        for (int i = 0; i < camel.length(); i++) {
            char ch = camel.charAt(i);
            if (Character.isUpperCase(ch)) {
                if (i > 0) {
                    sb.append('_');
                }
                sb.append(Character.toLowerCase(ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
