package io.raet.cli;

import io.raet.route.Address;
import io.raet.route.FlowException;
import io.raet.route.FlowMessage;
import io.raet.router.Yard;
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

/** A Java yard of a router's lane: serves shares with an echo service, or sends one request and prints the answer. */
@Command(name = "yard", mixinStandardHelpOptions = true,
        description = "Run a yard on a router's lane: --serve shares (echo service) or send one --request.")
final class YardCommand implements Callable<Integer> {
    @Option(names = "--name", required = true, description = "yard name")
    String name;

    @Option(names = "--lane", defaultValue = "lane", description = "lane name (default ${DEFAULT-VALUE})")
    String lane;

    @Option(names = "--dir", description = "socket directory of the lane (the router's --lane-dir)")
    Path dir;

    @Option(names = "--router", defaultValue = "router", description = "the router's yard (default ${DEFAULT-VALUE})")
    String router;

    @Option(names = "--serve", description = "answer requests to this share with {\"echo\": data, \"by\": yard} "
            + "(repeatable); runs until stopped")
    List<String> serve = List.of();

    @Option(names = "--request", description = "send one request to estate/yard/share[/channel] and print the answer")
    String request;

    @Option(names = "--data", defaultValue = "null", description = "JSON data of the request (default null)")
    String data;

    @Option(names = "--timeout", defaultValue = "5", description = "seconds to wait for the answer")
    int timeout;

    @Override
    public Integer call() throws Exception {
        if ((request == null) == serve.isEmpty()) {
            throw new IllegalArgumentException("give either --serve SHARE or --request ADDRESS");
        }
        if (timeout <= 0) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        Object payload = Json.MAPPER.readValue(data, Object.class);
        Yard.Builder b = Yard.builder(name).lane(lane).router(router).requestTimeout(Duration.ofSeconds(timeout));
        if (dir != null) {
            b.dir(dir);
        }
        try (Yard yard = b.build()) {
            if (request != null) {
                return ask(yard, parseAddress(request), payload);
            }
            for (String s : serve) {
                yard.serve(s, d -> Json.obj("echo", d, "by", name));
            }
            Json.line(System.out, Json.obj("event", "ready", "yard", name, "path", yard.path().toString(),
                    "serving", serve));
            CountDownLatch done = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                yard.close();
                done.countDown();
            }));
            done.await();
            return 0;
        }
    }

    private int ask(Yard yard, Address dst, Object payload) throws InterruptedException {
        try {
            FlowMessage rsp = yard.request(dst, payload).get(timeout + 1L, TimeUnit.SECONDS);
            Json.line(System.out, Json.obj("event", "response", "src", rsp.src().toList(), "data", rsp.data()));
            return 0;
        } catch (ExecutionException e) {
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
            throw new IllegalArgumentException("address has at most 4 levels estate/yard/share/channel: '" + s + "'");
        }
        return Address.parse(Arrays.asList((Object[]) parts));
    }
}
