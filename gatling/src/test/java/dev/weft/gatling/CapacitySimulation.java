package dev.weft.gatling;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The capacity search: connection-per-request (as {@link ConnRateSimulation}) at stepped arrival rates — start,
 * start+step, ... — each ramped into and held; requests are named by their level ("1500/s", or "ramp" between
 * levels) so the report shows every level apart. The capacity is the highest rate of the leading levels that had
 * no failure and a p99 below the bound; once a held level misses that, the run stops (the levels above would only
 * pile up failures), and prints every level and the capacity.
 *
 * <table>
 * <caption>Settings (-Dname=value)</caption>
 * <tr><th>name</th><th>default</th><th>meaning</th></tr>
 * <tr><td>target</td><td>http://127.0.0.1:8080/plaintext</td><td>URL requested; loopback only</td></tr>
 * <tr><td>startRate</td><td>500</td><td>first level, new connections per second</td></tr>
 * <tr><td>stepRate</td><td>500</td><td>added per level</td></tr>
 * <tr><td>steps</td><td>10</td><td>levels at most</td></tr>
 * <tr><td>rampSeconds</td><td>5</td><td>ramp into each level</td></tr>
 * <tr><td>holdSeconds</td><td>20</td><td>each level held</td></tr>
 * <tr><td>maxP99Ms</td><td>200</td><td>a clean level's 99th percentile is below this</td></tr>
 * <tr><td>requireRate</td><td>startRate</td><td>the run fails unless this level is clean</td></tr>
 * <tr><td>sources</td><td>auto</td><td>local addresses (see {@link SourceAddresses})</td></tr>
 * </table>
 * Failures above the capacity are the search's result, not the run's failure: the run fails (exit status 1) only
 * when the level {@code requireRate} had a failure or a p99 over the bound, or was never reached.
 */
public final class CapacitySimulation extends Simulation {
    private final Knobs knobs = Knobs.system();
    private final Target target = Loopback.target(knobs);
    private final ArrivalPlan plan = Loopback.checked(() -> ArrivalPlan.stepped(
            knobs.integer("startRate", 500, 1, 100_000),
            knobs.integer("stepRate", 500, 1, 100_000),
            knobs.integer("steps", 10, 1, 100),
            knobs.integer("rampSeconds", 5, 1, 3_600),
            knobs.integer("holdSeconds", 20, 1, 3_600)));
    private final int maxP99Ms = Loopback.checked(() -> knobs.integer("maxP99Ms", 200, 1, 60_000));
    private final int requireRate = Loopback.checked(() -> required(knobs.integer("requireRate",
            plan.levels().getFirst(), 1, 1_000_000)));
    private final SourceAddresses sources = Loopback.checked(() -> SourceAddresses.choose(
            knobs.text("sources", "auto"), target, plan.busiestTimeWaitWindow(), SourceAddresses.ephemeralPorts()));
    private final LevelledRequests requests = new LevelledRequests(plan);
    /** Levels judged so far (each once its hold ended and a second passed); CAS forward only. */
    private final AtomicInteger judged = new AtomicInteger();
    /** The first held level that was not clean, -1 while none; written once by the judging user. */
    private final AtomicInteger firstFailed = new AtomicInteger(-1);

    {
        ScenarioBuilder oneRequest = scenario("capacity")
                .exec(requests.arrive())
                .stopLoadGeneratorIf(session -> stopMessage(), session -> judge() >= 0)
                .exec(requests.request(target.path()));
        String required = requireRate + "/s";
        setUp(oneRequest.injectOpen(requests.injection()))
                .protocols(Loopback.protocol(target, sources, true))
                .maxDuration(Duration.ofSeconds(plan.seconds() + Loopback.GRACE_SECONDS))
                .assertions(
                        details(required).failedRequests().count().is(0L),
                        details(required).responseTime().percentile(99.0).lt(maxP99Ms));
    }

    private int required(int rate) {
        if (!plan.levels().contains(rate)) {
            throw new IllegalArgumentException("-DrequireRate=" + rate + " is not one of the levels " + plan.levels());
        }
        return rate;
    }

    /** Judges every level whose hold ended over a second ago; the first that was not clean, or -1. */
    private int judge() {
        double now = requests.elapsedSeconds();
        for (int i = judged.get(); i < plan.levels().size() && now >= plan.endOf(i) + 1; i = judged.get()) {
            if (judged.compareAndSet(i, i + 1) && !requests.recorder().level(i).clean(maxP99Ms)) {
                firstFailed.compareAndSet(-1, i);
            }
        }
        return firstFailed.get();
    }

    /** Why the run stops (Gatling builds this message before it evaluates the condition: it must not throw). */
    private String stopMessage() {
        int failed = firstFailed.get();
        return failed < 0 ? "" : "level " + plan.levels().get(failed) + "/s was not clean: capacity found";
    }

    @Override
    public void before() {
        System.out.printf("capacity: %s, levels %s/s, ramp %d s, hold %d s each (at most %d s), sources %s;"
                        + " clean = no failure and p99 < %d ms; required: %d/s%n",
                target.uri(), plan.levels(), plan.rampSeconds(), plan.holdSeconds(), plan.seconds(),
                sources, maxP99Ms, requireRate);
    }

    @Override
    public void after() {
        requests.print("capacity", maxP99Ms);
        System.out.println("capacity result: " + requests.recorder().capacity(maxP99Ms) + " new connections/s with no failure"
                + " and p99 < " + maxP99Ms + " ms (" + target.uri() + ")");
    }
}
