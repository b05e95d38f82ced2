package io.raet.router;

import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/** What a {@link Router} reports to its listeners. */
public sealed interface RouterEvent {
    /**
     * The road of the default channel and the lane are up.
     *
     * @param name the router's estate name
     * @param address its road address
     * @param lanePath its lane socket
     */
    record Ready(String name, InetSocketAddress address, Path lanePath) implements RouterEvent {}

    /**
     * The road of another channel is up: the router is estate {@code name} there.
     *
     * @param channel the channel's name
     * @param name the router's estate name there
     * @param address its road address there
     * @param control whether it is the control channel
     */
    record ChannelReady(String channel, String name, InetSocketAddress address, boolean control)
            implements RouterEvent {}

    /**
     * A road event (joined, allowed, alive, dead, …) of {@code channel}; routed messages are not reported one by one.
     *
     * @param event the road event
     * @param channel the channel's name ({@code ""}: the default one)
     */
    record Road(RoadEvent event, String channel) implements RouterEvent {
        /** Takes a null channel as the default one. */
        public Road {
            channel = channel == null ? "" : channel;
        }

        /**
         * An event of the default channel.
         *
         * @param event the road event
         */
        public Road(RoadEvent event) {
            this(event, "");
        }
    }

    /**
     * A configured estate was joined and allowed: messages to it can flow.
     *
     * @param estate the estate's name
     * @param address its address
     */
    record Connected(String estate, InetSocketAddress address) implements RouterEvent {}

    /**
     * A configured estate did not answer yet; the router tries again.
     *
     * @param address the estate's address
     * @param reason why the last attempt failed
     */
    record JoinRetry(InetSocketAddress address, String reason) implements RouterEvent {}

    /**
     * A policy table took effect (read from {@code file}, or given in code when the file is null).
     *
     * @param file the policy file, or null
     * @param rules how many rules the table has
     * @param defaultEffect what the table does when no rule matches
     */
    record PolicyLoaded(Path file, int rules, String defaultEffect) implements RouterEvent {}

    /**
     * The policy file changed but is not a valid table; the previous table stays in force.
     *
     * @param file the policy file
     * @param error what is wrong with it
     */
    record PolicyRejected(Path file, String error) implements RouterEvent {}

    /**
     * An alias table took effect, read from {@code file}.
     *
     * @param file the alias file
     * @param aliases how many aliases it has
     * @param taps how many taps
     */
    record AliasesLoaded(Path file, int aliases, int taps) implements RouterEvent {}

    /**
     * The alias file changed but is not a valid table; the previous table stays in force.
     *
     * @param file the alias file
     * @param error what is wrong with it
     */
    record AliasesRejected(Path file, String error) implements RouterEvent {}

    /**
     * A yard's socket appeared in the lane directory ({@code arrived}) or went away ({@code left}).
     *
     * @param yard the yard's name
     * @param event {@code arrived} or {@code left}
     */
    record YardChanged(String yard, String event) implements RouterEvent {}

    /**
     * A message could not be handed on; an {@code err} went back to its source unless it was itself an error.
     *
     * @param via the road or lane that could not take it
     * @param to its destination
     * @param code the error code
     * @param reason what happened
     */
    record ForwardFailed(String via, String to, String code, String reason) implements RouterEvent {}

    /**
     * An estate that is not a provisioned member asked to join the control channel, or a member sent what only the
     * control plane may: refused.
     *
     * @param channel the channel's name
     * @param name the estate's name
     * @param address its address
     * @param reason what was refused
     */
    record ControlRefused(String channel, String name, InetSocketAddress address, String reason)
            implements RouterEvent {}

    /**
     * A governed policy version was applied: its table replaced the router's and its key acceptances went to the
     * keeps. {@code from} is the control peer it came from ({@code local} for a submission on the lane).
     *
     * @param version the version's number
     * @param hash its hash
     * @param signers the governors who signed it
     * @param rules how many rules its table has
     * @param defaultEffect what its table does when no rule matches
     * @param from the control peer it came from
     */
    record PolicyApplied(long version, String hash, List<String> signers, int rules, String defaultEffect,
            String from) implements RouterEvent {}

    /**
     * A governed policy version or proposal was refused ({@code outcome} as in {@code io.raet.trust.Verdict},
     * lowercase; a {@code conflict} names the governors who signed two versions of one number in {@code reason}).
     *
     * @param version the version's number
     * @param outcome the verdict's outcome, lowercase
     * @param reason the verdict's reason
     * @param from the control peer it came from
     */
    record PolicyRefused(long version, String outcome, String reason, String from) implements RouterEvent {}

    /**
     * A proposal for the next version gained signatures and waits for more.
     *
     * @param version the version's number
     * @param hash its hash
     * @param signers the governors who signed so far
     * @param needed how many more signatures it needs
     * @param from the control peer the signatures came from
     */
    record ProposalGathered(long version, String hash, List<String> signers, int needed, String from)
            implements RouterEvent {}

    /**
     * A source (an estate, {@code estate:NAME} or {@code estate:NAME@CHANNEL}, or a yard, {@code yard:NAME}) is
     * restricted for its behaviour: {@code throttled} or {@code denied} (for {@code coolingMillis}). Its role and
     * channel (for an estate) say what a permanent rule would name ({@code raet policy propose --restriction}).
     *
     * @param source the source
     * @param level {@code throttled} or {@code denied}
     * @param score its score
     * @param reason the offence that weighed most
     * @param coolingMillis how long a denial lasts, in milliseconds
     * @param role the estate's role, or null
     * @param channel the estate's channel, or null
     */
    record Restricted(String source, String level, double score, String reason, long coolingMillis, String role,
            String channel) implements RouterEvent {}

    /**
     * A restriction ended: the source is free ({@code now} = {@code none}) or throttled again after a denial.
     *
     * @param source the source
     * @param from its level before
     * @param now its level now
     */
    record RestrictionLifted(String source, String from, String now) implements RouterEvent {}
}
