package dev.weft.poller;

import dev.weft.poller.sys.ErrnoException;
import java.lang.foreign.Arena;

/**
 * The failure-injection seam of one {@link Poller} (package-private; production code always runs with a hook that
 * does nothing). Tests set {@link #hook} to make a step fail — a syscall with an errno, a thread start with
 * "unable to create native thread", an iteration of a critical loop with {@code OutOfMemoryError} — and to see
 * every thread started and every arena allocated, so they can prove a failure left nothing behind.
 *
 * <pre>
 * hook: volatile; set by tests (before open, or on a running poller), read at each step. Steps are rare
 * next to the syscalls they sit beside (open, registration, MOD, one per loop iteration), so the read costs
 * nothing measurable.
 * </pre>
 */
final class Faults {
    /** Where a failure can be injected. */
    enum Step {
        /** epoll_create1 of set {@code index} (-1: the master's). */
        EPOLL_CREATE,
        /** eventfd of set {@code index} (-1: the master's). */
        EVENTFD,
        /** Starting poller thread {@code index}; -1 the master, -2 the sweeper, -3 the carrier watch. */
        THREAD_START,
        /** In {@code register} on set {@code index}: after the item was published and added, before the link. */
        REGISTER_LINK,
        /** An EPOLL_CTL_MOD on set {@code index}, under the arming thread's set reference and file pin. */
        MODIFY,
        /** Set {@code index} is being freed by the thread that dropped its last reference. */
        FREE,
        /** One iteration of set {@code index}'s poller loop: events polled, not yet dispatched. */
        POLL,
        /** One iteration of the master's loop: events polled, sub-pollers not yet unparked. */
        MASTER_POLL,
        /** One sweep of the timeout sweeper. */
        SWEEP,
        /** One look of the carrier watch (CARRIER mode). */
        WATCH
    }

    /** What a test plugs in. Every method may throw anything. */
    interface Hook {
        void at(Step step, int index) throws ErrnoException;

        default void allocated(Arena arena) {}

        default void starting(Thread thread) {}
    }

    static final Hook NONE = (step, index) -> { };

    volatile Hook hook = NONE;

    void at(Step step, int index) throws ErrnoException {
        hook.at(step, index);
    }

    /** A new arena of native memory (a set's or the master's): tests check it is closed after a failure. */
    Arena track(Arena arena) {
        hook.allocated(arena);
        return arena;
    }

    /** Starts {@code thread} unless the hook makes the start fail (as "unable to create native thread" would). */
    void start(Thread thread, int index) {
        try {
            hook.at(Step.THREAD_START, index);
        } catch (ErrnoException e) {
            throw new IllegalStateException(e);
        }
        hook.starting(thread);
        thread.start();
    }
}
