package io.raet.route;

import java.util.List;

/** A named place inside a yard that receives routed messages. */
public sealed interface Share permits BestValueShare, QueueShare, TopicShare, PoolShare, PresenceShare {
    /** {@return the dotted name ({@code ""} is the yard's default share)} */
    String name();

    /**
     * Takes a message addressed to this share.
     *
     * @param message the message
     * @return messages the share sends in turn (a topic's copies for its subscribers), usually none
     */
    List<FlowMessage> deliver(FlowMessage message);

    /** {@return how many messages were delivered to this share} */
    long delivered();
}
