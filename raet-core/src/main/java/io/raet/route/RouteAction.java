package io.raet.route;

import java.util.Map;

/** What a {@link FlowRouter} asks its driver to do with a message. */
public sealed interface RouteAction {
    /**
     * Send {@code body} on the road of {@code channel} ({@code ""}: the default road) to the remote estate
     * {@code estate}.
     *
     * @param estate the remote estate
     * @param body the message's body
     * @param channel the road's channel
     */
    record ToRoad(String estate, Map<String, Object> body, String channel) implements RouteAction {
        /** Takes a null channel as the default road. */
        public ToRoad {
            channel = channel == null ? "" : channel;
        }

        /**
         * On the default road.
         *
         * @param estate the remote estate
         * @param body the message's body
         */
        public ToRoad(String estate, Map<String, Object> body) {
            this(estate, body, "");
        }
    }

    /**
     * Send {@code body} on the lane to the yard {@code yard}.
     *
     * @param yard the yard
     * @param body the message's body
     */
    record ToLane(String yard, Map<String, Object> body) implements RouteAction {}

    /**
     * Deliver {@code message} to the router's own share {@code share} (see {@link FlowRouter#settle}).
     *
     * @param share the share's name
     * @param message the message
     */
    record ToShare(String share, FlowMessage message) implements RouteAction {}

    /**
     * Nothing is sent; the reason says why (already counted in the router's statistics).
     *
     * @param reason why
     */
    record Drop(String reason) implements RouteAction {}
}
