package io.raet.adversary;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.raet.road.RoadEvent;
import io.raet.road.RoadStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A target of the Java API: an application on a {@link RoadStack} that reads its messages until told
 * {@code pause} on stdin and again after {@code resume}. Prints a {@code ready} line, then every 250 ms a
 * {@code stats} line with the stack's counters, the messages the stack handed over ({@code received}), those the
 * application took ({@code read}), and the heap in use.
 *
 * <pre>java -Xmx256m -cp raet-adversary.jar io.raet.adversary.PausableEstate NAME</pre>
 */
public final class PausableEstate {
    private PausableEstate() {}

    public static void main(String[] args) throws Exception {
        String name = args.length > 0 ? args[0] : "target";
        RoadStack stack = RoadStack.builder().name(name).main(true).host("127.0.0.1").port(0).build();
        AtomicLong received = new AtomicLong();
        AtomicLong read = new AtomicLong();
        Object gate = new Object();
        boolean[] paused = {false};
        stack.onEvent(e -> {
            if (e instanceof RoadEvent.Message) {
                received.incrementAndGet();
            }
        });
        line(Map.of("event", "ready", "name", name, "host", "127.0.0.1", "port", stack.address().getPort()));
        Thread.ofPlatform().daemon().name("reader").start(() -> {
            try {
                while (true) {
                    synchronized (gate) {
                        while (paused[0]) {
                            gate.wait();
                        }
                    }
                    if (stack.receive(java.time.Duration.ofMillis(100)) != null) {
                        read.incrementAndGet();
                    }
                }
            } catch (InterruptedException e) {
                // ends
            }
        });
        Thread.ofPlatform().daemon().name("stats").start(() -> {
            Runtime rt = Runtime.getRuntime();
            try {
                while (true) {
                    Thread.sleep(250);
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("event", "stats");
                    m.put("received", received.get());
                    m.put("read", read.get());
                    m.put("heap_used", rt.totalMemory() - rt.freeMemory());
                    m.put("stats", stack.stats());
                    line(m);
                }
            } catch (InterruptedException e) {
                // ends
            }
        });
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            for (String l; (l = in.readLine()) != null; ) {
                synchronized (gate) {
                    paused[0] = "pause".equals(l.strip());
                    gate.notifyAll();
                }
            }
        }
        stack.close();
    }

    private static synchronized void line(Map<String, ?> m) {
        try {
            System.out.println(ChildProcess.JSON.writeValueAsString(m));
            System.out.flush();
        } catch (JsonProcessingException e) {
            System.out.println("{\"event\":\"error\"}");
        }
    }
}
