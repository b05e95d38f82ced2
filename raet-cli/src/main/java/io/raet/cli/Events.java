package io.raet.cli;

import io.raet.road.RoadEvent;
import java.util.Map;

/** JSON-line form of road events. */
final class Events {
    private Events() {}

    static Map<String, Object> toJson(RoadEvent e) {
        return switch (e) {
            case RoadEvent.Joined j -> Json.obj("event", "joined", "remote", j.remote());
            case RoadEvent.JoinFailed j -> Json.obj("event", "join_failed", "remote", j.remote(), "reason", j.reason());
            case RoadEvent.JoinPending p -> Json.obj("event", "join_pending", "name", p.name(), "role", p.role(),
                    "address", address(p.address()), "verhex", p.verhex(), "pubhex", p.pubhex());
            case RoadEvent.JoinRefused r -> Json.obj("event", "join_refused", "name", r.name(), "address",
                    address(r.address()), "reason", r.reason());
            case RoadEvent.Allowed a -> Json.obj("event", "allowed", "remote", a.remote());
            case RoadEvent.AllowFailed a -> Json.obj("event", "allow_failed", "remote", a.remote(), "reason",
                    a.reason());
            case RoadEvent.Alive a -> Json.obj("event", "alive", "remote", a.remote());
            case RoadEvent.Dead d -> Json.obj("event", "dead", "remote", d.remote());
            case RoadEvent.Message m -> Json.obj("event", "message", "from", m.from(), "body", m.body());
            case RoadEvent.Delivered d -> Json.obj("event", "delivered", "id", d.messageId(), "remote", d.remote());
            case RoadEvent.Undelivered u -> Json.obj("event", "undelivered", "id", u.messageId(), "remote",
                    u.remote(), "reason", u.reason().key(), "detail", u.detail());
        };
    }

    private static String address(java.net.InetSocketAddress a) {
        return a == null ? null : a.getAddress() != null ? a.getAddress().getHostAddress() + ":" + a.getPort()
                : a.getHostString() + ":" + a.getPort();
    }
}
