package dev.weft.micrometer;

import dev.weft.http.Exchange;
import dev.weft.http.ExchangeObserver;
import dev.weft.http.HttpServer;
import dev.weft.poller.PollerStats;
import dev.weft.server.Server;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * A weft HttpServer's metrics in a Micrometer {@link MeterRegistry}. Add it as an observer; it binds the
 * server's counters when the server starts:
 * <pre>{@code
 * PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
 * HttpServer server = HttpServer.builder()
 *         .observer(new WeftMetrics(registry))
 *         .get("/metrics", (req, res) -> res.send(registry.scrape()))
 *         .start();
 * }</pre>
 *
 * <table>
 * <caption>Meters (Prometheus names in brackets)</caption>
 * <tr><th>meter</th><th>kind</th><th>what</th></tr>
 * <tr><td>weft.http.requests [weft_http_requests_seconds]</td><td>timer, tag status=1xx..5xx or none</td>
 *     <td>exchanges by status class and their duration, parser rejections included; "none": the connection
 *     ended before a response</td></tr>
 * <tr><td>weft.http.body.buffered [weft_http_body_buffered_bytes]</td><td>gauge</td>
 *     <td>request-body bytes buffered now, against HttpLimits.maxBufferedBodyBytes</td></tr>
 * <tr><td>weft.connections.accepted, .closed, .rejected, .timeouts</td><td>counters</td>
 *     <td>connections accepted, ended, refused over the cap, ended by a timeout</td></tr>
 * <tr><td>weft.connections.active</td><td>gauge</td><td>connections served now</td></tr>
 * <tr><td>weft.bytes.received, weft.bytes.sent</td><td>counters (bytes)</td><td>bytes read and written</td></tr>
 * <tr><td>weft.accept.backoffs</td><td>counter</td><td>times accept ran out of fds or memory</td></tr>
 * <tr><td>weft.poller.registrations, .releases, .parks, .wakeups, .polls, .events, .stale.events,
 *     .sets.freed, .carrier.takeovers</td><td>counters</td><td>the poller's {@link PollerStats}</td></tr>
 * <tr><td>weft.poller.items.live</td><td>gauge</td><td>registrations not yet released</td></tr>
 * </table>
 *
 * <p>Cost per exchange: one {@link Timer#record} on a timer chosen by array index (no lookup, no allocation);
 * the server's and the poller's counters cost nothing until scraped (they are read from the counters the
 * server keeps anyway). One server per registry, or give each its own tags.
 */
public final class WeftMetrics implements ExchangeObserver {
    private static final String[] STATUS_CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final MeterRegistry registry;
    private final Tags tags;
    private final Timer[] requests = new Timer[STATUS_CLASSES.length]; // by status / 100; [0]: no status

    /**
     * Metrics into {@code registry}, without extra tags.
     *
     * @param registry where the meters go
     */
    public WeftMetrics(MeterRegistry registry) {
        this(registry, Tags.empty());
    }

    /**
     * Metrics into {@code registry}, each meter with {@code tags}.
     *
     * @param registry where the meters go
     * @param tags     added to every meter (to tell several servers apart)
     */
    public WeftMetrics(MeterRegistry registry, Iterable<Tag> tags) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
        for (int i = 0; i < STATUS_CLASSES.length; i++) {
            requests[i] = Timer.builder("weft.http.requests")
                    .description("HTTP exchanges by status class, parser rejections included")
                    .tags(this.tags).tag("status", STATUS_CLASSES[i])
                    .register(registry);
        }
    }

    @Override
    public void exchangeDone(Exchange exchange) {
        int status = exchange.status();
        int index = status >= 100 && status <= 599 ? status / 100 : 0;
        requests[index].record(exchange.durationNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void serverStarted(HttpServer server) {
        Gauge.builder("weft.http.body.buffered", server, HttpServer::bufferedBodyBytes).baseUnit("bytes")
                .description("request-body bytes buffered in memory now").tags(tags).strongReference(true)
                .register(registry);
        Server tcp = server.tcp(); // reachable from its own threads while it runs: the weak references hold
        counter("weft.connections.accepted", tcp, s -> s.stats().accepted(), "connections accepted", null);
        counter("weft.connections.closed", tcp, s -> s.stats().closed(), "connections ended", null);
        counter("weft.connections.rejected", tcp, s -> s.stats().rejected(),
                "connections refused over maxConnections", null);
        counter("weft.connections.timeouts", tcp, s -> s.stats().timeouts(),
                "connections ended by an idle, read or write timeout", null);
        Gauge.builder("weft.connections.active", tcp, s -> s.stats().active()).description("connections served now")
                .tags(tags).register(registry);
        counter("weft.bytes.received", tcp, s -> s.stats().bytesIn(), "bytes read from connections", "bytes");
        counter("weft.bytes.sent", tcp, s -> s.stats().bytesOut(), "bytes written to connections", "bytes");
        counter("weft.accept.backoffs", tcp, s -> s.stats().acceptBackoffEpisodes(),
                "times accept ran out of fds or memory and backed off", null);
        counter("weft.accept.takeovers", tcp, s -> s.stats().acceptorTakeovers(),
                "times a connection's first run held its acceptor and a fresh one took its listener over", null);
        poller(tcp, "registrations", PollerStats::registrations, "connections registered with the poller");
        poller(tcp, "releases", PollerStats::releases, "registrations released");
        poller(tcp, "parks", PollerStats::parks, "threads parked waiting for readiness");
        poller(tcp, "wakeups", PollerStats::wakeups, "parked threads woken by readiness");
        poller(tcp, "polls", PollerStats::polls, "epoll_wait calls");
        poller(tcp, "events", PollerStats::events, "events epoll_wait returned");
        poller(tcp, "stale.events", PollerStats::staleEvents, "events for registrations already released");
        poller(tcp, "sets.freed", PollerStats::setsFreed, "poll sets freed");
        poller(tcp, "carrier.takeovers", PollerStats::carrierTakeovers,
                "CARRIER mode: times a task held a poller thread and a fresh one took its loop over");
        Gauge.builder("weft.poller.items.live", tcp, s -> s.poller().stats().liveItems())
                .description("registrations not yet released").tags(tags).register(registry);
    }

    private void counter(String name, Server tcp, ToDoubleFunction<Server> value, String description, String unit) {
        FunctionCounter.Builder<Server> b = FunctionCounter.builder(name, tcp, value).description(description)
                .tags(tags);
        if (unit != null) {
            b.baseUnit(unit);
        }
        b.register(registry);
    }

    private void poller(Server tcp, String name, ToDoubleFunction<PollerStats> value, String description) {
        counter("weft.poller." + name, tcp, s -> value.applyAsDouble(s.poller().stats()), description, null);
    }
}
