package dev.weft.sample;

import dev.weft.http.HttpServer;
import dev.weft.micrometer.WeftMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.CountDownLatch;

/**
 * The hello route with observation on or off, for framework/bench/observe-wrk.sh: {@code ObservedHelloService
 * PORT off|log|metrics|on}: "log" adds the access log (logger dev.weft.http.access, java.util.logging by
 * default), "metrics" weft-micrometer metrics into a Prometheus registry (scraped at GET /metrics), "on" both.
 */
public final class ObservedHelloService {
    private ObservedHelloService() {}

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8080;
        String mode = args.length > 1 ? args[1] : "off";
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        HttpServer.Builder builder = HttpServer.builder()
                .get("/hello", (req, res) -> res.send("Hello from weft!\n"))
                .get("/metrics", (req, res) -> res.send(registry.scrape()))
                .port(port);
        if (mode.equals("on") || mode.equals("log")) {
            builder.accessLog();
        }
        if (mode.equals("on") || mode.equals("metrics")) {
            builder.observer(new WeftMetrics(registry));
        }
        HttpServer server = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("weft observed hello (" + mode + "): http://"
                + server.address().getHostString() + ":" + server.address().getPort() + "/hello");
        new CountDownLatch(1).await();
    }
}
