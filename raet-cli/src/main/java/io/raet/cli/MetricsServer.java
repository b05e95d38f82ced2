package io.raet.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.jmx.JmxConfig;
import io.micrometer.jmx.JmxMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.raet.metrics.StatsBinder;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The meters of a stack served as Prometheus text at {@code http://HOST:PORT/metrics} and registered over JMX
 * (domain {@code raet}). The binder is refreshed before every scrape, and every few seconds for JMX, so that new
 * counters (a new drop reason) appear.
 */
final class MetricsServer implements AutoCloseable {
    /** Seconds between refreshes of the JMX view. */
    static final int JMX_REFRESH_SECONDS = 5;

    private final StatsBinder binder;
    private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
    private final PrometheusMeterRegistry prometheus;
    private final JmxMeterRegistry jmx;
    private final HttpServer http;
    private final Thread refresher;

    private MetricsServer(StatsBinder binder, InetSocketAddress httpAddress, boolean withJmx) throws IOException {
        this.binder = binder;
        this.prometheus = httpAddress == null ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        this.jmx = withJmx ? new JmxMeterRegistry(new JmxConfig() {
            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public String domain() {
                return "raet";
            }
        }, Clock.SYSTEM) : null;
        if (prometheus != null) {
            registry.add(prometheus);
        }
        if (jmx != null) {
            registry.add(jmx);
        }
        binder.bindTo(registry);
        if (httpAddress != null) {
            try {
                http = HttpServer.create(httpAddress, 16);
            } catch (IOException e) {
                close();
                throw new IOException("cannot serve metrics on " + httpAddress.getHostString() + ":"
                        + httpAddress.getPort() + ": " + e.getMessage(), e);
            }
            http.createContext("/", this::handle);
            http.start();
        } else {
            http = null;
        }
        refresher = jmx == null ? null : Thread.ofVirtual().name("raet-metrics-refresh").start(this::refreshLoop);
    }

    /** Serves {@code binder}'s meters over HTTP at {@code httpAddress} (null: none) and over JMX when asked. */
    static MetricsServer start(StatsBinder binder, InetSocketAddress httpAddress, boolean withJmx) throws IOException {
        return new MetricsServer(binder, httpAddress, withJmx);
    }

    /** The address the HTTP endpoint is bound to, or null when there is none. */
    InetSocketAddress address() {
        return http == null ? null : http.getAddress();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            if (!path.equals("/metrics") && !path.equals("/")) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(405, -1);
                return;
            }
            binder.refresh();
            byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private void refreshLoop() {
        try {
            while (true) {
                Thread.sleep(JMX_REFRESH_SECONDS * 1000L);
                binder.refresh();
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    @Override
    public void close() {
        if (refresher != null) {
            refresher.interrupt();
        }
        if (http != null) {
            http.stop(0);
        }
        registry.close();
        if (jmx != null) {
            jmx.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }
}
