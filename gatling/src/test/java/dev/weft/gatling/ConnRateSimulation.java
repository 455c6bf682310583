package dev.weft.gatling;

import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;

/**
 * The seed's workload: new connections at an arrival rate (open model), each virtual user its own TCP connection
 * sending one GET with {@code Connection: close}, so the server closes first and keeps the TIME_WAIT. One rate is a
 * constant arrival rate; several ({@code -Drates=1000,2000,3000}) are steps, each ramped into from the one before.
 * Requests are named by level ("1000/s", "ramp"); at the end every held level's own count, failures, p50 and p99
 * are printed ("conn/rate level ...").
 *
 * <table>
 * <caption>Settings (-Dname=value)</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>target</td><td>http://127.0.0.1:8080/plaintext</td><td>URL requested; loopback only</td></tr>
 * <tr><td>rates</td><td>1000</td><td>new connections per second, one or more levels</td></tr>
 * <tr><td>rampSeconds</td><td>10</td><td>ramp into each level (the first from 1/s)</td></tr>
 * <tr><td>holdSeconds</td><td>30</td><td>each level held</td></tr>
 * <tr><td>maxP99Ms</td><td>200</td><td>the run fails if the 99th percentile is not below</td></tr>
 * <tr><td>maxConnections</td><td>2000000</td><td>a plan opening more is refused</td></tr>
 * <tr><td>sources</td><td>auto</td><td>local addresses (see {@link SourceAddresses})</td></tr>
 * </table>
 * The run fails (exit status 1) on any failed request or a p99 over the bound, and ends at most
 * {@link Loopback#GRACE_SECONDS} after its plan.
 */
public final class ConnRateSimulation extends Simulation {
    private final Knobs knobs = Knobs.system();
    private final Target target = Loopback.target(knobs);
    private final ArrivalPlan plan = Loopback.checked(() -> new ArrivalPlan(
            knobs.integers("rates", "1000", 1, 100_000),
            knobs.integer("rampSeconds", 10, 1, 3_600),
            knobs.integer("holdSeconds", 30, 1, 3_600)));
    private final int maxP99Ms = Loopback.checked(() -> knobs.integer("maxP99Ms", 200, 1, 60_000));
    private final long maxConnections = Loopback.checked(
            () -> knobs.integer("maxConnections", 2_000_000, 1, Integer.MAX_VALUE));
    private final SourceAddresses sources = Loopback.checked(() -> SourceAddresses.choose(
            knobs.text("sources", "auto"), target, plan.busiestTimeWaitWindow(), SourceAddresses.ephemeralPorts()));
    private final LevelledRequests requests = new LevelledRequests(plan);

    {
        if (plan.connections() > maxConnections) {
            Loopback.checked(() -> {
                throw new IllegalArgumentException("the plan opens " + plan.connections()
                        + " connections, over -DmaxConnections=" + maxConnections);
            });
        }
        ScenarioBuilder oneRequest = scenario("conn/rate")
                .exec(requests.arrive())
                .exec(requests.request(target.path()));
        setUp(oneRequest.injectOpen(requests.injection()))
                .protocols(Loopback.protocol(target, sources, true))
                .maxDuration(Duration.ofSeconds(plan.seconds() + Loopback.GRACE_SECONDS))
                .assertions(Loopback.clean(maxP99Ms));
    }

    @Override
    public void before() {
        System.out.printf("conn/rate: %s, rates %s/s, ramp %d s, hold %d s each: %d connections in %d s"
                        + " (busiest %d s: %d), sources %s, p99 bound %d ms%n",
                target.uri(), plan.levels(), plan.rampSeconds(), plan.holdSeconds(), plan.connections(),
                plan.seconds(), ArrivalPlan.TIME_WAIT_SECONDS, plan.busiestTimeWaitWindow(),
                sources, maxP99Ms);
    }

    /** Every held level's own figures (the ramps left out), then Gatling's report covers the whole run. */
    @Override
    public void after() {
        requests.print("conn/rate", maxP99Ms);
    }
}
