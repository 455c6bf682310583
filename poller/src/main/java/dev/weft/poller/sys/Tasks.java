package dev.weft.poller.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * gettid(2), and what the scheduler says of one thread of this process (/proc/self/task/TID/schedstat: its time
 * on a CPU and its time waiting in a run queue for one, in nanoseconds since it started). No policy.
 */
public final class Tasks {
    private static final MethodHandle GETTID = Libc.find("gettid")
            .map(symbol -> Libc.quick(symbol, FunctionDescriptor.of(JAVA_INT)))
            .orElse(null); // glibc before 2.30, musl before 1.2.2

    private Tasks() {}

    /** The calling thread's kernel thread id (gettid never fails); 0 if this libc has no gettid. */
    public static int gettid() {
        if (GETTID == null) {
            return 0;
        }
        try {
            return (int) GETTID.invokeExact(Errno.capture());
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }

    /**
     * Reads thread {@code tid}'s nanoseconds on a CPU into {@code out[0]} and its nanoseconds runnable but waiting
     * for a CPU into {@code out[1]}.
     *
     * @return false if there is nothing to read (the thread ended, or the kernel keeps no such statistics)
     */
    public static boolean schedstat(int tid, long[] out) {
        String line;
        try {
            line = Files.readString(Path.of("/proc/self/task", Integer.toString(tid), "schedstat"));
        } catch (IOException | SecurityException e) {
            return false;
        }
        String[] fields = line.trim().split(" ");
        if (fields.length < 2) {
            return false;
        }
        try {
            out[0] = Long.parseLong(fields[0]);
            out[1] = Long.parseLong(fields[1]);
        } catch (NumberFormatException e) {
            return false;
        }
        return true;
    }
}
