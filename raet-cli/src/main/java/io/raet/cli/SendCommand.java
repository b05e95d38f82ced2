package io.raet.cli;

import io.raet.codec.Body;
import io.raet.codec.Coat;
import io.raet.codec.PacketException;
import io.raet.road.Delivery;
import io.raet.road.DeliveryException;
import io.raet.road.MessageOptions;
import io.raet.road.RoadConfig;
import io.raet.road.RoadEvent;
import io.raet.road.RoadLimits;
import io.raet.road.RoadStack;
import io.raet.router.RouterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Joins a main estate, sends one message, and prints the delivery (and the reply with --wait-reply). */
@Command(name = "send", mixinStandardHelpOptions = true,
        description = {"Join the estate at --to, send one message (a JSON object), print the outcome as JSON lines.",
            "--timeout governs the whole command: join, allow, send and --wait-reply. A message over 1 MiB shows"
                    + " its progress on standard error when that is a terminal (or with --progress); the largest"
                    + " message is 16 MiB."})
final class SendCommand implements Callable<Integer> {
    /** Messages above this show their progress. */
    static final int PROGRESS_FROM = 1 << 20;

    @Mixin
    EstateOptions estate;

    @Mixin
    ConfigOption configOption;

    @Option(names = "--to", paramLabel = "HOST:PORT", description = "the main estate to join (required, here or in"
            + " --config)")
    String to;

    @Option(names = "--main-key", paramLabel = "VERHEX",
            description = "the main's verify key (64 hex digits, from its ready line): refuse any other"
                    + " (default: accept whichever key it has)")
    String mainKey;

    @Option(names = "--timeout", defaultValue = "30", paramLabel = "SECONDS",
            description = "seconds for the whole command: join, allow, send and --wait-reply"
                    + " (default: ${DEFAULT-VALUE})")
    int timeout;

    @Option(names = "--wait-reply", description = "wait for one message back and print it (default: do not wait)")
    boolean waitReply;

    @Option(names = "--body-file", paramLabel = "FILE",
            description = "read the message from this file, - for standard input (default: the MESSAGE argument)")
    Path bodyFile;

    @Option(names = "--text", description = "send the message as text: {\"content\": text} (default: the message"
            + " must be a JSON object)")
    boolean text;

    @Option(names = "--progress", description = "show the progress of a message over 1 MiB on standard error even"
            + " when it is not a terminal (default: on a terminal only)")
    boolean progress;

    @Parameters(arity = "0..1", paramLabel = "MESSAGE",
            description = "a JSON object, e.g. '{\"content\":\"hi\"}' (with --text: any text)")
    String message;

    @Override
    public Integer call() throws Exception {
        configOption.apply();
        if (to == null) {
            throw CliException.usage("say where to send: --to HOST:PORT (or \"to\" in --config)");
        }
        if (timeout <= 0) {
            throw CliException.usage("--timeout must be a positive number of seconds, not " + timeout);
        }
        if (mainKey != null) {
            mainKey = EstateOptions.hexKey("--main-key", mainKey);
        }
        RoadConfig d = RoadConfig.defaults();
        // The engine's own join and allow give up no sooner than the command does.
        RoadConfig config = d.withTimeouts(Duration.ofSeconds(timeout), d.joinentTimeout(),
                Duration.ofSeconds(timeout), d.aliveTimeout());
        // A name of its own each run: a main that accepted one sender's keys under "once" rejects other keys.
        String name = "sender-" + java.util.HexFormat.of().toHexDigits(new java.security.SecureRandom().nextInt());
        RoadStack.Builder builder = estate.builder(name, false, config);
        InetSocketAddress target = resolve("--to", to);
        Map<String, Object> body = body(readMessage());
        long size = encodedSize(body);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
        try (RoadStack stack = EstateOptions.open(builder)) {
            String remote = join(stack, target, deadline);
            if (mainKey != null) {
                String actual = await(stack.remote(remote), deadline, "the main's key")
                        .map(r -> r.verifyKey().hex()).orElse("");
                if (!actual.equalsIgnoreCase(mainKey)) {
                    Json.line(System.out, Json.obj("event", "error", "error", "main key mismatch", "remote",
                            remote, "verhex", actual));
                    throw new CliException(3, "main key mismatch: " + remote + " at " + Events.address(target)
                            + " has the verify key " + actual + ", not --main-key " + mainKey + ": check you reach"
                            + " the right estate, or give its key");
                }
            }
            Json.line(System.out, Json.obj("event", "joined", "remote", remote));
            try {
                await(stack.allow(remote), deadline, "the allow handshake with " + remote);
            } catch (ExecutionException e) {
                throw failed("allow_failed", "the allow handshake with " + remote + " failed: "
                        + reason(e.getCause(), "allow failed: "));
            }
            Json.line(System.out, Json.obj("event", "allowed", "remote", remote));
            deliver(stack, remote, body, size, deadline);
            if (waitReply) {
                RoadEvent.Message m = stack.receive(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                if (m == null) {
                    Json.line(System.out, Json.obj("event", "error", "error", "no reply"));
                    throw new CliException(4, "no reply from " + remote + " within --timeout " + timeout + " s");
                }
                Json.line(System.out, Events.toJson(m));
            }
            return 0;
        }
    }

    private String join(RoadStack stack, InetSocketAddress target, long deadline) throws Exception {
        try {
            // The road's own join gives up at the same time, saying why (e.g. held pending): a moment for that.
            return await(stack.join(target), deadline + 1_000_000_000L, "join");
        } catch (ExecutionException e) {
            String reason = reason(e.getCause(), "join failed: ");
            throw failed("join_failed", joinAdvice(stack, Events.address(target), reason), "reason", reason);
        } catch (TimeoutException e) {
            throw failed("join_failed", joinAdvice(stack, Events.address(target), "timeout"), "reason", "timeout");
        }
    }

    /** What a failed join means, and what to do, by the reason the road gave. */
    String joinAdvice(RoadStack stack, String at, String reason) {
        String role = stack.role();
        String keys = " --verhex " + stack.signingKey().verifyKey().hex() + " --pubhex "
                + stack.boxKeys().publicKey().hex();
        String accept = "ask its operator to accept role " + (role == null ? "" : "'" + role + "' ")
                + "(raet keep accept " + (role == null ? "ROLE" : role) + keys + " --keep <its keep>)";
        if (reason.equals("rejected")) {
            return "join failed: rejected: the main's acceptance refused our keys or role: " + accept;
        }
        if (reason.startsWith("timeout while pending") || reason.equals("pending")) {
            return "join failed: " + reason + ": the main holds our join for its operator: " + accept
                    + ", or wait longer with --timeout";
        }
        if (reason.startsWith("timeout") || reason.contains("timed out")) {
            return "join failed: no answer from " + at + " within --timeout " + timeout + " s: check that an estate"
                    + " listens there (raet listen) and that UDP reaches it; a main with --auto never holds the join"
                    + " until its operator accepts role " + (role == null ? "ROLE" : "'" + role + "'")
                    + " (raet keep accept)";
        }
        if (reason.equals("refused") || reason.equals("nacked")) {
            return "join failed: " + reason + ": the estate at " + at + " turned the join down: it may not be a"
                    + " main estate, or another estate there holds our name (try another --name)";
        }
        return "join failed: " + reason;
    }

    private void deliver(RoadStack stack, String remote, Map<String, Object> body, long size, long deadline)
            throws Exception {
        ProgressMeter meter = size > PROGRESS_FROM && (progress || ProgressMeter.stderrIsTerminal())
                ? new ProgressMeter(System.err, ProgressMeter.stderrIsTerminal(), size, System::nanoTime)
                : null;
        int[] total = {0};
        if (meter != null) {
            stack.onEvent(e -> {
                if (e instanceof RoadEvent.Progress p) {
                    total[0] = p.total();
                    meter.update(p);
                }
            });
        }
        long left = Math.max(1, deadline - System.nanoTime());
        Delivery d;
        try {
            d = await(stack.send(remote, body, MessageOptions.DEFAULT.withTimeout(Duration.ofNanos(left))),
                    deadline + 1_000_000_000L, "the send");
        } catch (ExecutionException | TimeoutException e) {
            if (meter != null) {
                meter.abandon();
            }
            Throwable c = e instanceof ExecutionException ? e.getCause() : e;
            String why = c instanceof DeliveryException de ? de.getMessage()
                    : "message to " + remote + " not delivered: " + reason(c, "");
            if (why.endsWith("not delivered: timeout")) {
                why += " (--timeout " + timeout + " s)";
            }
            throw failed("undelivered", why);
        }
        if (meter != null) {
            meter.done(total[0]);
        }
        Json.line(System.out, Json.obj("event", "delivered", "id", d.messageId(), "remote", d.remote()));
    }

    /** Prints the failure as an error event on standard output and returns it for standard error. */
    private static CliException failed(String error, String line, Object... more) {
        Map<String, Object> m = Json.obj("event", "error", "error", error);
        m.putAll(Json.obj(more));
        m.put("message", line);
        Json.line(System.out, m);
        return CliException.failed(line);
    }

    private static String reason(Throwable t, String prefix) {
        if (t instanceof TimeoutException) {
            return "timeout";
        }
        String m = String.valueOf(t.getMessage());
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private static <T> T await(CompletableFuture<T> f, long deadline, String what)
            throws ExecutionException, TimeoutException, InterruptedException {
        return f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** {@code host:port} with the host resolved now, or a usage error naming the option. */
    static InetSocketAddress resolve(String option, String hostPort) {
        InetSocketAddress a;
        try {
            a = RouterConfig.parseHostPort(option, hostPort);
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage() + ", e.g. 127.0.0.1:7530");
        }
        if (a.isUnresolved()) {
            throw CliException.usage("cannot resolve the host '" + a.getHostString() + "' of " + option
                    + ": check the name, or give an IP address");
        }
        return a;
    }

    static InetSocketAddress parseAddress(String hostPort) {
        return resolve("--to", hostPort);
    }

    private String readMessage() {
        if ((message == null) == (bodyFile == null)) {
            throw CliException.usage(message == null ? "give the message: as an argument, or with --body-file FILE"
                    : "give the message once: as an argument or with --body-file, not both");
        }
        if (message != null) {
            return message;
        }
        try {
            if (bodyFile.toString().equals("-")) {
                try (InputStream in = System.in) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            return Files.readString(bodyFile);
        } catch (NoSuchFileException e) {
            throw CliException.usage("cannot read --body-file " + bodyFile + ": no such file");
        } catch (AccessDeniedException e) {
            throw CliException.usage("cannot read --body-file " + bodyFile + ": permission denied");
        } catch (IOException e) {
            String why = Files.isDirectory(bodyFile) ? "it is a directory" : String.valueOf(e.getMessage());
            throw CliException.usage("cannot read --body-file " + bodyFile + ": " + why);
        }
    }

    /** The message as a JSON object, or the text wrapped with --text. */
    Map<String, Object> body(String t) {
        if (text) {
            return Json.obj("content", t);
        }
        String first = t.stripLeading();
        boolean looksJson = !first.isEmpty() && "{[\"".indexOf(first.charAt(0)) >= 0;
        Object o = Json.value(t, "the message", looksJson ? ""
                : "; to send plain text as {\"content\": text}, add --text");
        if (o instanceof Map<?, ?> m) {
            @SuppressWarnings("unchecked")
            Map<String, Object> body = (Map<String, Object>) m;
            return body;
        }
        String kind = o == null ? "null" : o instanceof java.util.List ? "an array" : o instanceof String ? "a string"
                : o instanceof Boolean ? "a boolean" : "a number";
        throw CliException.usage("the message must be a JSON object ({\"key\": value, ...}), not " + kind
                + ": put it in one, e.g. {\"items\": " + (t.length() > 40 ? "..." : t.strip()) + "}"
                + (o instanceof String ? ", or send text with --text" : ""));
    }

    /** The body's size on the wire, or a usage error when the road cannot carry it. */
    private long encodedSize(Map<String, Object> body) {
        byte[] encoded;
        try {
            encoded = Body.encode(estate.bodyKind(), body);
        } catch (PacketException e) {
            throw CliException.usage("the message cannot be encoded: " + e.getMessage());
        }
        int max = RoadLimits.defaults().maxMessageSize() - Coat.NACL_OVERHEAD;
        if (encoded.length > max) {
            throw CliException.usage(String.format(java.util.Locale.ROOT, "the message is %s (%,d bytes encoded);"
                    + " the largest road message is %d MiB (%,d bytes encoded): split it, or send where to fetch"
                    + " the data", ProgressMeter.size(encoded.length), encoded.length,
                    RoadLimits.defaults().maxMessageSize() >> 20, max));
        }
        return encoded.length;
    }
}
