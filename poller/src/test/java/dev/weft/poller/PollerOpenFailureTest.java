package dev.weft.poller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Poller.open} failing at every step it takes — epoll_create1 and eventfd of each set and of the master
 * (EMFILE), the start of each poller thread, the master and the sweeper ("unable to create native thread") —
 * throws that very failure and leaves no fd, no thread and no native memory behind (issue 10, poller defect 1:
 * in VIRTUAL mode a failed master start used to hang open() for ever, its sub-pollers parked with nobody to
 * unpark them and close() joining them without end).
 */
@ExtendWith(NoFdLeaks.class)
class PollerOpenFailureTest {
    private static final int SETS = 2;

    @ParameterizedTest
    @EnumSource(PollerMode.class)
    void openFailingAtAnyStepThrowsThatFailureAndLeavesNothing(PollerMode mode) throws Exception {
        for (StepAt at : steps(mode)) {
            Throwable injected = at.failure();
            InjectedFaults hook = InjectedFaults.once(at.step(), at.index(), () -> injected);
            Map<Integer, String> fdsBefore = pollerFds();

            Throwable thrown = openInThread(mode, hook);

            assertNotNull(thrown, at + ": open() succeeded");
            assertSame(injected, thrown, at + ": open() must throw the failure itself");
            assertEquals(1, hook.thrown.get(), at + ": the fault was injected once");
            hook.assertNothingLeft(at.toString());
            assertEquals(fdsBefore, pollerFds(), at + ": epoll or eventfd left open");
        }
    }

    /** Every step of an open with two sets in {@code mode}. */
    private static List<StepAt> steps(PollerMode mode) {
        List<StepAt> steps = new ArrayList<>();
        List<Integer> owners = new ArrayList<>(List.of(0, 1));
        if (mode == PollerMode.VIRTUAL) {
            owners.add(-1); // the master
        }
        for (int i : owners) {
            steps.add(new StepAt(Faults.Step.EPOLL_CREATE, i));
            steps.add(new StepAt(Faults.Step.EVENTFD, i));
            steps.add(new StepAt(Faults.Step.THREAD_START, i));
        }
        steps.add(new StepAt(Faults.Step.THREAD_START, -2)); // the sweeper
        if (mode == PollerMode.CARRIER) {
            steps.add(new StepAt(Faults.Step.THREAD_START, -3)); // the carrier watch
        }
        return steps;
    }

    record StepAt(Faults.Step step, int index) {
        Throwable failure() {
            return switch (step) {
                case EPOLL_CREATE -> InjectedFaults.emfile("epoll_create1");
                case EVENTFD -> InjectedFaults.emfile("eventfd");
                default -> new OutOfMemoryError("unable to create native thread: possibly out of memory or "
                        + "process/resource limits reached");
            };
        }
    }

    /** Opens on a thread of its own, bounded: a hang is a failure with the stuck thread's stack, not a stuck build. */
    private static Throwable openInThread(PollerMode mode, InjectedFaults hook) throws InterruptedException {
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread opener = Thread.ofPlatform().daemon().name("opener").start(() -> {
            Faults faults = new Faults();
            faults.hook = hook;
            try {
                Poller.open(new PollerConfig(SETS, mode, 16), f -> { }, faults).close();
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        if (!opener.join(Duration.ofSeconds(20))) {
            fail("open() hung after the injected failure: " + List.of(opener.getStackTrace()));
        }
        return thrown.get();
    }

    private static Map<Integer, String> pollerFds() throws java.io.IOException {
        Map<Integer, String> fds = NoFdLeaks.openFds();
        fds.values().removeIf(target -> !target.contains("[eventpoll]") && !target.contains("[eventfd]"));
        return fds;
    }
}
