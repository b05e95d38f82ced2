package io.raet.cli;

import io.raet.metrics.StatsBinder;
import java.io.IOException;
import java.net.InetSocketAddress;
import picocli.CommandLine.Option;

/** {@code --metrics HOST:PORT} and {@code --jmx}, for the commands that run a stack. */
final class MetricsOptions {
    @Option(names = "--metrics", paramLabel = "HOST:PORT",
            description = "serve Prometheus metrics at http://HOST:PORT/metrics (port 0: any free port) and register"
                    + " them over JMX too, e.g. 127.0.0.1:9464")
    String metrics;

    @Option(names = "--jmx", description = "register the metrics over JMX (domain raet) even without --metrics")
    boolean jmx;

    /**
     * Starts what the options ask for and prints where; null when they ask for nothing. When it cannot start,
     * {@code stack} is closed before the error is thrown.
     */
    MetricsServer start(StatsBinder binder, AutoCloseable stack) throws Exception {
        if (metrics == null && !jmx) {
            return null;
        }
        MetricsServer server;
        try {
            server = MetricsServer.start(binder, metrics == null ? null : address(metrics), true);
        } catch (IOException | RuntimeException e) {
            stack.close();
            throw e;
        }
        InetSocketAddress a = server.address();
        Json.line(System.out, Json.obj("event", "metrics", "url",
                a == null ? null : "http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/metrics",
                "jmx", "raet"));
        return server;
    }

    /** {@code HOST:PORT} (an IPv6 host in brackets), port 0..65535. */
    static InetSocketAddress address(String s) {
        int colon = s.lastIndexOf(':');
        String host = colon > 0 ? s.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = -1;
        try {
            port = Integer.parseInt(s.substring(colon + 1));
        } catch (NumberFormatException e) {
            // reported below
        }
        if (host.isEmpty() || port < 0 || port > 65535) {
            throw new IllegalArgumentException("--metrics must be HOST:PORT with a port 0..65535, e.g."
                    + " 127.0.0.1:9464, not '" + s + "'");
        }
        InetSocketAddress a = new InetSocketAddress(host, port);
        if (a.isUnresolved()) {
            throw new IllegalArgumentException("--metrics: cannot resolve host '" + host + "'");
        }
        return a;
    }
}
