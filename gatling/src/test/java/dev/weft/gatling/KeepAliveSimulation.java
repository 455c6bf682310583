package dev.weft.gatling;

import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * A fixed number of keep-alive connections, each sending GETs back to back (the next as soon as the last is
 * answered) until a common deadline: connections open over the ramp, then all of them send for the hold.
 *
 * <table>
 * <caption>Settings (-Dname=value)</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>target</td><td>http://127.0.0.1:8080/plaintext</td><td>URL requested; loopback only</td></tr>
 * <tr><td>connections</td><td>64</td><td>keep-alive connections (one virtual user each)</td></tr>
 * <tr><td>rampSeconds</td><td>5</td><td>the connections open over this</td></tr>
 * <tr><td>holdSeconds</td><td>30</td><td>then all send for this</td></tr>
 * <tr><td>maxRequests</td><td>10000000</td><td>cap on requests, shared evenly by the connections</td></tr>
 * <tr><td>maxP99Ms</td><td>200</td><td>the run fails if the 99th percentile is not below</td></tr>
 * <tr><td>sources</td><td>auto</td><td>local addresses (see {@link SourceAddresses})</td></tr>
 * </table>
 * A failed request ends its connection's user (a dead server does not spin the loop), and fails the run.
 */
public final class KeepAliveSimulation extends Simulation {
    private final Knobs knobs = Knobs.system();
    private final Target target = Loopback.target(knobs);
    private final int connections = Loopback.checked(() -> knobs.integer("connections", 64, 1, 10_000));
    private final int rampSeconds = Loopback.checked(() -> knobs.integer("rampSeconds", 5, 1, 3_600));
    private final int holdSeconds = Loopback.checked(() -> knobs.integer("holdSeconds", 30, 1, 3_600));
    private final long perConnection = Loopback.checked(
            () -> Math.ceilDiv(knobs.integer("maxRequests", 10_000_000, 1, Integer.MAX_VALUE), connections));
    private final int maxP99Ms = Loopback.checked(() -> knobs.integer("maxP99Ms", 200, 1, 60_000));
    private final SourceAddresses sources = Loopback.checked(() -> SourceAddresses.choose(
            knobs.text("sources", "auto"), target, connections, SourceAddresses.ephemeralPorts()));
    private final RunClock clock = new RunClock();

    {
        ScenarioBuilder backToBack = scenario("keep-alive").exec(
                asLongAs(session -> clock.elapsedSeconds() < rampSeconds + holdSeconds, "i").on(
                        exec(http("GET " + target.path()).get(target.path()).check(status().is(200)))
                                .exitHereIfFailed()
                                .exitHereIf(session -> session.getInt("i") + 1 >= perConnection)));
        setUp(backToBack.injectOpen(rampUsers(connections).during(rampSeconds)))
                .protocols(Loopback.protocol(target, sources, false))
                .maxDuration(Duration.ofSeconds(rampSeconds + holdSeconds + Loopback.GRACE_SECONDS))
                .assertions(Loopback.clean(maxP99Ms));
    }

    @Override
    public void before() {
        System.out.printf("keep-alive: %s, %d connections opened over %d s, then %d s back to back"
                        + " (at most %d requests each), sources %s, p99 bound %d ms%n",
                target.uri(), connections, rampSeconds, holdSeconds, perConnection,
                sources, maxP99Ms);
    }
}
