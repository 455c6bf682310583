package dev.weft.gatling;

import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.http.HttpDsl.http;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.http.HttpProtocolBuilder;
import java.util.List;

/** What every simulation shares: its target, checked to be loopback, and the HTTP protocol towards it. */
final class Loopback {
    /** The target when -Dtarget is not given: the sample's plaintext route on its default port. */
    static final String DEFAULT_TARGET = "http://127.0.0.1:8080/plaintext";
    /** Seconds a run may outlast its plan (requests in flight at the end time out within this). */
    static final int GRACE_SECONDS = 30;

    private Loopback() {}

    /**
     * The target from -Dtarget, refused (with the reason on stderr, before Gatling's stack trace) unless it is on
     * loopback.
     */
    static Target target(Knobs knobs) {
        return checked(() -> Target.parse(knobs.text("target", DEFAULT_TARGET)));
    }

    /** Runs {@code setting}; a bad setting is printed as one line, then thrown (Gatling then fails the run). */
    static <T> T checked(java.util.function.Supplier<T> setting) {
        try {
            return setting.get();
        } catch (IllegalArgumentException e) {
            System.err.println("weft-gatling: " + e.getMessage());
            throw e;
        }
    }

    /**
     * HTTP/1.1 towards {@code target} from {@code sources}: no connection shared between virtual users (each has
     * its own), Gatling's warm-up request sent to the target itself (its default is an external site), and
     * {@code Connection: close} on every request when {@code closeEach}.
     */
    static HttpProtocolBuilder protocol(Target target, SourceAddresses sources, boolean closeEach) {
        HttpProtocolBuilder protocol = http.baseUrl(target.baseUrl())
                .warmUp(target.baseUrl() + target.path())
                .userAgentHeader("weft-gatling");
        if (!sources.addresses().isEmpty()) {
            protocol = protocol.localAddresses(sources.addresses());
        }
        return closeEach ? protocol.connectionHeader("close") : protocol;
    }

    /** What a run must show to pass: no failed request, and a 99th percentile below {@code maxP99Ms}. */
    static List<Assertion> clean(int maxP99Ms) {
        return List.of(global().failedRequests().count().is(0L), global().responseTime().percentile(99.0).lt(maxP99Ms));
    }
}
