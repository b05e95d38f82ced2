package io.raet.cli;

import io.raet.road.Delivery;
import io.raet.road.MessageOptions;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import io.raet.router.RouterConfig;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Joins a main estate, sends one message, and prints the delivery (and the reply with --wait-reply). */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = "Join the estate at --to, send a message, print the outcome as JSON lines.")
final class SendCommand implements Callable<Integer> {
    @Mixin
    EstateOptions estate;

    @Option(names = "--to", required = true, description = "host:port of the main estate")
    String to;

    @Option(names = "--main-key", description = "expected verify key (verhex) of the main: refuse any other")
    String mainKey;

    @Option(names = "--timeout", defaultValue = "10", description = "seconds to wait for each step")
    int timeout;

    @Option(names = "--wait-reply", description = "wait for one message back and print it")
    boolean waitReply;

    @Option(names = "--body-file", description = "read the message (a JSON object) from this file")
    java.nio.file.Path bodyFile;

    @Parameters(arity = "0..1", description = "a JSON object, or text sent as {\"content\": text}")
    String message;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress target = parseAddress(to);
        if ((message == null) == (bodyFile == null)) {
            throw new IllegalArgumentException("give either a message or --body-file");
        }
        String text = message != null ? message : java.nio.file.Files.readString(bodyFile);
        Map<String, Object> body = text.strip().startsWith("{") ? Json.parseObject(text) : Json.obj("content", text);
        try (RoadStack stack = estate.builder("sender-" + ProcessHandle.current().pid(), false).build()) {
            try {
                String remote = stack.join(target).get(timeout, TimeUnit.SECONDS);
                if (mainKey != null) {
                    String actual = stack.remote(remote).get(timeout, TimeUnit.SECONDS)
                            .map(r -> r.verifyKey().hex()).orElse("");
                    if (!actual.equalsIgnoreCase(mainKey)) {
                        Json.line(System.out, Json.obj("event", "error", "error", "main key mismatch", "remote",
                                remote, "verhex", actual));
                        return 3;
                    }
                }
                Json.line(System.out, Json.obj("event", "joined", "remote", remote));
                stack.allow(remote).get(timeout, TimeUnit.SECONDS);
                Json.line(System.out, Json.obj("event", "allowed", "remote", remote));
                Delivery d = stack.send(remote, body, MessageOptions.DEFAULT.withTimeout(Duration.ofSeconds(timeout)))
                        .get(timeout + 1L, TimeUnit.SECONDS);
                Json.line(System.out, Json.obj("event", "delivered", "id", d.messageId(), "remote", d.remote()));
                if (waitReply) {
                    RoadEvent.Message m = stack.receive(Duration.ofSeconds(timeout));
                    if (m == null) {
                        Json.line(System.out, Json.obj("event", "error", "error", "no reply"));
                        return 4;
                    }
                    Json.line(System.out, Events.toJson(m));
                }
                return 0;
            } catch (ExecutionException e) {
                Json.line(System.out, Json.obj("event", "error", "error", String.valueOf(e.getCause().getMessage())));
                return 2;
            } catch (TimeoutException e) {
                Json.line(System.out, Json.obj("event", "error", "error", "timeout"));
                return 2;
            }
        }
    }

    static InetSocketAddress parseAddress(String hostPort) {
        return RouterConfig.parseHostPort("--to", hostPort);
    }
}
