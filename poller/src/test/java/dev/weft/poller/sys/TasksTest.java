package dev.weft.poller.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** gettid and a thread's scheduler statistics, as the kernel reports them. */
class TasksTest {

    @Test
    void gettidIsTheThreadTheKernelNames() throws Exception {
        String self = Files.readSymbolicLink(Path.of("/proc/thread-self")).toString(); // "PID/task/TID"
        assertEquals(self.substring(self.lastIndexOf('/') + 1), Integer.toString(Tasks.gettid()));
    }

    @Test
    void aThreadThatComputesGainsTimeOnACpu() {
        long[] before = new long[2];
        long[] after = new long[2];
        int tid = Tasks.gettid();
        assertTrue(Tasks.schedstat(tid, before));
        long spinUntil = System.nanoTime() + 20_000_000;
        long x = 0;
        while (System.nanoTime() < spinUntil) {
            x += x * 31 + 7; // computes
        }
        assertTrue(Tasks.schedstat(tid, after));
        assertTrue(after[0] > before[0], "time on a CPU did not grow: " + before[0] + " -> " + after[0] + " " + x);
        assertTrue(after[1] >= before[1], "time waiting for a CPU went back");
    }

    @Test
    void noSuchThreadReadsNothing() {
        assertFalse(Tasks.schedstat(Integer.MAX_VALUE, new long[2]));
    }
}
