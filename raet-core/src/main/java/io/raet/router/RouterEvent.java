package io.raet.router;

import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/** What a {@link Router} reports to its listeners. */
public sealed interface RouterEvent {
    /** The road of the default channel and the lane are up. */
    record Ready(String name, InetSocketAddress address, Path lanePath) implements RouterEvent {}

    /** The road of another channel is up: the router is estate {@code name} there. */
    record ChannelReady(String channel, String name, InetSocketAddress address, boolean control)
            implements RouterEvent {}

    /** A road event (joined, allowed, alive, dead, …) of {@code channel}; routed messages are not reported one by one. */
    record Road(RoadEvent event, String channel) implements RouterEvent {
        public Road {
            channel = channel == null ? "" : channel;
        }

        /** An event of the default channel. */
        public Road(RoadEvent event) {
            this(event, "");
        }
    }

    /** A configured estate was joined and allowed: messages to it can flow. */
    record Connected(String estate, InetSocketAddress address) implements RouterEvent {}

    /** A configured estate did not answer yet; the router tries again. */
    record JoinRetry(InetSocketAddress address, String reason) implements RouterEvent {}

    /** A policy table took effect (read from {@code file}, or given in code when the file is null). */
    record PolicyLoaded(Path file, int rules, String defaultEffect) implements RouterEvent {}

    /** The policy file changed but is not a valid table; the previous table stays in force. */
    record PolicyRejected(Path file, String error) implements RouterEvent {}

    /** An alias table took effect, read from {@code file}. */
    record AliasesLoaded(Path file, int aliases, int taps) implements RouterEvent {}

    /** The alias file changed but is not a valid table; the previous table stays in force. */
    record AliasesRejected(Path file, String error) implements RouterEvent {}

    /** A yard's socket appeared in the lane directory ({@code arrived}) or went away ({@code left}). */
    record YardChanged(String yard, String event) implements RouterEvent {}

    /** A message could not be handed on; an {@code err} went back to its source unless it was itself an error. */
    record ForwardFailed(String via, String to, String code, String reason) implements RouterEvent {}

    /**
     * An estate that is not a provisioned member asked to join the control channel, or a member sent what only the
     * control plane may: refused.
     */
    record ControlRefused(String channel, String name, InetSocketAddress address, String reason)
            implements RouterEvent {}

    /**
     * A governed policy version was applied: its table replaced the router's and its key acceptances went to the
     * keeps. {@code from} is the control peer it came from ({@code local} for a submission on the lane).
     */
    record PolicyApplied(long version, String hash, List<String> signers, int rules, String defaultEffect,
            String from) implements RouterEvent {}

    /**
     * A governed policy version or proposal was refused ({@code outcome} as in {@code io.raet.trust.Verdict},
     * lowercase; a {@code conflict} names the governors who signed two versions of one number in {@code reason}).
     */
    record PolicyRefused(long version, String outcome, String reason, String from) implements RouterEvent {}

    /** A proposal for the next version gained signatures and waits for more. */
    record ProposalGathered(long version, String hash, List<String> signers, int needed, String from)
            implements RouterEvent {}

    /**
     * A source (an estate, {@code estate:NAME} or {@code estate:NAME@CHANNEL}, or a yard, {@code yard:NAME}) is
     * restricted for its behaviour: {@code throttled} or {@code denied} (for {@code coolingMillis}). Its role and
     * channel (for an estate) say what a permanent rule would name ({@code raet policy propose --restriction}).
     */
    record Restricted(String source, String level, double score, String reason, long coolingMillis, String role,
            String channel) implements RouterEvent {}

    /** A restriction ended: the source is free ({@code now} = {@code none}) or throttled again after a denial. */
    record RestrictionLifted(String source, String from, String now) implements RouterEvent {}
}
