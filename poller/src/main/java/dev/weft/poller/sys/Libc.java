package dev.weft.poller.sys;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * Links libc functions for the facility classes of this package. Every handle captures errno through the
 * linker's call-state capture (never a separate {@code __errno_location} call); see {@link Errno}.
 *
 * <p>Two kinds of downcall:
 * <ul>
 *   <li>{@link #quick}: for calls that never block because every fd weft creates is O_NONBLOCK (read, write,
 *       accept4, epoll_ctl, epoll_wait with timeout 0, ...). They are linked {@code critical(true)}: no thread
 *       state transition, and heap segments may be passed, so errno is captured into a small heap array instead
 *       of per-thread native memory. The JDK's contract for critical functions — short, non-blocking, no
 *       upcalls — is exactly what a non-blocking syscall is.</li>
 *   <li>{@link #blocking}: for calls that may sleep in the kernel (epoll_wait with a timeout, accept4 on a
 *       blocking listener). Only platform threads make them (pollers, acceptors); the caller passes a native
 *       capture segment it owns.</li>
 * </ul>
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    private Libc() {}

    static MethodHandle quick(String name, FunctionDescriptor descriptor) {
        return quick(symbol(name), descriptor);
    }

    static MethodHandle quick(MemorySegment symbol, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO, Linker.Option.critical(true));
    }

    /** The symbol, if this libc has it (for functions weft can do without). */
    static Optional<MemorySegment> find(String name) {
        return LIBC.find(name);
    }

    static MethodHandle quickVariadic(String name, FunctionDescriptor descriptor, int firstVariadicArg) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO, Linker.Option.critical(true),
                Linker.Option.firstVariadicArg(firstVariadicArg));
    }

    static MethodHandle blocking(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO);
    }

    static MethodHandle blockingVariadic(String name, FunctionDescriptor descriptor, int firstVariadicArg) {
        return LINKER.downcallHandle(symbol(name), descriptor, CAPTURE_ERRNO,
                Linker.Option.firstVariadicArg(firstVariadicArg));
    }

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** A downcall handle threw: only a linkage or programming error can do that. */
    static AssertionError unexpected(Throwable t) {
        return new AssertionError("downcall failed", t);
    }
}
