package io.raet.cli;

import io.raet.lane.LaneException;
import io.raet.lane.LaneNames;
import io.raet.route.Address;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.router.Yard;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A Java yard of a router's lane: serves shares with an echo service (its own, or as a worker of a router's
 * load-balanced share), or sends one request and prints the answer.
 */
@Command(name = "yard", mixinStandardHelpOptions = true,
        description = "Run a yard on a router's lane: --serve shares or --worker of router shares (echo service), or"
                + " send one --request.")
final class YardCommand implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "yard name")
    String name;

    @Option(names = "--lane", defaultValue = "lane", description = "lane name (default: ${DEFAULT-VALUE})")
    String lane;

    @Option(names = "--dir", description = "socket directory of the lane, the router's --lane-dir (default:"
            + " /var/cache/raet when writable, else ~/.raet/uxd)")
    Path dir;

    @Option(names = "--router", defaultValue = "router",
            description = "the router's yard (default: ${DEFAULT-VALUE})")
    String router;

    @Option(names = "--serve", description = "answer requests to this share with {\"echo\": data, \"by\": yard} "
            + "(repeatable); runs until stopped (default: none)")
    List<String> serve = List.of();

    @Option(names = "--worker", description = "serve the router's load-balanced share SHARE (NAME=pool) as one of"
            + " its workers, with the same echo service (repeatable); runs until stopped (default: none)")
    List<String> workers = List.of();

    @Option(names = "--request", description = "send one request to estate/yard/share[/channel] and print the answer"
            + " (default: none)")
    String request;

    @Option(names = "--data", defaultValue = "null", description = "JSON data of the request (default: ${DEFAULT-VALUE},"
            + " no data)")
    String data;

    @Option(names = "--timeout", defaultValue = "5",
            description = "seconds to wait for the answer (default: ${DEFAULT-VALUE})")
    int timeout;

    @Override
    public Integer call() throws Exception {
        if ((request == null) == (serve.isEmpty() && workers.isEmpty())) {
            throw CliException.usage("give either --serve SHARE / --worker SHARE or --request ADDRESS");
        }
        if (timeout <= 0) {
            throw CliException.usage("--timeout must be a positive number of seconds, not " + timeout);
        }
        Object payload = Json.value(data, "--data", " (a string needs quotes: --data '\"text\"')");
        Address dst = request == null ? null : parseAddress(request);
        if (dir != null && !Files.isDirectory(dir)) {
            throw CliException.usage("no lane directory " + dir + ": start `raet router --lane-dir " + dir
                    + "` first (or pass the router's --lane-dir as --dir)");
        }
        Yard.Builder b = Yard.builder(name).lane(lane).router(router).requestTimeout(Duration.ofSeconds(timeout));
        if (dir != null) {
            b.dir(dir);
        }
        try (Yard yard = b.build()) {
            Path routerSocket = LaneNames.ha(yard.path().getParent(), lane, router);
            if (!Files.exists(routerSocket)) {
                throw noRouter(routerSocket, "no router lane at " + routerSocket);
            }
            if (dst != null) {
                return ask(yard, dst, payload, routerSocket);
            }
            for (String s : serve) {
                yard.serve(s, d -> Json.obj("echo", d, "by", name));
            }
            for (String w : workers) {
                register(yard, w, routerSocket);
            }
            Json.line(System.out, Json.obj("event", "ready", "yard", name, "path", yard.path().toString(),
                    "serving", serve, "working", workers));
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                yard.close();
                done.countDown();
            }));
            done.await();
            return 0;
        }
    }

    /** Serves {@code pool} and registers with the router as one of its workers; a refusal ends the command. */
    private void register(Yard yard, String pool, Path routerSocket) throws InterruptedException {
        try {
            yard.work(pool, d -> Json.obj("echo", d, "by", name)).get(timeout + 1L, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FlowException f && f.getCause() instanceof LaneException) {
                throw noRouter(routerSocket, "no router listens at " + routerSocket);
            }
            String why = e.getCause() instanceof FlowException f ? f.wireCode() + ": " + f.getMessage()
                    : String.valueOf(e.getCause());
            throw CliException.failed("the router did not take yard " + name + " as a worker of share '" + pool
                    + "' (" + why + "): start the router with --share " + pool + "=pool");
        } catch (java.util.concurrent.TimeoutException e) {
            throw noRouter(routerSocket, "no answer from the router at " + routerSocket);
        }
    }

    /** Start the router (in this lane directory, on this lane) first, or point --dir at the one it uses. */
    private CliException noRouter(Path socket, String problem) {
        Path d = socket.getParent();
        return CliException.usage(problem + ": start `raet router --lane-dir " + d
                + (lane.equals(LaneNames.DEFAULT_LANE) ? "" : " --lane " + lane) + "` first (or pass --dir)");
    }

    private int ask(Yard yard, Address dst, Object payload, Path routerSocket) throws InterruptedException {
        try {
            FlowMessage rsp = yard.request(dst, payload).get(timeout + 1L, TimeUnit.SECONDS);
            Json.line(System.out, Json.obj("event", "response", "src", rsp.src().toList(), "data", rsp.data()));
            return 0;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof FlowException f && f.getCause() instanceof LaneException l
                    && l.kind() == LaneException.Kind.PEER_GONE) {
                throw noRouter(routerSocket, "no router listens at " + routerSocket + " (left by a router that"
                        + " stopped)");
            }
            if (e.getCause() instanceof FlowException f) {
                Json.line(System.out, Json.obj("event", "error", "code", f.wireCode(), "error", f.getMessage()));
                return 1;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            Json.line(System.out, Json.obj("event", "error", "code", "timeout", "error", "no answer"));
            return 1;
        }
    }

    /** {@code estate/yard/share/channel}, missing levels empty (as the Python SDK writes addresses). */
    static Address parseAddress(String s) {
        String[] parts = s.split("/", -1);
        if (parts.length > 4) {
            throw CliException.usage("--request has at most 4 levels estate/yard/share/channel: '" + s + "'");
        }
        return Address.parse(Arrays.asList((Object[]) parts));
    }
}
