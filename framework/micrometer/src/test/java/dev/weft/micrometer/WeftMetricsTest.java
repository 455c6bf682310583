package dev.weft.micrometer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.weft.http.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A Prometheus scrape shows the requests by status class, the server's and the poller's counters. */
class WeftMetricsTest {
    @Test
    void aScrapeShowsRequestsByStatusClassAndTheServersAndPollersCounters() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (HttpServer server = HttpServer.builder()
                .observer(new WeftMetrics(registry))
                .get("/hello", (req, res) -> res.send("hello"))
                .get("/metrics", (req, res) -> res.contentType("text/plain; version=0.0.4").send(registry.scrape()))
                .port(0).start();
             HttpClient client = HttpClient.newHttpClient()) {
            URI base = URI.create("http://127.0.0.1:" + server.address().getPort());
            for (String path : new String[] {"/hello", "/hello", "/missing"}) {
                client.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.discarding());
            }
            try (Socket s = new Socket(server.address().getAddress(), server.address().getPort())) {
                OutputStream out = s.getOutputStream();
                out.write("GET /hello HTTP/1.1\r\n\r\n".getBytes()); // no Host: rejected by the parser, 400
                InputStream in = s.getInputStream();
                in.readAllBytes();
            }
            String scrape = awaitScrape(client, base, "weft_http_requests_seconds_count{status=\"4xx\"} 2");
            assertEquals(2, value(scrape, "weft_http_requests_seconds_count{status=\"2xx\"}"));
            assertEquals(0, value(scrape, "weft_http_requests_seconds_count{status=\"5xx\"}"));
            assertTrue(value(scrape, "weft_connections_accepted_total") >= 2, scrape);
            assertTrue(value(scrape, "weft_connections_active") >= 1, scrape);
            assertTrue(value(scrape, "weft_bytes_received_bytes_total") > 0, scrape);
            assertTrue(value(scrape, "weft_poller_registrations_total") >= 2, scrape);
            assertTrue(value(scrape, "weft_poller_parks_total") >= 0, scrape);
            assertTrue(scrape.contains("weft_poller_stale_events_total"), scrape);
            assertEquals(0, value(scrape, "weft_http_body_buffered_bytes"));
        }
    }

    /** Scrapes until {@code expected} shows (the observer runs after each response is written). */
    private static String awaitScrape(HttpClient client, URI base, String expected) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        String scrape;
        do {
            scrape = client.send(HttpRequest.newBuilder(base.resolve("/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } while (!scrape.contains(expected) && System.nanoTime() < deadline);
        assertTrue(scrape.contains(expected), scrape);
        return scrape;
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertTrue(m.find(), series + " in " + scrape);
        return Double.parseDouble(m.group(1));
    }
}
