package dev.weft.gatling;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.responseTimeInMillis;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.OpenInjectionStep;
import io.gatling.javaapi.core.Session;
import java.util.ArrayList;
import java.util.List;

/**
 * Connection-per-request users of an {@link ArrivalPlan}, each named by the level it arrived in ("1000/s", or
 * "ramp" while the rate changes) so Gatling's report shows every held level apart from the ramps, and each
 * response time recorded per level ({@link LevelRecorder}) so a run can print the held levels' own figures —
 * a cold JIT in the ramp does not blur them.
 */
final class LevelledRequests {
    private final ArrivalPlan plan;
    private final RunClock clock = new RunClock();
    private final LevelRecorder recorder;

    LevelledRequests(ArrivalPlan plan) {
        this.plan = plan;
        this.recorder = new LevelRecorder(plan.levels());
    }

    LevelRecorder recorder() {
        return recorder;
    }

    /** Seconds since the first user arrived. */
    double elapsedSeconds() {
        return clock.elapsedSeconds();
    }

    /** Puts the user's level ("level": index or -1) and request name ("name") in its session. */
    ChainBuilder arrive() {
        return exec(session -> {
            int level = plan.levelAt(clock.elapsedSeconds());
            return session.set("level", level).set("name", level < 0 ? "ramp" : plan.levels().get(level) + "/s");
        });
    }

    /** One GET of {@code path}, named by the level, expecting 200; its response time recorded for the level. */
    ChainBuilder request(String path) {
        return exec(http("#{name}").get(path).check(status().is(200), responseTimeInMillis().saveAs("rt")))
                .exec(this::record);
    }

    /** A ramp into every level, then the level held. */
    List<OpenInjectionStep> injection() {
        List<OpenInjectionStep> steps = new ArrayList<>();
        for (int i = 0; i < plan.levels().size(); i++) {
            steps.add(rampUsersPerSec(plan.rampStart(i)).to(plan.levels().get(i)).during(plan.rampSeconds()));
            steps.add(constantUsersPerSec(plan.levels().get(i)).during(plan.holdSeconds()));
        }
        return steps;
    }

    /** One line per level that sent anything: "PREFIX level  1000/s  ok ... achieved N/s  clean". */
    void print(String prefix, long maxP99Ms) {
        for (LevelRecorder.Level level : recorder.levels()) {
            if (level.ok() + level.ko() > 0) {
                System.out.printf("%s level %s  achieved %.0f/s  %s%n", prefix, level,
                        (level.ok() + level.ko()) / (double) plan.holdSeconds(),
                        level.clean(maxP99Ms) ? "clean" : "NOT clean");
            }
        }
    }

    private Session record(Session session) {
        int level = session.getInt("level");
        if (level >= 0) {
            recorder.record(level, session.isFailed(), session.contains("rt") ? session.getLong("rt") : -1);
        }
        return session;
    }
}
