package io.raet.router;

import io.raet.road.RoadEvent;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** What a {@link Router} reports to its listeners. */
public sealed interface RouterEvent {
    /** The road and the lane are up. */
    record Ready(String name, InetSocketAddress address, Path lanePath) implements RouterEvent {}

    /** A road event (joined, allowed, alive, dead, …); routed messages are not reported one by one. */
    record Road(RoadEvent event) implements RouterEvent {}

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
}
